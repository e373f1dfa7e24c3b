/**
 * One worker process as the supervisor holds it: the forked child, the
 * comlink proxy to its WorkerApi over IPC, and its events. The worker runs on
 * this project's Node with tsx, with `MALLOC_ARENA_MAX` set so memory freed by
 * its threads goes back to the OS (glibc otherwise keeps one arena per thread).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as Comlink from 'comlink';
import type { Logger } from 'pino';
import { childChannel, type IpcChannel } from '../src/cluster/ipc-endpoint.ts';
import type { WorkerLifecycle } from '../src/cluster/status-snapshot.ts';
import { WorkerUnavailableError } from '../src/errors/registry.ts';
import type { WorkerApi, WorkerEvent, WorkerOptions, WorkerStatus } from '../src/runtime-contracts/worker-protocol.ts';

const WORKER_ENTRY = fileURLToPath(new URL('../actors/worker-process.ts', import.meta.url));

export interface WorkerHandleEvents {
  event: [WorkerEvent];
  exit: [code: number | null, signal: NodeJS.Signals | null];
}

export class WorkerHandle extends EventEmitter<WorkerHandleEvents> {
  readonly workerId: string;
  readonly options: WorkerOptions;
  readonly child: ChildProcess;
  readonly api: Comlink.Remote<WorkerApi>;
  state: WorkerLifecycle = 'starting';
  /** Last status the worker reported; placement and the snapshot read it. */
  lastStatus: WorkerStatus | null = null;
  /**
   * Sessions booked here since `lastStatus` was asked for, which its memory
   * figure cannot include yet: placement counts them at their expected size,
   * or every session placed between two statuses would go to the same worker.
   */
  bookedSinceStatus = 0;
  readonly #channel: IpcChannel<WorkerEvent>;
  #exited = false;
  readonly exited: Promise<void>;

  constructor(options: WorkerOptions, logger: Logger) {
    super();
    // Every call in flight listens for the exit; thousands may be in flight at once.
    this.setMaxListeners(0);
    this.workerId = options.workerId;
    this.options = options;
    this.child = fork(WORKER_ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      // Its own process group: a terminal's Ctrl-C reaches the supervisor only,
      // which then stops the workers in order. The IPC channel still ties the
      // worker's life to the supervisor's (it exits when the channel closes).
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2', SB_WORKER_OPTIONS: JSON.stringify(options) },
    });
    this.#channel = childChannel<WorkerEvent>(this.child);
    this.api = Comlink.wrap<WorkerApi>(this.#channel.endpoint);
    this.#channel.onEvent((event) => this.emit('event', event));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.#exited = true;
        this.#channel.close();
        logger.info({ workerId: this.workerId, pid: this.child.pid, code, signal }, 'worker exited');
        this.emit('exit', code, signal);
        resolve();
      });
    });
    this.child.on('error', (error) => logger.error({ workerId: this.workerId, err: error }, 'worker process error'));
  }

  /** Asks the worker for its status and keeps it; sessions booked while the question was out stay counted as unmeasured. */
  async refreshStatus(): Promise<WorkerStatus> {
    const booked = this.bookedSinceStatus;
    const status = await this.call((api) => api.status());
    this.lastStatus = status;
    this.bookedSinceStatus -= booked;
    return status;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return !this.#exited;
  }

  /**
   * Asks the worker to stop its actors (cursors checkpointed) and exit; kills
   * it when that takes longer than `timeoutMs`. Returns the cursors it gave back.
   */
  async shutdown(timeoutMs: number): Promise<Record<string, Record<string, string>>> {
    if (!this.alive) return {};
    this.state = 'stopping';
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      const cursors = await Promise.race([this.api.shutdown().catch(() => null), deadline]);
      const exitedInTime = await Promise.race([this.exited.then(() => true), deadline.then(() => false)]);
      if (!exitedInTime) this.kill('SIGKILL');
      return cursors ?? {};
    } finally {
      clearTimeout(timer);
      if (this.alive) this.kill('SIGKILL');
      await this.exited;
    }
  }

  /**
   * Calls the worker, failing with `worker_unavailable` if it exits first:
   * comlink alone would leave the promise pending forever.
   */
  async call<T>(fn: (api: Comlink.Remote<WorkerApi>) => Promise<T>): Promise<T> {
    if (!this.alive) throw new WorkerUnavailableError({ workerId: this.workerId, reason: 'exited' });
    let onExit: (() => void) | undefined;
    const gone = new Promise<never>((_, reject) => {
      onExit = () => reject(new WorkerUnavailableError({ workerId: this.workerId, reason: 'exited during the call' }));
      this.once('exit', onExit);
    });
    try {
      return await Promise.race([fn(this.api), gone]);
    } finally {
      if (onExit) this.off('exit', onExit);
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }
}
