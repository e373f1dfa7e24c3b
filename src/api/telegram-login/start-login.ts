/**
 * `POST /v1/telegram-accounts`: asks Telegram to send a login code, then
 * records the account as `pending_code`. In that order, so a refusal changes
 * nothing: the plan is checked first (no code is sent for an account the
 * plan refuses), the code is sent, and only then is the row inserted, the
 * plan checked again under the user's row lock, and the login's state
 * stored in Redis, all in one transaction. A code sent for a request that
 * then fails is harmless: it expires unused.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TelegramAccount, type ITelegramAccount } from '../../db/entities/telegram-account.ts';
import { assertPlanAllows } from '../../domain/plans/plan-rules.ts';
import { AccountAlreadyLinkedError, TelegramUnreachableError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { ownerStanding } from '../accounts/owner-standing.ts';
import { removeDeadLogin, removedPairChanges } from '../jobs/expire-telegram-logins.ts';
import { tellRuntime } from '../tell-runtime.ts';
import { loginFailureError } from './login-failure.ts';
import { isDeadLogin } from './login-quota.ts';
import { codeSentState, type LoginState } from './login-state.ts';
import { dropLoginState, saveLoginState } from './login-store.ts';

/**
 * The number is linked (or a live login for it runs) already: 409. A dead
 * login for it is no obstacle; it is replaced.
 */
async function refuseLinked(em: EntityManager, userId: string, phone: string, now: number): Promise<ITelegramAccount | null> {
  const existing = await em.findOne(TelegramAccount, { user: userId, phone });
  if (existing === null) return null;
  if (isDeadLogin(existing, now)) return existing;
  throw new AccountAlreadyLinkedError({ platform: 'telegram', accountId: existing.id });
}

export async function startLogin(ctx: ApiContext, userId: string, phone: string): Promise<{ account: ITelegramAccount; state: LoginState }> {
  const login = ctx.telegramLogin;
  login.endpoint();
  // Without a lock: no point asking Telegram for a code the plan or a duplicate refuses anyway.
  const pre = await ownerStanding(ctx, ctx.orm.em.fork(), userId, false);
  assertPlanAllows(pre.plan, pre.snapshot, { kind: 'link_account', platform: 'telegram' });
  await refuseLinked(ctx.orm.em.fork(), userId, phone, ctx.now());

  const outcome = await login.run('', { op: 'send_code', phone });
  if (!outcome.ok) throw loginFailureError(outcome.failure, { accountId: null, phone });
  if (outcome.result.kind !== 'code_sent') throw new TelegramUnreachableError({ reason: `unexpected answer ${outcome.result.kind}` });

  const id = randomUUID();
  const state = codeSentState({ accountId: id, userId, phone }, outcome.session, outcome.result, ctx.now() + login.settings.loginTtlSeconds * 1000);
  let done: { account: ITelegramAccount; replaced: { userId: string; pairIds: string[] } | null };
  try {
    done = await ctx.orm.em.fork().transactional(async (em) => {
      const { plan, snapshot } = await ownerStanding(ctx, em, userId);
      assertPlanAllows(plan, snapshot, { kind: 'link_account', platform: 'telegram' });
      const dead = await refuseLinked(em, userId, phone, ctx.now());
      const replaced = dead === null ? null : await removeDeadLogin(em, dead.id, new Date(ctx.now()));
      const created = em.create(TelegramAccount, {
        id, user: userId, phone, status: 'pending_code', loginExpiresAt: new Date(state.expiresAt),
      });
      await em.flush();
      // Inside the transaction: if Redis refuses the state, the row is rolled back with it.
      await saveLoginState(ctx, state);
      return { account: created, replaced };
    });
  } catch (err) {
    // The commit itself may have failed after the state was written.
    await dropLoginState(ctx, id).catch(() => undefined);
    throw err;
  }
  if (done.replaced !== null) await tellRuntime(ctx, removedPairChanges(userId, done.replaced.pairIds));
  const { account } = done;
  return { account, state };
}
