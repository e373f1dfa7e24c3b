/**
 * Options of a supervisor, validated once when it is created, with messages
 * naming the option (as piscina does), so a bad deployment fails at start-up.
 */
import { availableParallelism, hostname } from 'node:os';
import { resolvePressureOptions, type PressureOptions, type ResolvedPressureOptions } from './policy/pressure-policy.ts';
import type { WorkerOptions } from '../src/runtime-contracts/worker-protocol.ts';
import { checkTelegramRuntimeOptions } from '../actors/platform/telegram/telegram-runtime.ts';
import { checkNonNegative, checkOptionsObject, checkPositive, checkPositiveInteger, failOption } from '../src/options/option-checks.ts';

export interface SupervisorOptions {
  /** Unique id of this supervisor in the cluster. Default `<hostname>-<pid>`. */
  supervisorId?: string;
  /** Worker processes forked at start. Default: the number of cores. */
  workers?: number;
  /** Most worker processes this supervisor may run; beyond it, placement queues and asks to scale out. Default `2 × workers`. */
  maxWorkers?: number;
  /** Threads in each worker's pool. Default 2. */
  threadsPerWorker?: number;
  /**
   * This host's share of the cluster's accounts, as a weight: with two
   * supervisors of capacity 4 and 8, the second owns about two thirds. A
   * fixed figure, not free memory measured now, so ownership does not swing
   * with load. Default `workers × threadsPerWorker`.
   */
  capacity?: number;
  /** Sessions one worker may hold. Default 5,000. */
  sessionsPerWorker?: number;
  /** Memory one worker may grow to before placement stops giving it sessions, in bytes. Default 4 GiB. */
  workerRamCapBytes?: number;
  /** Hard cap of each thread's old generation (piscina `resourceLimits`), in MB. Default 1,024. */
  threadMaxOldGenerationMb?: number;
  /** Expected memory of a new session for placement, in bytes. Default 512 KiB. */
  expectedSessionBytes?: number;
  /** Host memory that must stay available for the supervisor to fork another worker, in bytes. Default 1 GiB. */
  spawnHeadroomBytes?: number;
  /** Worker crashes tolerated within `restartPeriodMs`; one more and the supervisor exits non-zero. Default 5. */
  workerRestartIntensity?: number;
  /** Thread deaths a worker tolerates within `restartPeriodMs` before it exits. Default 5. */
  threadRestartIntensity?: number;
  /** Window of the restart intensities, in ms. Default 60,000. */
  restartPeriodMs?: number;
  /**
   * How long a crashed worker's sessions wait before they start elsewhere, in
   * ms. The kernel closes a killed process's sockets, but a platform may take a
   * moment to notice (the loopback network keeps a connection live 1.5 s after
   * its last heartbeat), and two live copies of a Telegram session destroy its
   * key. Default 2,000.
   */
  orphanGraceMs?: number;
  /** Lifetime of a session lease, in ms. Default 10,000. */
  leaseTtlMs?: number;
  /** How often leases are renewed, in ms. Default `leaseTtlMs / 3`. */
  leaseRenewMs?: number;
  /** How often every running actor's `health()` is called, in ms. Default 300,000 (5 minutes). */
  healthIntervalMs?: number;
  /** How often the status snapshot is published to Redis, in ms. Default 1,000. */
  statusIntervalMs?: number;
  /** How often memory per worker, per user and per actor is logged, in ms. Default 60,000. */
  memoryLogIntervalMs?: number;
  /** How often the RAM pressure policy runs, in ms. Default 1,000. */
  pressureIntervalMs?: number;
  /** How long a worker may take to stop its actors on shutdown before it is killed, in ms. Default 10,000. */
  workerShutdownTimeoutMs?: number;
  /** Watermarks and idling of the RAM pressure policy (see policy/pressure-options.ts). */
  pressure?: PressureOptions;
  /** URL POSTed a JSON body when placement needs another host. Default: none. */
  scaleOutWebhookUrl?: string;
  /** Loopback platform settings handed to every worker (cache bounds, poll interval). Default: the loopback defaults. */
  loopback?: WorkerOptions['loopback'];
  /** Discord REST base every worker's bots talk to (a fake, in tests and the demo). Default: real Discord, `https://discord.com/api`. */
  discordApiUrl?: string;
  /**
   * Invalid Discord requests (401, 403, 429) this host's bots may make
   * within 10 minutes, counted by all its threads and workers together in
   * Redis, before they stop sending until the window slides. Discord bans
   * the IP at 10,000. Default 2,500.
   */
  discordInvalidRequestLimit?: number;
  /**
   * Telegram endpoint (api id and hash, and for tests and demos one server
   * with its PEM public keys) and timings every worker's sessions use.
   * Default: none, and telegram actors are refused.
   */
  telegram?: WorkerOptions['telegram'];
}

export type ResolvedSupervisorOptions = Required<Omit<SupervisorOptions, 'pressure' | 'scaleOutWebhookUrl' | 'loopback' | 'discordApiUrl' | 'telegram'>> & {
  pressure: ResolvedPressureOptions;
  scaleOutWebhookUrl: string | null;
  loopback: WorkerOptions['loopback'] | null;
  discordApiUrl: string | null;
  telegram: WorkerOptions['telegram'] | null;
};

export function resolveSupervisorOptions(input?: SupervisorOptions): ResolvedSupervisorOptions {
  const o = checkOptionsObject(input) as SupervisorOptions;
  const workers = checkPositiveInteger('workers', o.workers ?? availableParallelism());
  const threadsPerWorker = checkPositiveInteger('threadsPerWorker', o.threadsPerWorker ?? 2);
  const leaseTtlMs = checkPositive('leaseTtlMs', o.leaseTtlMs ?? 10_000);
  const resolved: ResolvedSupervisorOptions = {
    supervisorId: o.supervisorId ?? `${hostname()}-${process.pid}`,
    workers,
    maxWorkers: checkPositiveInteger('maxWorkers', o.maxWorkers ?? workers * 2),
    threadsPerWorker,
    capacity: checkPositiveInteger('capacity', o.capacity ?? workers * threadsPerWorker),
    sessionsPerWorker: checkPositiveInteger('sessionsPerWorker', o.sessionsPerWorker ?? 5_000),
    workerRamCapBytes: checkPositive('workerRamCapBytes', o.workerRamCapBytes ?? 4 * 1024 ** 3),
    threadMaxOldGenerationMb: checkPositiveInteger('threadMaxOldGenerationMb', o.threadMaxOldGenerationMb ?? 1_024),
    expectedSessionBytes: checkNonNegative('expectedSessionBytes', o.expectedSessionBytes ?? 512 * 1024),
    spawnHeadroomBytes: checkNonNegative('spawnHeadroomBytes', o.spawnHeadroomBytes ?? 1024 ** 3),
    workerRestartIntensity: checkNonNegative('workerRestartIntensity', o.workerRestartIntensity ?? 5),
    threadRestartIntensity: checkNonNegative('threadRestartIntensity', o.threadRestartIntensity ?? 5),
    restartPeriodMs: checkPositive('restartPeriodMs', o.restartPeriodMs ?? 60_000),
    orphanGraceMs: checkNonNegative('orphanGraceMs', o.orphanGraceMs ?? 2_000),
    leaseTtlMs,
    leaseRenewMs: checkPositive('leaseRenewMs', o.leaseRenewMs ?? Math.floor(leaseTtlMs / 3)),
    healthIntervalMs: checkPositive('healthIntervalMs', o.healthIntervalMs ?? 300_000),
    statusIntervalMs: checkPositive('statusIntervalMs', o.statusIntervalMs ?? 1_000),
    pressureIntervalMs: checkPositive('pressureIntervalMs', o.pressureIntervalMs ?? 1_000),
    memoryLogIntervalMs: checkPositive('memoryLogIntervalMs', o.memoryLogIntervalMs ?? 60_000),
    workerShutdownTimeoutMs: checkPositive('workerShutdownTimeoutMs', o.workerShutdownTimeoutMs ?? 10_000),
    pressure: resolvePressureOptions(o.pressure),
    scaleOutWebhookUrl: o.scaleOutWebhookUrl ?? null,
    loopback: o.loopback ?? null,
    discordApiUrl: o.discordApiUrl ?? null,
    discordInvalidRequestLimit: checkPositiveInteger('discordInvalidRequestLimit', o.discordInvalidRequestLimit ?? 2_500),
    telegram: o.telegram === undefined ? null : checkTelegramRuntimeOptions('telegram', o.telegram),
  };
  if (typeof resolved.supervisorId !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(resolved.supervisorId)) {
    failOption('supervisorId', 'must be 1 to 64 of A-Z a-z 0-9 _ . -');
  }
  if (resolved.maxWorkers < workers) failOption('maxWorkers', 'must be greater than or equal to options.workers');
  if (resolved.leaseRenewMs >= leaseTtlMs) failOption('leaseRenewMs', 'must be less than options.leaseTtlMs');
  if (resolved.scaleOutWebhookUrl !== null && !/^https?:\/\//.test(resolved.scaleOutWebhookUrl)) {
    failOption('scaleOutWebhookUrl', 'must be an http:// or https:// URL');
  }
  if (resolved.discordApiUrl !== null && !/^https?:\/\//.test(resolved.discordApiUrl)) {
    failOption('discordApiUrl', 'must be an http:// or https:// URL');
  }
  return resolved;
}
