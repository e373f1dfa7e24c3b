/**
 * Up-front checks shared by the option parsers (supervisor, policies,
 * workers). Each throws an `InvalidOptionError` whose message names the
 * option the way piscina's do
 * (`options.highWatermark must be ...`), so a bad deployment fails at start-up
 * rather than on the first tick under memory pressure.
 */
import { InvalidOptionError } from '../errors/registry.ts';

/** Throws the error for `options.<name>` breaking `rule` (also used for rules between two options). */
export function failOption(name: string, rule: string): never {
  const option = `options.${name}`;
  throw new InvalidOptionError({ option, message: `${option} ${rule}` });
}

/** A fraction of host memory: strictly above 0, at most 1. */
export function checkFraction(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) failOption(name, 'must be a number between 0 and 1');
  return value;
}

/** A duration that may be zero; `Infinity` is allowed. */
export function checkNonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0)) failOption(name, 'must be a number greater than or equal to 0');
  return value;
}

/** A duration that must be above zero; `Infinity` is allowed (it disables the rule). */
export function checkPositive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0)) failOption(name, 'must be a number greater than 0');
  return value;
}

/** A count such as a number of workers or actions. */
export function checkPositiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) failOption(name, 'must be a positive integer');
  return value;
}

/** A duration a timer waits, in whole ms: 0 allowed, `Infinity` not (Node would fire it after 1 ms). */
export function checkTimerMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) failOption(name, 'must be a whole number of ms, 0 or more');
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') failOption(name, 'must be a boolean');
  return value;
}

/** The options argument itself: absent or a plain object. */
export function checkOptionsObject(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError({ option: 'options', message: 'options must be an object' });
  }
  return value as Record<string, unknown>;
}
