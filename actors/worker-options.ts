/**
 * Reads and checks the WorkerOptions a worker process starts with (JSON in
 * SB_WORKER_OPTIONS), so a bad deployment fails at start-up with an exact
 * `InvalidOptionError` rather than on the first thread restart.
 */
import type { WorkerOptions } from '../src/runtime-contracts/worker-protocol.ts';
import {
  checkOptionsObject, checkPositive, checkPositiveInteger, failOption,
} from '../src/options/option-checks.ts';
import { InvalidOptionError } from '../src/errors/registry.ts';
import { checkTelegramRuntimeOptions } from './platform/telegram/telegram-runtime.ts';

function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) failOption(name, 'must be a non-empty string');
  return value;
}

function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    failOption(name, min === 0 ? 'must be a non-negative integer' : 'must be a positive integer');
  }
  return value;
}

/** Parses SB_WORKER_OPTIONS; throws `InvalidOptionError` naming the first bad option. */
export function parseWorkerOptions(json: string | undefined): WorkerOptions {
  if (json === undefined || json === '') {
    throw new InvalidOptionError({ option: 'SB_WORKER_OPTIONS', message: 'SB_WORKER_OPTIONS must be set (JSON WorkerOptions); the supervisor forks workers with it' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new InvalidOptionError({ option: 'SB_WORKER_OPTIONS', message: 'SB_WORKER_OPTIONS must be valid JSON' });
  }
  const o = checkOptionsObject(raw);
  const redisUrl = o.redisUrl === null ? null : checkString('redisUrl', o.redisUrl);
  const leaseTtlMs = checkInteger('leaseTtlMs', o.leaseTtlMs, 1);
  const leaseRenewMs = checkInteger('leaseRenewMs', o.leaseRenewMs, 1);
  if (leaseRenewMs >= leaseTtlMs) failOption('leaseRenewMs', 'must be less than options.leaseTtlMs');
  if (o.loopback !== undefined) checkOptionsObject(o.loopback);
  return {
    workerId: checkString('workerId', o.workerId),
    threads: checkPositiveInteger('threads', o.threads),
    threadMaxOldGenerationMb: checkPositive('threadMaxOldGenerationMb', o.threadMaxOldGenerationMb),
    threadRestartIntensity: checkInteger('threadRestartIntensity', o.threadRestartIntensity, 0),
    restartPeriodMs: checkPositive('restartPeriodMs', o.restartPeriodMs),
    redisUrl,
    redisKeyPrefix: typeof o.redisKeyPrefix === 'string' ? o.redisKeyPrefix : failOption('redisKeyPrefix', 'must be a string'),
    leaseTtlMs,
    leaseRenewMs,
    ...(o.loopback === undefined ? {} : { loopback: o.loopback as WorkerOptions['loopback'] }),
    ...(o.discordApiUrl === undefined ? {} : { discordApiUrl: checkString('discordApiUrl', o.discordApiUrl) }),
    ...(o.discordInvalidRequestLimit === undefined ? {} : { discordInvalidRequestLimit: checkPositiveInteger('discordInvalidRequestLimit', o.discordInvalidRequestLimit) }),
    ...(o.telegram === undefined ? {} : { telegram: checkTelegramRuntimeOptions('telegram', o.telegram) }),
  };
}
