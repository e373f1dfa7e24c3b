/**
 * Runs login steps on a small piscina pool inside the API process: gramjs's
 * DH handshake and the SRP math of a 2FA password are pure-JS big-integer
 * work that would stall the event loop for every other request if many logins
 * ran on it. gramjs is loaded once per thread (the task module's imports);
 * the pool starts with the first login, so API processes that never link a
 * Telegram account never start its threads. Steps keep no state in a thread:
 * everything a step needs travels in its task, so any thread of any API
 * process can run the next one.
 */
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import { TelegramUnavailableError } from '../../errors/registry.ts';
import type { TelegramEndpoint } from '../../telegram/telegram-endpoint.ts';
import type { LoginStepOutcome, LoginStepRequest, LoginStepTask } from '../../telegram/telegram-login-protocol.ts';
import type { TelegramLoginSettings } from './login-options.ts';

const STEP_MODULE = new URL('../../telegram/telegram-login-step.ts', import.meta.url).href;

/** Heap cap of a login thread: gramjs and a few dozen clients in flight. */
const THREAD_HEAP_MB = 256;

export interface TelegramLogin {
  readonly settings: TelegramLoginSettings;
  /** Whether TELEGRAM_API_ID/HASH are set. */
  readonly configured: boolean;
  /** The endpoint logins go to; throws TelegramUnavailableError when Telegram is not configured. */
  endpoint(): TelegramEndpoint;
  /** One step; never rejects: a dead thread comes back as a network failure. */
  run(session: string, request: LoginStepRequest): Promise<LoginStepOutcome>;
  /** Stops the threads (steps in flight finish first). */
  close(): Promise<void>;
}

type StepFunction = (task: LoginStepTask) => Promise<LoginStepOutcome>;

export function createTelegramLogin(endpoint: TelegramEndpoint | null, settings: TelegramLoginSettings, logger: Logger): TelegramLogin {
  let pool: Piscina<LoginStepTask, LoginStepOutcome> | null = null;
  let inlineStep: Promise<StepFunction> | null = null;

  function startPool(): Piscina<LoginStepTask, LoginStepOutcome> {
    const made = new Piscina<LoginStepTask, LoginStepOutcome>({
      filename: STEP_MODULE,
      name: 'default',
      minThreads: settings.threads,
      maxThreads: settings.threads,
      // Loading gramjs costs a thread hundreds of ms: keep them for the process' life.
      idleTimeout: Infinity,
      concurrentTasksPerWorker: settings.concurrentStepsPerThread,
      // Steps are async and mostly wait on sockets; a thread must not block in Atomics.wait between them.
      atomics: 'disabled',
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
    });
    made.on('error', (err: unknown) => logger.error({ err }, 'Telegram login thread failed outside a step'));
    return made;
  }

  function endpointOrFail(): TelegramEndpoint {
    if (endpoint === null) throw new TelegramUnavailableError({});
    return endpoint;
  }

  return {
    settings,
    configured: endpoint !== null,
    endpoint: endpointOrFail,
    async run(session, request) {
      const task: LoginStepTask = { endpoint: endpointOrFail(), session, deadlineAt: Date.now() + settings.stepTimeoutMs, request };
      try {
        if (settings.inline) {
          inlineStep ??= import(STEP_MODULE).then((m: { runLoginStep: StepFunction }) => m.runLoginStep);
          return await (await inlineStep)(task);
        }
        pool ??= startPool();
        return await pool.run(task);
      } catch (err) {
        // The task (phone, code, password) is not logged: only what went wrong with the thread.
        logger.error({ err: { message: (err as Error).message, code: (err as { code?: unknown }).code } }, 'Telegram login step crashed its thread');
        return { ok: false, session, failure: { kind: 'network', reason: 'the login thread failed' } };
      }
    },
    async close() {
      const running = pool;
      pool = null;
      await running?.close();
    },
  };
}
