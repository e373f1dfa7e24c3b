/**
 * The linked accounts the runtime runs as actors, read from PostgreSQL with
 * their credentials opened (they stay in memory only). A user's accounts
 * beyond the plan's session count (oldest kept) do not run; nor do accounts
 * the user paused, that were revoked, or whose platform this build lacks.
 */
import type { ActorPlatform, ActorSpec } from '../../runtime-contracts/actor-contract.ts';
import { columnContext, openSecret } from '../../crypto/secret-box.ts';
import type { Keyring } from '../../crypto/keyring.ts';
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';
import type { Sql } from '../../db/raw-sql.ts';

type Row = { id: string; user_id: string; platform: 'discord' | 'telegram'; sealed: string; author_id: string | null; created_at: string };

/** An account that exists but does not run, and why. */
export interface AccountHeld {
  accountId: string;
  userId: string;
  reason: 'over_plan_limit' | 'platform_not_enabled' | 'credential_unreadable';
  detail?: string;
}

export interface AccountDirectoryOptions {
  /** Platforms this runtime starts actors for. Default `['discord']`. */
  platforms?: readonly ActorPlatform[];
}

/** `plans`: each active user's plan (the pair directory's, read in the same reconcile); other users' accounts do not run. */
export async function loadAccounts(
  sql: Sql,
  keyring: Keyring,
  plans: ReadonlyMap<string, PlanDefinition>,
  options: AccountDirectoryOptions = {},
): Promise<{ specs: ActorSpec[]; held: AccountHeld[]; ownAuthorIds: Set<string> }> {
  const platforms = new Set(options.platforms ?? ['discord']);
  const rows = await sql.all<Row>(
    `select id, user_id, 'discord' as platform, token_ciphertext as sealed, bot_user_id as author_id, created_at
       from ${sql.table('discord_accounts')} where status = 'active'
     union all
     select id, user_id, 'telegram' as platform, session_ciphertext as sealed, telegram_user_id::text as author_id, created_at
       from ${sql.table('telegram_accounts')} where status = 'active' and session_ciphertext is not null
     order by created_at, id`,
  );
  const specs: ActorSpec[] = [];
  const held: AccountHeld[] = [];
  const counted = new Map<string, number>();
  // Every linked account's own platform id, running or not: what they post is never a new source message.
  const ownAuthorIds = new Set(rows.flatMap((r) => (r.author_id === null ? [] : [`${r.platform}:${r.author_id}`])));
  for (const row of rows) {
    const plan = plans.get(row.user_id);
    if (!plan) continue;
    const n = (counted.get(row.user_id) ?? 0) + 1;
    counted.set(row.user_id, n);
    if (plan.limits.sessions !== null && n > plan.limits.sessions) {
      held.push({ accountId: row.id, userId: row.user_id, reason: 'over_plan_limit' });
      continue;
    }
    if (!platforms.has(row.platform)) {
      held.push({ accountId: row.id, userId: row.user_id, reason: 'platform_not_enabled', detail: row.platform });
      continue;
    }
    const column = row.platform === 'discord' ? 'token_ciphertext' : 'session_ciphertext';
    let credential: string;
    try {
      credential = openSecret(keyring, row.sealed, columnContext(`${row.platform}_accounts`, column, row.id));
    } catch (err) {
      held.push({ accountId: row.id, userId: row.user_id, reason: 'credential_unreadable', detail: (err as { code?: string }).code ?? 'error' });
      continue;
    }
    specs.push({ actorId: row.id, userId: row.user_id, platform: row.platform, tier: plan.tier, credential, fencingToken: 0 });
  }
  return { specs, held, ownAuthorIds };
}

const GENERIC_REASON = 'credentials rejected by the platform';

/** An account the platform refused, as `markRevoked` moved it. */
export interface RevokedAccount {
  platform: 'discord' | 'telegram';
  accountId: string;
  userId: string;
  /** What the owner knows it by: the bot's name, or the Telegram phone number. */
  label: string;
  /** What the platform said, as the account's `last_error` now shows it. */
  reason?: string;
}

/**
 * Records that the platform refused an account's credentials, with the
 * platform's `reason` (default: a generic one) as `last_error`, so the owner
 * sees what to do; only an active account changes. Returns the account when
 * this call changed it, null when it was not active (already revoked,
 * paused, unlinked), so the owner is told once however many supervisors saw
 * the refusal.
 */
export async function markRevoked(sql: Sql, platform: ActorPlatform, accountId: string, reason?: string): Promise<RevokedAccount | null> {
  if (platform !== 'discord' && platform !== 'telegram') return null;
  const label = platform === 'discord' ? 'bot_username' : 'phone';
  const [row] = await sql.all<{ user_id: string; label: string | null }>(
    `update ${sql.table(`${platform}_accounts`)} set status = 'revoked', last_error = ?, updated_at = now()
      where id = ? and status = 'active' returning user_id, ${label} as label`,
    [reason ?? GENERIC_REASON, accountId],
  );
  return row === undefined ? null : { platform, accountId, userId: row.user_id, label: row.label ?? accountId, reason: reason ?? GENERIC_REASON };
}
