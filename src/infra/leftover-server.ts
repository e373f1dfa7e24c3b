/**
 * What to do with a pid file found before starting an embedded server. If the
 * previous Switchboard was SIGKILLed, its server may still be running (it is
 * started in its own session, so it outlives us) or its pid file may name a
 * PID the kernel has since given to another process. Both would stop the new
 * server from starting, so we stop the first and delete the second.
 */
import { readFile, rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { commandName, isAlive, waitForPidExit } from './process-tools.ts';

export interface LeftoverServer {
  /** The pid file: first line is the PID (PostgreSQL's postmaster.pid and redis-server's pidfile both are). */
  pidFile: string;
  /** Executable name the process must have to count as our server, e.g. `postgres`. */
  command: string;
  /** Signal asking it to shut down cleanly: SIGINT for PostgreSQL (fast shutdown), SIGTERM for Redis. */
  stopSignal: NodeJS.Signals;
  /** How long a clean shutdown may take before SIGKILL. Default 15 000 ms. */
  timeoutMs?: number;
}

/**
 * Clears the way for a new server: stops a live leftover one, or removes a
 * stale pid file. Returns what it did, for tests and logs.
 */
export async function clearLeftoverServer(
  server: LeftoverServer,
  logger: Logger,
): Promise<'none' | 'stopped' | 'removed-stale-pid-file'> {
  const text = await readFile(server.pidFile, 'utf8').catch(() => null);
  if (text === null) return 'none';
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  const ours = Number.isInteger(pid) && pid > 0 && pid !== process.pid
    && await isAlive(pid) && await commandName(pid) === server.command;
  if (!ours) {
    logger.warn({ pidFile: server.pidFile, stalePid: pid }, `Removing stale ${server.command} pid file left by an earlier run`);
    await rm(server.pidFile, { force: true });
    return 'removed-stale-pid-file';
  }
  logger.warn({ leftoverPid: pid }, `Stopping ${server.command} left running by an earlier run`);
  process.kill(pid, server.stopSignal);
  if (!await waitForPidExit(pid, server.timeoutMs ?? 15_000)) {
    process.kill(pid, 'SIGKILL');
    await waitForPidExit(pid, 5_000);
    // A SIGKILLed server cannot remove its own pid file.
    await rm(server.pidFile, { force: true });
  }
  return 'stopped';
}
