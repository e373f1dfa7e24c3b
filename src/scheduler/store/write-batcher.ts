/**
 * Group commit, for the task store and the forwarding engine's message links
 * and cursors: writes handed over within `lingerMs` of each other (or up to
 * `maxBatch` of them) go out as one batch (for Redis, one pipeline), and each
 * caller's promise resolves when the batch holding its write is applied,
 * never before. Under load, batches fill while earlier ones
 * are on the wire, so the cost per write falls as the rate rises.
 *
 * Order: batches are handed to `write` in the order their ops arrived, and
 * `write` must send before it returns (`TaskStore.write` does), so Redis
 * applies them in that order even with several in flight on one connection:
 * an ack can never overtake the put of its task.
 */
import { InvalidOptionError, WriteBatcherClosedError } from '../../errors/registry.ts';

export interface WriteBatcherOptions<Op> {
  /** Applies a batch durably and in order, sending it before returning; `TaskStore.write`. Required. */
  write: (ops: Op[]) => Promise<void>;
  /** How long the first write of a batch waits for company, ms; 0 waits for the next turn of the event loop only. Default 1. */
  lingerMs?: number;
  /** A batch goes out as soon as it holds this many writes. Default 1 000. */
  maxBatch?: number;
  /** Batches on the wire at once; later ones wait their turn (and keep filling up to `maxBatch`). Default 4. */
  maxInFlight?: number;
}

export interface WriteBatcherStats {
  /** Writes waiting for their batch to go out. */
  queued: number;
  /** Batches sent and not answered yet. */
  inFlight: number;
  /** Batches sent so far (one pipeline each). */
  batches: number;
  /** Writes sent so far. */
  ops: number;
  /** Batches whose write failed (their callers got the error). */
  failedBatches: number;
}

interface Batch<Op> {
  ops: Op[];
  /** Settles with the batch's write; every caller of the batch awaits it. */
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Closed to new writes, goes out as soon as a slot is free. */
  due: boolean;
}

const noop = (): void => {};

function check(name: string, ok: boolean, rule: string): void {
  if (!ok) throw new InvalidOptionError({ option: name, message: `${name} must be ${rule}` });
}

export class WriteBatcher<Op> {
  readonly #write: (ops: Op[]) => Promise<void>;
  readonly #lingerMs: number;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  /** Batches not sent yet, oldest first; the last one takes new writes until due. */
  readonly #waiting: Batch<Op>[] = [];
  /** One promise per unsettled batch that never rejects, for `flush`. */
  readonly #unsettled = new Set<Promise<void>>();
  #timer: { cancel: () => void } | null = null;
  #inFlight = 0;
  #closed = false;
  #batches = 0;
  #ops = 0;
  #failed = 0;

  /** Throws `InvalidOptionError` on a bad option; see {@link WriteBatcherOptions} for defaults. */
  constructor(options: WriteBatcherOptions<Op>) {
    const o = options ?? ({} as Partial<WriteBatcherOptions<Op>>);
    check('write', typeof o.write === 'function', 'a function');
    check('lingerMs', o.lingerMs === undefined || (Number.isFinite(o.lingerMs) && o.lingerMs >= 0), 'a non-negative finite number');
    check('maxBatch', o.maxBatch === undefined || (Number.isInteger(o.maxBatch) && o.maxBatch > 0), 'a positive integer');
    check('maxInFlight', o.maxInFlight === undefined || (Number.isInteger(o.maxInFlight) && o.maxInFlight > 0), 'a positive integer');
    this.#write = o.write;
    this.#lingerMs = o.lingerMs ?? 1;
    this.#maxBatch = o.maxBatch ?? 1_000;
    this.#maxInFlight = o.maxInFlight ?? 4;
  }

  /** Queues one write; resolves once Redis has applied it, rejects with the error of its batch. */
  push(op: Op): Promise<void> {
    if (this.#closed) return Promise.reject(new WriteBatcherClosedError({}));
    const batch = this.#open();
    batch.ops.push(op);
    if (batch.ops.length >= this.#maxBatch) this.#seal();
    return batch.done;
  }

  /** Queues writes in order; resolves once all are applied. */
  pushMany(ops: readonly Op[]): Promise<void> {
    const done = new Set<Promise<void>>();
    for (const op of ops) done.add(this.push(op));
    return Promise.all(done).then(noop);
  }

  /** Sends everything queued now and waits until every write so far has settled. Never rejects. */
  async flush(): Promise<void> {
    for (const batch of this.#waiting) batch.due = true;
    this.#cancelTimer();
    this.#pump();
    await Promise.all(this.#unsettled);
  }

  /** Refuses new writes (`WriteBatcherClosedError`) and flushes the rest. */
  close(): Promise<void> {
    this.#closed = true;
    return this.flush();
  }

  stats(): WriteBatcherStats {
    let queued = 0;
    for (const batch of this.#waiting) queued += batch.ops.length;
    return { queued, inFlight: this.#inFlight, batches: this.#batches, ops: this.#ops, failedBatches: this.#failed };
  }

  /** The batch taking writes, started (with its linger timer) if there is none. */
  #open(): Batch<Op> {
    const last = this.#waiting.at(-1);
    if (last !== undefined && !last.due) return last;
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const settled = done.then(noop, noop);
    this.#unsettled.add(settled);
    void settled.then(() => this.#unsettled.delete(settled));
    const batch: Batch<Op> = { ops: [], done, resolve, reject, due: false };
    this.#waiting.push(batch);
    this.#startTimer();
    return batch;
  }

  #startTimer(): void {
    if (this.#lingerMs === 0) {
      const handle = setImmediate(() => this.#onTimer());
      this.#timer = { cancel: () => clearImmediate(handle) };
    } else {
      const handle = setTimeout(() => this.#onTimer(), this.#lingerMs);
      this.#timer = { cancel: () => clearTimeout(handle) };
    }
  }

  #cancelTimer(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #onTimer(): void {
    this.#timer = null;
    this.#seal();
  }

  /** Closes the open batch to new writes and sends what may go. */
  #seal(): void {
    const last = this.#waiting.at(-1);
    if (last !== undefined) last.due = true;
    this.#cancelTimer();
    this.#pump();
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#waiting[0]?.due === true) {
      const batch = this.#waiting.shift()!;
      this.#inFlight++;
      this.#batches++;
      this.#ops += batch.ops.length;
      let sent: Promise<void>;
      try {
        sent = this.#write(batch.ops);
      } catch (error) {
        sent = Promise.reject(error);
      }
      void sent.then(batch.resolve, (error: unknown) => {
        this.#failed++;
        batch.reject(error);
      }).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }
}
