/**
 * How a thread's measured memory is split among the actors it runs.
 *
 * V8 measures a thread's heap (used heap plus external memory) as a whole, not
 * per actor. Each actor reports what it can count itself: `trackedBytes`
 * (cache entries, buffered and in-flight bytes) plus `baseBytes`, the measured
 * cost of one idle client. The rest of the measured total (the thread's shared
 * overhead: module code, the event loop, fragmentation, and whatever the
 * reports miss) is spread over the actors in proportion to what each reported:
 *
 *     reported_i = trackedBytes_i + baseBytes_i
 *     overhead   = total - sum(reported)        (may be negative)
 *     share_i    = reported_i + overhead * reported_i / sum(reported)
 *                = total * reported_i / sum(reported)
 *
 * Proportional, because the overhead of a heap grows with what lives on it
 * (hidden classes, GC headroom), not per actor. A negative overhead (reports
 * overshooting the measurement, e.g. a buffer counted as already freed by V8)
 * scales every actor down by the same ratio, so no share goes below zero. When
 * every actor reports zero there is nothing to be proportional to, and the
 * total is split evenly.
 *
 * Shares are whole bytes and add up exactly to the total: each actor gets the
 * floor of its exact share and the leftover bytes (fewer than the number of
 * actors) go one each to the largest remainders, ties in input order. The
 * arithmetic is BigInt, since total * reported overflows a double's 53 bits at
 * a few GB. A thread with no actors attributes nothing: the empty map.
 */
import { InvalidMeasurementError } from '../src/errors/registry.ts';

export interface ActorHeapReport {
  actorId: string;
  /** Bytes the actor counts itself: cache entries, buffered and in-flight bytes. */
  trackedBytes: number;
  /** Measured cost of one client with empty caches, in bytes. */
  baseBytes: number;
}

function checkBytes(field: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidMeasurementError({ field, message: `${field} must be a whole number of bytes greater than or equal to 0` });
  }
  return BigInt(value);
}

/** Splits `threadTotalBytes` among `actors`; the shares add up exactly to it. */
export function attributeHeap(threadTotalBytes: number, actors: readonly ActorHeapReport[]): Map<string, number> {
  const total = checkBytes('threadTotalBytes', threadTotalBytes);
  const seen = new Set<string>();
  const reported = actors.map((a, i) => {
    if (seen.has(a.actorId)) {
      const field = `actors[${i}].actorId`;
      throw new InvalidMeasurementError({ field, message: `${field} "${a.actorId}" appears more than once` });
    }
    seen.add(a.actorId);
    return checkBytes(`actors[${i}].trackedBytes`, a.trackedBytes) + checkBytes(`actors[${i}].baseBytes`, a.baseBytes);
  });
  const result = new Map<string, number>();
  if (actors.length === 0) return result;

  const sum = reported.reduce((s, r) => s + r, 0n);
  // All zero: weigh everyone 1, i.e. split evenly.
  const weights = sum === 0n ? reported.map(() => 1n) : reported;
  const weightSum = sum === 0n ? BigInt(actors.length) : sum;

  const floors = weights.map((w) => (total * w) / weightSum);
  const remainders = weights.map((w) => (total * w) % weightSum);
  let leftover = total - floors.reduce((s, f) => s + f, 0n);
  const byRemainder = remainders
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of byRemainder) {
    if (leftover === 0n) break;
    floors[i]! += 1n;
    leftover -= 1n;
  }
  actors.forEach((a, i) => result.set(a.actorId, Number(floors[i])));
  return result;
}

/**
 * Relative error of one attributed figure against the actual one, in percent:
 * `|attributed - actual| / actual * 100`. An actual of zero gives 0 when the
 * attribution is zero too, else `Infinity`.
 */
export function attributionErrorPct(actual: number, attributed: number): number {
  if (actual === 0) return attributed === 0 ? 0 : Infinity;
  return (Math.abs(attributed - actual) / Math.abs(actual)) * 100;
}

/**
 * Error over a whole thread, in percent: the sum of per-actor absolute errors
 * over the sum of actual bytes, so tiny actors do not dominate as they would in
 * a mean of percentages. An actor missing from one map counts as 0 there.
 */
export function totalAttributionErrorPct(actual: ReadonlyMap<string, number>, attributed: ReadonlyMap<string, number>): number {
  let errorSum = 0;
  let actualSum = 0;
  for (const id of new Set([...actual.keys(), ...attributed.keys()])) {
    const a = actual.get(id) ?? 0;
    errorSum += Math.abs((attributed.get(id) ?? 0) - a);
    actualSum += a;
  }
  if (actualSum === 0) return errorSum === 0 ? 0 : Infinity;
  return (errorSum / actualSum) * 100;
}
