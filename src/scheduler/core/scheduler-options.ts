/**
 * Options of the priority scheduler, their defaults, and the one up-front
 * check that turns a bad option into an `InvalidOptionError` with an exact
 * message, as piscina validates its options.
 */
import { PLANS } from '../../../config/plans.ts';
import type { Tier } from '../../domain/plans/plan-types.ts';
import { TIERS_BY_PRIORITY } from '../../domain/plans/plan-types.ts';
import { InvalidOptionError } from '../../errors/registry.ts';
import type { SchedulerEvent } from './scheduler-events.ts';

export interface SchedulerOptions {
  /** Times a task is handed out before a transient failure dead-letters it. Default 5. */
  maxAttempts?: number;
  /** Delay before the first retry, ms. Default 1 000. */
  backoffBaseMs?: number;
  /** Cap on the retry delay before jitter, ms. Default 300 000 (5 minutes). */
  backoffMaxMs?: number;
  /** Growth of the retry delay per attempt. Default 2. */
  backoffFactor?: number;
  /** Jitter adds up to this fraction of the retry delay, 0 to 1. Default 0.2. */
  backoffJitter?: number;
  /** Source of jitter, returning [0, 1); inject a seeded one for deterministic tests. Default `Math.random`. */
  random?: () => number;
  /**
   * Aging bound per tier, ms: a task of that tier that has waited this long
   * since enqueue is scheduled as the top tier, capping its wait under
   * sustained higher-tier load. Default `{}` (no aging).
   */
  agingMs?: Partial<Record<Tier, number>>;
  /** Cap on tasks held per tier (waiting, delayed or in flight). Default `{}` (no tier cap). */
  maxQueuedPerTier?: Partial<Record<Tier, number>>;
  /**
   * Cap on tasks one user may have held; null for none. Default: the plan's
   * `limits.queueBacklog` for the tier of the user's newest task.
   */
  backlogFor?: (userId: string, tier: Tier) => number | null;
  /**
   * Messages per minute one user may have dispatched; null for unlimited.
   * Default: the plan's `rateLimits.messagesPerMinute`.
   */
  rateFor?: (userId: string, tier: Tier) => number | null;
  /** Burst a user's rate allows after a quiet spell, as ms of refill (at least one message). Default 60 000. */
  rateBurstMs?: number;
  /** Minimum ms between two dispatches on one sending account. Default 0. */
  accountMinIntervalMs?: number;
  /** Per account kind (see `accountKindOf`), overrides `accountMinIntervalMs`. Default `{}`. */
  accountMinIntervalByKind?: Readonly<Record<string, number>>;
  /** Kind of a sending account, e.g. `telegram` or `discord`; read once per account. Default: `'default'`. */
  accountKindOf?: (accountId: string) => string;
  /** Tasks in flight at once on one sending account (actor). Default 4. */
  maxInFlightPerAccount?: number;
  /** Tasks in flight at once on one worker process. Default 1 000. */
  maxInFlightPerWorker?: number;
  /**
   * Worker slots kept for a tier and the tiers above it: with
   * `{ elite: 1 }`, Pro and Free tasks never fill a worker's last slot, so an
   * Elite task arriving under sustained load finds one free instead of
   * waiting for a send to finish. Lower tiers lose that much capacity while
   * they are the only work. Must leave Free at least one slot. Default `{}`.
   */
  reservedWorkerSlots?: Readonly<Partial<Record<'elite' | 'pro', number>>>;
  /** Worker owning a sending account; read once per account (see `moveAccount`). Default: `'main'`. */
  workerOf?: (accountId: string) => string;
  /**
   * Whether this supervisor sends for the account (it has a session of it,
   * running or not). A pair held for a handover holds only tasks sent here:
   * one whose sending account is elsewhere is handed out, for the
   * dispatcher to hand over to where the account runs (otherwise two
   * supervisors could each hold a pair behind the other's shard). Read at
   * each settle. Default: every account is sent here.
   */
  sendsHere?: (accountId: string) => boolean;
  /** Recent waits per tier kept for the p50/p99 figures. Default 1 024. */
  waitSampleSize?: number;
  /**
   * Receives every delay and rejection, synchronously, as it happens; it must
   * not call back into the scheduler. Default: none (they are still counted).
   */
  onEvent?: (event: SchedulerEvent) => void;
}

/** {@link SchedulerOptions} after validation, every default filled in. */
export interface ResolvedSchedulerOptions {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  backoffFactor: number;
  backoffJitter: number;
  random: () => number;
  agingMs: Partial<Record<Tier, number>>;
  maxQueuedPerTier: Partial<Record<Tier, number>>;
  backlogFor: (userId: string, tier: Tier) => number | null;
  rateFor: (userId: string, tier: Tier) => number | null;
  rateBurstMs: number;
  accountMinIntervalMs: number;
  accountMinIntervalByKind: Readonly<Record<string, number>>;
  accountKindOf: (accountId: string) => string;
  maxInFlightPerAccount: number;
  maxInFlightPerWorker: number;
  reservedWorkerSlots: Readonly<Partial<Record<'elite' | 'pro', number>>>;
  workerOf: (accountId: string) => string;
  sendsHere: (accountId: string) => boolean;
  waitSampleSize: number;
  onEvent: ((event: SchedulerEvent) => void) | null;
}

const TOP_TIER = TIERS_BY_PRIORITY[0]!;

function fail(option: string, message: string): never {
  throw new InvalidOptionError({ option, message });
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPositiveInteger = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
const isCap = (v: unknown): v is number => isPositiveInteger(v) || v === Infinity;

function checkFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') fail(name, `${name} must be a function`);
}

function checkTierRecord(name: string, value: unknown, check: (v: unknown) => boolean, rule: string): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(name, `${name} must be an object keyed by tier`);
  for (const [key, v] of Object.entries(value)) {
    if (!(TIERS_BY_PRIORITY as readonly string[]).includes(key)) fail(name, `${name} has an unknown tier "${key}"`);
    if (!check(v)) fail(name, `${name}.${key} must be ${rule}`);
  }
}

/** Checks `options` once and fills in defaults; throws `InvalidOptionError` on the first bad option. */
export function resolveSchedulerOptions(options: SchedulerOptions = {}): ResolvedSchedulerOptions {
  const o = options;
  if (o.maxAttempts !== undefined && !isPositiveInteger(o.maxAttempts)) fail('maxAttempts', 'maxAttempts must be a positive integer');
  if (o.backoffBaseMs !== undefined && !(isFiniteNumber(o.backoffBaseMs) && o.backoffBaseMs >= 0)) {
    fail('backoffBaseMs', 'backoffBaseMs must be a non-negative finite number');
  }
  const backoffBaseMs = o.backoffBaseMs ?? 1_000;
  if (o.backoffMaxMs !== undefined && !(isFiniteNumber(o.backoffMaxMs) && o.backoffMaxMs >= backoffBaseMs)) {
    fail('backoffMaxMs', 'backoffMaxMs must be a finite number not less than backoffBaseMs');
  }
  const backoffMaxMs = o.backoffMaxMs ?? Math.max(300_000, backoffBaseMs);
  if (o.backoffFactor !== undefined && !(isFiniteNumber(o.backoffFactor) && o.backoffFactor >= 1)) {
    fail('backoffFactor', 'backoffFactor must be a finite number of at least 1');
  }
  if (o.backoffJitter !== undefined && !(isFiniteNumber(o.backoffJitter) && o.backoffJitter >= 0 && o.backoffJitter <= 1)) {
    fail('backoffJitter', 'backoffJitter must be a number from 0 to 1');
  }
  checkFunction('random', o.random);
  checkTierRecord('agingMs', o.agingMs, (v) => isFiniteNumber(v) && v > 0, 'a positive finite number');
  if (o.agingMs?.[TOP_TIER] !== undefined) fail('agingMs', `agingMs.${TOP_TIER} has no effect: ${TOP_TIER} is the top tier`);
  checkTierRecord('maxQueuedPerTier', o.maxQueuedPerTier, isPositiveInteger, 'a positive integer');
  checkFunction('backlogFor', o.backlogFor);
  checkFunction('rateFor', o.rateFor);
  if (o.rateBurstMs !== undefined && !(isFiniteNumber(o.rateBurstMs) && o.rateBurstMs > 0)) {
    fail('rateBurstMs', 'rateBurstMs must be a positive finite number');
  }
  if (o.accountMinIntervalMs !== undefined && !(isFiniteNumber(o.accountMinIntervalMs) && o.accountMinIntervalMs >= 0)) {
    fail('accountMinIntervalMs', 'accountMinIntervalMs must be a non-negative finite number');
  }
  if (o.accountMinIntervalByKind !== undefined) {
    const byKind: unknown = o.accountMinIntervalByKind;
    if (byKind === null || typeof byKind !== 'object' || Array.isArray(byKind)) {
      fail('accountMinIntervalByKind', 'accountMinIntervalByKind must be an object keyed by account kind');
    }
    for (const [kind, v] of Object.entries(byKind)) {
      if (!(isFiniteNumber(v) && v >= 0)) {
        fail('accountMinIntervalByKind', `accountMinIntervalByKind.${kind} must be a non-negative finite number`);
      }
    }
  }
  checkFunction('accountKindOf', o.accountKindOf);
  if (o.maxInFlightPerAccount !== undefined && !isCap(o.maxInFlightPerAccount)) {
    fail('maxInFlightPerAccount', 'maxInFlightPerAccount must be a positive integer or Infinity');
  }
  if (o.maxInFlightPerWorker !== undefined && !isCap(o.maxInFlightPerWorker)) {
    fail('maxInFlightPerWorker', 'maxInFlightPerWorker must be a positive integer or Infinity');
  }
  if (o.reservedWorkerSlots !== undefined) {
    const reserved: unknown = o.reservedWorkerSlots;
    if (reserved === null || typeof reserved !== 'object' || Array.isArray(reserved)) {
      fail('reservedWorkerSlots', 'reservedWorkerSlots must be an object keyed by elite or pro');
    }
    for (const [tier, v] of Object.entries(reserved)) {
      if (tier !== 'elite' && tier !== 'pro') fail('reservedWorkerSlots', `reservedWorkerSlots.${tier} is not a tier that can hold slots (elite, pro)`);
      if (!(Number.isInteger(v) && (v as number) >= 0)) fail('reservedWorkerSlots', `reservedWorkerSlots.${tier} must be a non-negative integer`);
    }
    const total = (o.reservedWorkerSlots.elite ?? 0) + (o.reservedWorkerSlots.pro ?? 0);
    if (total >= (o.maxInFlightPerWorker ?? 1_000)) {
      fail('reservedWorkerSlots', 'reservedWorkerSlots must leave Free at least one of maxInFlightPerWorker');
    }
  }
  checkFunction('workerOf', o.workerOf);
  checkFunction('sendsHere', o.sendsHere);
  if (o.waitSampleSize !== undefined && !isPositiveInteger(o.waitSampleSize)) {
    fail('waitSampleSize', 'waitSampleSize must be a positive integer');
  }
  checkFunction('onEvent', o.onEvent);

  return {
    maxAttempts: o.maxAttempts ?? 5,
    backoffBaseMs,
    backoffMaxMs,
    backoffFactor: o.backoffFactor ?? 2,
    backoffJitter: o.backoffJitter ?? 0.2,
    random: o.random ?? Math.random,
    agingMs: { ...o.agingMs },
    maxQueuedPerTier: { ...o.maxQueuedPerTier },
    backlogFor: o.backlogFor ?? ((_userId, tier) => PLANS[tier].limits.queueBacklog),
    rateFor: o.rateFor ?? ((_userId, tier) => PLANS[tier].rateLimits.messagesPerMinute),
    rateBurstMs: o.rateBurstMs ?? 60_000,
    accountMinIntervalMs: o.accountMinIntervalMs ?? 0,
    accountMinIntervalByKind: { ...o.accountMinIntervalByKind },
    accountKindOf: o.accountKindOf ?? (() => 'default'),
    maxInFlightPerAccount: o.maxInFlightPerAccount ?? 4,
    maxInFlightPerWorker: o.maxInFlightPerWorker ?? 1_000,
    reservedWorkerSlots: { ...o.reservedWorkerSlots },
    workerOf: o.workerOf ?? (() => 'main'),
    sendsHere: o.sendsHere ?? (() => true),
    waitSampleSize: o.waitSampleSize ?? 1_024,
    onEvent: o.onEvent ?? null,
  };
}

/** `rateFor`'s answer, checked: a positive number, or null for unlimited. */
export function checkedRate(value: number | null): number | null {
  if (value === null || value === Infinity) return null;
  if (!(isFiniteNumber(value) && value > 0)) fail('rateFor', 'rateFor must return a positive number, Infinity or null');
  return value;
}

/** `backlogFor`'s answer, checked: a non-negative integer, or null for no cap. */
export function checkedBacklog(value: number | null): number | null {
  if (value === null || value === Infinity) return null;
  if (!(Number.isInteger(value) && value >= 0)) fail('backlogFor', 'backlogFor must return a non-negative integer, Infinity or null');
  return value;
}
