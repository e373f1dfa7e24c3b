/**
 * `totp_recovery_codes`: the ten single-use codes that stand in for the
 * authenticator. Stored as SHA-256 (each code is 80 random bits, beyond
 * offline guessing); `used_at` marks a spent one.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, optionalTimestamp, uuidPrimaryKey } from './common-properties.ts';
import { User } from './user.ts';

export const TotpRecoveryCode = defineEntity({
  name: 'TotpRecoveryCode',
  tableName: 'totp_recovery_codes',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade').index('totp_recovery_codes_user_id_index'),
    /** Hex SHA-256 of the normalised code. */
    codeHash: p.text().unique('totp_recovery_codes_code_hash_unique').hidden(),
    usedAt: optionalTimestamp(),
    createdAt: createdAt(),
  },
});

export type ITotpRecoveryCode = InferEntity<typeof TotpRecoveryCode>;
