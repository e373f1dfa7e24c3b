/**
 * A redis-server of our own, for machines that have the binary but no
 * REDIS_URL. Its data lives under `root` (normally DATA_DIR/redis) with the
 * append-only file on, so queued work survives a restart of Switchboard.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { DependencyUnavailableError } from '../errors/registry.ts';
import { clearLeftoverServer } from './leftover-server.ts';
import { openServerLog, stopChild, tailOfFile } from './process-tools.ts';

export interface EmbeddedRedisOptions {
  /** The redis-server executable, e.g. found on PATH by `findOnPath`. */
  executable: string;
  /** Folder of the data (AOF and RDB), pid file and log; created if missing. Normally `DATA_DIR/redis`. */
  root: string;
  /** Port the server listens on, on 127.0.0.1 (and `alsoBind`). Normally EMBEDDED_REDIS_PORT. */
  port: number;
  logger: Logger;
  /** How long the server may take to answer PING (it loads the AOF first). Default 30 000 ms. */
  startTimeoutMs?: number;
  /**
   * When the append-only file is fsynced: `everysec` (a host crash loses at
   * most the last second) or `always` (before every answer; slower, loses
   * nothing a client was told is written). Default `everysec`.
   */
  appendfsync?: 'everysec' | 'always';
  /**
   * Addresses to listen on besides 127.0.0.1 (say a bridge that network
   * namespaces reach it through). With any, protected mode is off: it would
   * refuse every client not on loopback, and the server has no password.
   */
  alsoBind?: string[];
}

export interface EmbeddedRedis {
  /** `redis://` URL of the server. */
  readonly url: string;
  /** PID of the redis-server process. */
  readonly pid: number;
  /** SIGTERM (Redis flushes the AOF and exits), escalating to SIGKILL after `timeoutMs` (default 10 000 ms). */
  stop(timeoutMs?: number): Promise<void>;
}

function unavailable(reason: string): Error {
  return new DependencyUnavailableError({ dependency: 'embedded redis-server', reason });
}

/** One PING over a fresh socket: true on +PONG; false while refused or loading the AOF (-LOADING). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('utf8').startsWith('+PONG')));
  });
}

async function waitUntilReady(child: ChildProcess, port: number, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      const how = child.pid === undefined ? 'could not be started' : `exited during start (${child.exitCode ?? child.signalCode})`;
      throw unavailable(`redis-server ${how}:\n${await tailOfFile(logFile)}`);
    }
    if (await ping(port)) return;
    if (Date.now() >= deadline) throw unavailable(`not answering PING on port ${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Starts redis-server on 127.0.0.1 with AOF on and waits until it answers PING. */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const { port, logger } = options;
  const root = resolve(options.root);
  const pidFile = join(root, 'redis-server.pid');
  const logFile = join(root, 'redis-server.log');
  const started = performance.now();

  await mkdir(root, { recursive: true, mode: 0o700 });
  await clearLeftoverServer({ pidFile, command: 'redis-server', stopSignal: 'SIGTERM' }, logger);

  const logFd = await openServerLog(logFile);
  const child = spawn(options.executable, [
    '--port', String(port),
    '--bind', '127.0.0.1', ...(options.alsoBind ?? []),
    '--protected-mode', (options.alsoBind ?? []).length > 0 ? 'no' : 'yes',
    '--dir', root,
    '--appendonly', 'yes',
    '--appendfsync', options.appendfsync ?? 'everysec',
    '--pidfile', pidFile,
    '--daemonize', 'no',
    // Logs go to stdout, which is the log file we opened.
    '--logfile', '',
  ], {
    // Its own session: a Ctrl-C in the terminal reaches us, and we stop it in order.
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  child.on('error', (error) => logger.error({ err: error }, 'Embedded redis-server process error'));
  // If we exit by any road (deadline, forced exit, crash), the server goes too.
  const onExit = () => { child.kill('SIGTERM'); };
  process.on('exit', onExit);
  const stop = async (timeoutMs = 10_000) => {
    await stopChild(child, 'SIGTERM', timeoutMs);
    process.off('exit', onExit);
  };

  try {
    await waitUntilReady(child, port, options.startTimeoutMs ?? 30_000, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  logger.info({ port, serverPid: child.pid, root, ms: Math.round(performance.now() - started) }, 'Embedded redis-server ready');
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid ?? -1, stop };
}
