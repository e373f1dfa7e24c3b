/**
 * One step of a Telegram login with gramjs, as a piscina task (the default
 * export) or called directly. Each step makes a TelegramClient from the saved
 * StringSession (no new handshake once it holds an auth key), connects, makes
 * its requests, saves the session and destroys the client, so no update loop
 * or socket outlives the step. Never throws: every failure comes back as a
 * LoginFailure, because errors lose their fields crossing threads.
 *
 * Loads gramjs: import it only in the login threads (and in the benchmark's
 * main-thread comparison).
 */
import './gramjs-preload.ts';
import { Api, TelegramClient, errors } from 'telegram';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { computeCheck } from 'telegram/Password.js';
import { codeDelivery } from './code-delivery.ts';
import { connectionClass, openSession, trustServerKeys } from './gramjs-connection.ts';
import type {
  LoginFailure, LoginStepOutcome, LoginStepResult, LoginStepTask, SignedInUser,
} from './telegram-login-protocol.ts';

/** A failure decided here rather than thrown by gramjs. */
class StepFailure extends Error {
  readonly failure: LoginFailure;
  constructor(failure: LoginFailure) {
    super(failure.kind === 'rpc' ? failure.errorMessage : failure.reason);
    this.failure = failure;
  }
}

const rpc = (errorMessage: string): StepFailure => new StepFailure({ kind: 'rpc', errorMessage, code: 400, seconds: null });

function sentCode(answer: Api.auth.TypeSentCode): LoginStepResult {
  // Only returned to clients that pass future_auth_tokens, which these never do.
  if (!(answer instanceof Api.auth.SentCode)) throw rpc('SENT_CODE_SUCCESS_UNSUPPORTED');
  const type = answer.type as { className: string; length?: number };
  return {
    kind: 'code_sent',
    phoneCodeHash: answer.phoneCodeHash,
    codeType: codeDelivery(type.className),
    codeLength: typeof type.length === 'number' ? type.length : null,
    // gramjs reads an absent optional field as null, whatever its typings say.
    nextCodeType: answer.nextType == null ? null : codeDelivery(answer.nextType.className),
    resendAfterSeconds: answer.timeout ?? null,
  };
}

function signedIn(answer: Api.auth.TypeAuthorization): LoginStepResult {
  // Telegram answers a number without an account with a sign-up request (newer layers) instead of PHONE_NUMBER_UNOCCUPIED.
  if (!(answer instanceof Api.auth.Authorization)) throw rpc('PHONE_NUMBER_UNOCCUPIED');
  const u = answer.user as Api.User;
  const user: SignedInUser = {
    id: u.id.toString(),
    firstName: u.firstName ?? null,
    lastName: u.lastName ?? null,
    username: u.username ?? null,
  };
  return { kind: 'signed_in', user };
}

async function perform(client: TelegramClient, task: LoginStepTask): Promise<LoginStepResult> {
  // gramjs reports why a connection failed only to an error handler, then answers false.
  let cause = '';
  client.onError = async (err: Error) => {
    cause ||= err.message;
  };
  if (!(await client.connect())) {
    throw new StepFailure({ kind: 'network', reason: cause === '' ? 'could not connect' : `could not connect: ${cause.slice(0, 160)}` });
  }
  const { request: r, endpoint } = task;
  switch (r.op) {
    case 'send_code':
      return sentCode(await client.invoke(new Api.auth.SendCode({
        phoneNumber: r.phone, apiId: endpoint.apiId, apiHash: endpoint.apiHash, settings: new Api.CodeSettings({}),
      })));
    case 'resend_code':
      return sentCode(await client.invoke(new Api.auth.ResendCode({ phoneNumber: r.phone, phoneCodeHash: r.phoneCodeHash })));
    case 'sign_in': {
      let answer: Api.auth.TypeAuthorization;
      try {
        answer = await client.invoke(new Api.auth.SignIn({ phoneNumber: r.phone, phoneCodeHash: r.phoneCodeHash, phoneCode: r.code }));
      } catch (err) {
        if ((err as { errorMessage?: unknown }).errorMessage !== 'SESSION_PASSWORD_NEEDED') throw err;
        // Same connection: the hint is what the user needs to type the password.
        const password = await client.invoke(new Api.account.GetPassword());
        return { kind: 'password_needed', hint: password.hint ?? null };
      }
      return signedIn(answer);
    }
    case 'check_password': {
      const password = await client.invoke(new Api.account.GetPassword());
      const check = await computeCheck(password, r.password);
      return signedIn(await client.invoke(new Api.auth.CheckPassword({ password: check })));
    }
    case 'log_out':
      await client.invoke(new Api.auth.LogOut());
      return { kind: 'logged_out' };
  }
}

function failureOf(err: unknown, timedOut: boolean): LoginFailure {
  if (timedOut) return { kind: 'network', reason: 'no answer in time' };
  if (err instanceof StepFailure) return err.failure;
  // gramjs turns FLOOD_WAIT_X into a class whose errorMessage is just "FLOOD"; the seconds are what matter.
  if (err instanceof errors.FloodWaitError || err instanceof errors.FloodTestPhoneWaitError) {
    return { kind: 'rpc', errorMessage: 'FLOOD_WAIT', code: 420, seconds: err.seconds };
  }
  if (err instanceof errors.RPCError) {
    return { kind: 'rpc', errorMessage: String(err.errorMessage), code: typeof err.code === 'number' ? err.code : null, seconds: null };
  }
  const reason = err instanceof Error ? err.message : String(err);
  return { kind: 'network', reason: reason.slice(0, 200) };
}

/** Runs one login step by `task.deadlineAt`; the outcome carries the session as it is after the step. */
export async function runLoginStep(task: LoginStepTask): Promise<LoginStepOutcome> {
  const { endpoint } = task;
  const timeoutMs = task.deadlineAt - Date.now();
  // Waited too long for a thread: the caller's lock is about to lapse, so start nothing.
  if (timeoutMs <= 0) return { ok: false, session: task.session, failure: { kind: 'network', reason: 'no answer in time' } };
  trustServerKeys(endpoint);
  const session = openSession(endpoint, task.session);
  const client = new TelegramClient(session, endpoint.apiId, endpoint.apiHash, {
    connection: connectionClass(endpoint),
    connectionRetries: 1,
    // A second try only for a DC migration (PHONE_MIGRATE_X) or Telegram's internal errors.
    requestRetries: 2,
    retryDelay: 0,
    autoReconnect: false,
    floodSleepThreshold: 0,
    timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
    // gramjs logs to the console from its constructor on; a logger set afterwards is too late.
    baseLogger: new Logger(LogLevel.NONE),
  });
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error('timed out'));
    }, timeoutMs);
  });
  const work = perform(client, task);
  // After a timeout the work still settles (destroy() fails its requests); nobody waits for it then.
  work.catch(() => undefined);
  try {
    const result = await Promise.race([work, deadline]);
    return { ok: true, session: session.save(), result };
  } catch (err) {
    return { ok: false, session: session.save(), failure: failureOf(err, timedOut) };
  } finally {
    clearTimeout(timer);
    await client.destroy().catch(() => undefined);
  }
}

export default runLoginStep;
