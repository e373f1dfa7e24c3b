/**
 * The end of a login: Telegram signed the session in, so the account
 * becomes `active` with its session sealed on its row, and the runtime is
 * told to start it. Judged by the plan once more, under the user's row lock,
 * as if linking anew: a pending login never takes the plan's last session
 * from an account that runs (e.g. after the plan shrank mid-login). When the
 * account cannot be kept, the session Telegram just authorised is logged out
 * again, so no orphan login stays on the user's Telegram account.
 */
import { columnContext, sealSecret } from '../../crypto/secret-box.ts';
import { TELEGRAM_PENDING_STATUSES, TelegramAccount, type ITelegramAccount } from '../../db/entities/telegram-account.ts';
import { assertPlanAllows } from '../../domain/plans/plan-rules.ts';
import { TelegramCodeExpiredError } from '../../errors/registry.ts';
import type { SignedInUser } from '../../telegram/telegram-login-protocol.ts';
import type { ApiContext } from '../api-context.ts';
import { ownerStanding } from '../accounts/owner-standing.ts';
import { tellRuntime } from '../tell-runtime.ts';
import { snapshotWithoutLogin } from './login-quota.ts';
import type { LoginState } from './login-state.ts';
import { dropLoginState } from './login-store.ts';

function displayName(user: SignedInUser): string | null {
  const name = [user.firstName, user.lastName].filter((part) => part !== null && part !== '').join(' ');
  return name === '' ? null : name;
}

export async function finishLogin(ctx: ApiContext, state: LoginState, user: SignedInUser, session: string): Promise<ITelegramAccount> {
  const { accountId, userId } = state;
  let account: ITelegramAccount;
  try {
    account = await ctx.orm.em.fork().transactional(async (em) => {
      const { plan, snapshot } = await ownerStanding(ctx, em, userId);
      const row = await em.findOne(TelegramAccount, { id: accountId, user: userId, status: { $in: [...TELEGRAM_PENDING_STATUSES] } });
      // Unlinked, or removed as expired by the periodic job, while the step ran.
      if (row === null) throw new TelegramCodeExpiredError({ accountId, reason: 'login_expired' });
      assertPlanAllows(plan, snapshotWithoutLogin(snapshot, row, ctx.now()), { kind: 'link_account', platform: 'telegram' });
      row.status = 'active';
      row.sessionCiphertext = sealSecret(ctx.keyring, session, columnContext('telegram_accounts', 'session_ciphertext', accountId));
      row.telegramUserId = user.id;
      row.displayName = displayName(user);
      row.username = user.username;
      row.loginExpiresAt = null;
      row.lastError = null;
      await em.flush();
      return row;
    });
  } catch (err) {
    const out = await ctx.telegramLogin.run(session, { op: 'log_out' });
    if (!out.ok) ctx.logger.warn({ accountId, failure: out.failure }, 'a Telegram session signed in for a refused login could not be logged out');
    // The code is spent: this login cannot go on, whatever the reason.
    await dropLoginState(ctx, accountId);
    throw err;
  }
  await dropLoginState(ctx, accountId).catch((err: unknown) => ctx.logger.warn({ err, accountId }, 'finished Telegram login state not removed; it expires'));
  await tellRuntime(ctx, [{ kind: 'telegram_account', id: accountId, userId, action: 'upsert' }]);
  return account;
}
