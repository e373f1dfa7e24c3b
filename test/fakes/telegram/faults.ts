/**
 * Scripted RPC errors: the next N calls of a method (optionally only a given
 * user's) answer an rpc_error instead of running. Rules are matched in the
 * order they were added; a rule is spent after its N calls. Held answers:
 * the next N calls run (a message is posted) but their answer waits, the
 * window in which a client that crashes has done something without knowing.
 */
import { RpcFail } from './rpc-fail.ts';
import { tlName } from './tl-io.ts';

export interface FaultOptions {
  /** How many calls fail. Default 1. */
  times?: number;
  /** Only calls on keys logged in as this user. Default: every caller. */
  userId?: string;
}

interface Rule {
  readonly method: string;
  readonly userId: string | null;
  remaining: number;
  readonly code: number;
  readonly message: string;
}

interface Hold {
  readonly method: string;
  readonly userId: string | null;
  remaining: number;
  readonly ms: number;
}

export class Faults {
  #rules: Rule[] = [];
  #holds: Hold[] = [];

  /** The next `times` calls of `method` run, and their answers wait `ms`. */
  hold(method: string, ms: number, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive whole number');
    this.#holds.push({ method: tlName(method), userId: options.userId ?? null, remaining: times, ms });
  }

  /** How long the answer of this call waits; 0 for most. */
  takeHold(method: string, userId: string | null): number {
    const hold = this.#holds.find((h) => h.method === method && (h.userId === null || h.userId === userId));
    if (hold === undefined) return 0;
    hold.remaining -= 1;
    if (hold.remaining === 0) this.#holds = this.#holds.filter((h) => h !== hold);
    return hold.ms;
  }

  /** `method` as in the TL schema ('auth.sendCode') or gramjs's class name ('auth.SendCode'). */
  add(method: string, code: number, message: string, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive whole number');
    this.#rules.push({ method: tlName(method), userId: options.userId ?? null, remaining: times, code, message });
  }

  take(method: string, userId: string | null): RpcFail | null {
    const rule = this.#rules.find((r) => r.method === method && (r.userId === null || r.userId === userId));
    if (rule === undefined) return null;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.#rules = this.#rules.filter((r) => r !== rule);
    return new RpcFail(rule.code, rule.message);
  }

  clear(): void {
    this.#rules = [];
    this.#holds = [];
  }
}
