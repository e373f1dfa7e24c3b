/**
 * How a Telegram login in progress counts against the plan. Pure. A pending
 * row holds a session slot while its login can still complete, so two
 * logins cannot race for a plan's last slot; once it expires it holds none,
 * so an abandoned login never blocks linking another account. The same rule
 * is written in SQL in countResources (usage/user-usage.ts).
 */
import { TELEGRAM_PENDING_STATUSES, type TelegramAccountStatus } from '../../db/entities/telegram-account.ts';
import type { UsageSnapshot } from '../../domain/plans/plan-rules.ts';

export interface LoginRow {
  status: TelegramAccountStatus;
  loginExpiresAt?: Date | null;
}

export function isPending(row: LoginRow): boolean {
  return (TELEGRAM_PENDING_STATUSES as readonly string[]).includes(row.status);
}

/** A login in progress that can still complete, and so holds a session slot. */
export function holdsLoginSlot(row: LoginRow, now: number): boolean {
  return isPending(row) && row.loginExpiresAt !== null && row.loginExpiresAt !== undefined && row.loginExpiresAt.getTime() > now;
}

/** A login that ended without completing (expired, or from before logins expired): nothing but clutter. */
export function isDeadLogin(row: LoginRow, now: number): boolean {
  return isPending(row) && !holdsLoginSlot(row, now);
}

/**
 * `snapshot` without `row`'s slot: completing a login is judged like linking
 * the account anew, against everything else the user has.
 */
export function snapshotWithoutLogin(snapshot: UsageSnapshot, row: LoginRow, now: number): UsageSnapshot {
  if (!holdsLoginSlot(row, now)) return snapshot;
  return { ...snapshot, sessions: snapshot.sessions - 1, telegramAccounts: snapshot.telegramAccounts - 1 };
}
