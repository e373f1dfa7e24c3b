/**
 * Ordered, bounded shutdown. Whatever starts a resource registers the step
 * that releases it; on SIGINT/SIGTERM the steps run once, newest first (so
 * the HTTP server stops before the database it uses), each logged with its
 * duration. A deadline keeps a stuck step from holding the process forever,
 * and a second Ctrl-C skips the rest at once.
 */
import { constants } from 'node:os';
import type { Logger } from 'pino';

/** Releases one resource; may be async. */
export type ShutdownStep = () => Promise<void> | void;

export interface ShutdownOptions {
  logger: Logger;
  /** Deadline for all steps together, normally SHUTDOWN_TIMEOUT_MS; past it the process exits with code 1. */
  timeoutMs: number;
  /** Ends the process. Default `process.exit`; tests pass a recorder. */
  exit?: (code: number) => void;
}

/** A second signal this soon after the first is the same one delivered twice. */
const REPEAT_SIGNAL_WINDOW_MS = 500;

/** Exit code of a process ended by `signal`, by shell convention 128 + its number. */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

export class Shutdown {
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #exit: (code: number) => void;
  readonly #steps: { name: string; step: ShutdownStep }[] = [];
  #running: Promise<void> | null = null;
  #signals: NodeJS.Signals[] = [];
  #firstSignalAt = -Infinity;
  readonly #stopping = new AbortController();

  constructor(options: ShutdownOptions) {
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs;
    this.#exit = options.exit ?? ((code) => process.exit(code));
  }

  /**
   * Adds a step. Steps run in reverse order of registration. A step
   * registered while shutdown is already running (a resource that finished
   * starting just then) still runs, before the ones registered earlier.
   */
  register(name: string, step: ShutdownStep): void {
    this.#steps.push({ name, step });
  }

  /** Aborted once shutdown begins: lets a start that waits (for a server to answer) give up at once. */
  get signal(): AbortSignal {
    return this.#stopping.signal;
  }

  /** True once shutdown has begun. */
  get inProgress(): boolean {
    return this.#running !== null;
  }

  /** Runs the steps on the first of `signals`; a second one exits at once with 128 + its number. */
  listen(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): void {
    for (const signal of signals) process.on(signal, this.#onSignal);
    this.#signals = [...signals];
  }

  /** Removes the signal handlers {@link listen} installed (tests). */
  unlisten(): void {
    for (const signal of this.#signals) process.off(signal, this.#onSignal);
    this.#signals = [];
  }

  readonly #onSignal = (signal: NodeJS.Signals): void => {
    if (this.#running === null) {
      this.#firstSignalAt = performance.now();
      void this.run(signal);
      return;
    }
    // One Ctrl-C can arrive twice: from the terminal to the whole process group
    // and again relayed by a wrapper (tsx, npm). Only a later one means "now".
    if (performance.now() - this.#firstSignalAt < REPEAT_SIGNAL_WINDOW_MS) return;
    this.#logger.warn({ signal }, `Received ${signal} again during shutdown: exiting now without finishing`);
    this.#exit(signalExitCode(signal));
  };

  /**
   * Runs every step once, then exits with `exitCode` (1 if a step failed).
   * Later calls return the same promise. `reason` is logged: a signal name,
   * or e.g. `startup failed`.
   */
  run(reason: string, exitCode = 0): Promise<void> {
    if (this.#running === null) this.#stopping.abort();
    this.#running ??= this.#runSteps(reason, exitCode);
    return this.#running;
  }

  async #runSteps(reason: string, exitCode: number): Promise<void> {
    const started = performance.now();
    let current = '';
    this.#logger.info({ reason, steps: this.#steps.map((s) => s.name).reverse(), timeoutMs: this.#timeoutMs }, 'Shutting down');
    const deadline = setTimeout(() => {
      this.#logger.error({ step: current, timeoutMs: this.#timeoutMs },
        `Shutdown did not finish within ${this.#timeoutMs} ms (stuck in "${current}"): exiting`);
      this.#exit(1);
    }, this.#timeoutMs);
    let failed = false;
    for (let entry = this.#steps.pop(); entry !== undefined; entry = this.#steps.pop()) {
      current = entry.name;
      const stepStarted = performance.now();
      try {
        await entry.step();
        this.#logger.info({ step: entry.name, ms: Math.round(performance.now() - stepStarted) }, `Stopped ${entry.name}`);
      } catch (error) {
        failed = true;
        this.#logger.error({ step: entry.name, err: error, ms: Math.round(performance.now() - stepStarted) }, `Failed to stop ${entry.name}`);
      }
    }
    clearTimeout(deadline);
    const code = failed ? Math.max(exitCode, 1) : exitCode;
    this.#logger.info({ ms: Math.round(performance.now() - started), exitCode: code }, 'Shutdown complete');
    this.#exit(code);
  }
}
