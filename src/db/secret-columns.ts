/**
 * Columns holding values sealed with SECRET_KEYS. The key-rotation command
 * re-seals exactly these; a new encrypted column must be added here.
 */
export interface SecretColumn {
  /** Table name, unqualified: the configured schema applies. */
  table: string;
  /** Column holding the sealed envelope (text, nullable). */
  column: string;
  /** Primary key column used to update one row at a time. */
  idColumn: string;
}

export const SECRET_COLUMNS: readonly SecretColumn[] = Object.freeze([
  { table: 'telegram_accounts', column: 'session_ciphertext', idColumn: 'id' },
  { table: 'discord_accounts', column: 'token_ciphertext', idColumn: 'id' },
  { table: 'users', column: 'totp_secret_ciphertext', idColumn: 'id' },
]);
