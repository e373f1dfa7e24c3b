/**
 * The steps after the code was sent: the code, the 2FA password, a resend.
 * Each runs under its login's Redis lock, reads the login's state from
 * Redis (never from this process: the previous step may have run in another
 * API process), runs one gramjs step on the login threads and stores what
 * changed. A step Telegram refuses changes nothing but the saved session
 * (only when gramjs moved it to another data centre).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { TelegramAccount, TELEGRAM_PENDING_STATUSES, type ITelegramAccount } from '../../db/entities/telegram-account.ts';
import { assertPlanAllows } from '../../domain/plans/plan-rules.ts';
import { TelegramCodeExpiredError, TelegramLoginStepError, TelegramUnreachableError } from '../../errors/registry.ts';
import type { LoginStepOutcome, LoginStepRequest, LoginStepResult } from '../../telegram/telegram-login-protocol.ts';
import type { ApiContext } from '../api-context.ts';
import { findOwnAccount } from '../accounts/account-lifecycle.ts';
import { ownerStanding } from '../accounts/owner-standing.ts';
import { finishLogin } from './finish-login.ts';
import { loginFailureError } from './login-failure.ts';
import { isPending, snapshotWithoutLogin } from './login-quota.ts';
import { assertStep, codeSentState, type LoginAttempt, type LoginState } from './login-state.ts';
import { loadLoginState, saveLoginState, withLoginLock } from './login-store.ts';

/** The account after the step, and the login's state (null once it is done). */
export interface StepAnswer {
  account: ITelegramAccount;
  state: LoginState | null;
}

type Step = (state: LoginState, row: ITelegramAccount) => Promise<StepAnswer>;

async function withLogin(ctx: ApiContext, userId: string, accountId: string, attempted: LoginAttempt, step: Step): Promise<StepAnswer> {
  const notInLogin = () => new TelegramLoginStepError({ accountId, attempted, waitingFor: 'nothing' });
  if (!isPending(await findOwnAccount(ctx.orm.em.fork(), 'telegram', userId, accountId))) throw notInLogin();
  ctx.telegramLogin.endpoint();
  return withLoginLock(ctx, accountId, attempted, ctx.telegramLogin.settings.lockMs, async () => {
    // Again under the lock: the step that held it before may have just finished (or the user unlinked it).
    const row = await findOwnAccount(ctx.orm.em.fork(), 'telegram', userId, accountId);
    if (!isPending(row)) throw notInLogin();
    const state = assertStep(await loadLoginState(ctx, accountId, userId), accountId, attempted);
    return step(state, row);
  });
}

/** Runs one gramjs step; a refusal becomes its coded error, a session gramjs moved is kept for the next try. */
async function run(ctx: ApiContext, state: LoginState, request: LoginStepRequest): Promise<{ result: LoginStepResult; session: string }> {
  const outcome: LoginStepOutcome = await ctx.telegramLogin.run(state.session, request);
  if (outcome.ok) return outcome;
  if (outcome.session !== state.session && outcome.session !== '') await saveLoginState(ctx, { ...state, session: outcome.session });
  throw loginFailureError(outcome.failure, { accountId: state.accountId, phone: state.phone });
}

/** Before spending a code or a password: would finishing fit the plan? Checked again when finishing. */
async function precheckPlan(ctx: ApiContext, userId: string, row: ITelegramAccount): Promise<void> {
  const { plan, snapshot } = await ownerStanding(ctx, ctx.orm.em.fork(), userId, false);
  assertPlanAllows(plan, snapshotWithoutLogin(snapshot, row, ctx.now()), { kind: 'link_account', platform: 'telegram' });
}

/** Records the step the login now waits for, and its new expiry, on the row. */
async function markPending(ctx: ApiContext, state: LoginState): Promise<ITelegramAccount> {
  return ctx.orm.em.fork().transactional(async (em: EntityManager) => {
    const row = await em.findOne(TelegramAccount, { id: state.accountId, status: { $in: [...TELEGRAM_PENDING_STATUSES] } });
    if (row === null) throw new TelegramCodeExpiredError({ accountId: state.accountId, reason: 'login_expired' });
    row.status = state.step === 'code' ? 'pending_code' : 'pending_password';
    row.loginExpiresAt = new Date(state.expiresAt);
    await em.flush();
    return row;
  });
}

const unexpected = (result: LoginStepResult) => new TelegramUnreachableError({ reason: `unexpected answer ${result.kind}` });

export function submitCode(ctx: ApiContext, userId: string, accountId: string, code: string): Promise<StepAnswer> {
  return withLogin(ctx, userId, accountId, 'code', async (state, row) => {
    await precheckPlan(ctx, userId, row);
    const { result, session } = await run(ctx, state, { op: 'sign_in', phone: state.phone, phoneCodeHash: state.phoneCodeHash, code });
    if (result.kind === 'signed_in') return { account: await finishLogin(ctx, state, result.user, session), state: null };
    if (result.kind !== 'password_needed') throw unexpected(result);
    // A fresh period for the password: finding it may take the user a while.
    const next: LoginState = {
      ...state, step: 'password', session, passwordHint: result.hint, expiresAt: ctx.now() + ctx.telegramLogin.settings.loginTtlSeconds * 1000,
    };
    const account = await markPending(ctx, next);
    await saveLoginState(ctx, next);
    return { account, state: next };
  });
}

export function submitPassword(ctx: ApiContext, userId: string, accountId: string, password: string): Promise<StepAnswer> {
  return withLogin(ctx, userId, accountId, 'password', async (state, row) => {
    await precheckPlan(ctx, userId, row);
    const { result, session } = await run(ctx, state, { op: 'check_password', password });
    if (result.kind !== 'signed_in') throw unexpected(result);
    return { account: await finishLogin(ctx, state, result.user, session), state: null };
  });
}

export function resendCode(ctx: ApiContext, userId: string, accountId: string): Promise<StepAnswer> {
  return withLogin(ctx, userId, accountId, 'resend', async (state) => {
    const { result, session } = await run(ctx, state, { op: 'resend_code', phone: state.phone, phoneCodeHash: state.phoneCodeHash });
    if (result.kind !== 'code_sent') throw unexpected(result);
    const next = codeSentState(state, session, result, ctx.now() + ctx.telegramLogin.settings.loginTtlSeconds * 1000);
    const account = await markPending(ctx, next);
    await saveLoginState(ctx, next);
    return { account, state: next };
  });
}
