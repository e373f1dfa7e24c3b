/**
 * Options of the RAM pressure policy, their defaults and their one up-front
 * check. Watermarks are fractions of the host's total memory in use
 * (`(total - available) / total`, as systeminformation reports them).
 */
import { checkBoolean, checkFraction, checkNonNegative, checkOptionsObject, checkPositive, checkPositiveInteger, failOption } from '../../src/options/option-checks.ts';

export interface PressureOptions {
  /** Fraction of host memory in use above which actors are paused. Default `0.85`. */
  highWatermark?: number;
  /**
   * Fraction of host memory in use below which paused actors are resumed; must
   * be below `highWatermark`, and the gap between the two is the hysteresis band
   * in which the policy does nothing. Default `0.70`.
   */
  lowWatermark?: number;
  /** Whether Elite actors may be paused once every Free and Pro actor is. Default `false`. */
  pauseElite?: boolean;
  /** A running actor with no forwarding activity for this long goes idle (caches dropped, connection kept). Default `600000` (10 minutes); `Infinity` turns idling off. */
  idleAfterMs?: number;
  /** Least time between pausing an actor and resuming it, so one actor does not flap with the memory curve. Default `30000` (30 s). */
  minDwellMs?: number;
  /** Most actions (pause, resume and idle together) one tick may return; the rest wait for later ticks. Default: unbounded. */
  maxActionsPerTick?: number;
}

/** Options after defaults and checks; `maxActionsPerTick` is `Infinity` when unbounded. */
export type ResolvedPressureOptions = Readonly<Required<PressureOptions>>;

export const PRESSURE_DEFAULTS: ResolvedPressureOptions = Object.freeze({
  highWatermark: 0.85,
  lowWatermark: 0.7,
  pauseElite: false,
  idleAfterMs: 10 * 60_000,
  minDwellMs: 30_000,
  maxActionsPerTick: Infinity,
});

/** Applies defaults and checks every option once; throws `InvalidOptionError` with the exact rule broken. */
export function resolvePressureOptions(options?: PressureOptions): ResolvedPressureOptions {
  const o = checkOptionsObject(options);
  const d = PRESSURE_DEFAULTS;
  const highWatermark = checkFraction('highWatermark', o.highWatermark ?? d.highWatermark);
  const lowWatermark = checkFraction('lowWatermark', o.lowWatermark ?? d.lowWatermark);
  if (lowWatermark >= highWatermark) failOption('lowWatermark', 'must be less than options.highWatermark');
  return Object.freeze({
    highWatermark,
    lowWatermark,
    pauseElite: checkBoolean('pauseElite', o.pauseElite ?? d.pauseElite),
    idleAfterMs: checkPositive('idleAfterMs', o.idleAfterMs ?? d.idleAfterMs),
    minDwellMs: checkNonNegative('minDwellMs', o.minDwellMs ?? d.minDwellMs),
    // Infinity (the default) is accepted back, so resolved options resolve to themselves.
    maxActionsPerTick: o.maxActionsPerTick === undefined || o.maxActionsPerTick === Infinity
      ? Infinity
      : checkPositiveInteger('maxActionsPerTick', o.maxActionsPerTick),
  });
}
