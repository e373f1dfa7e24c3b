/**
 * The Redis persistence check against real redis-servers of the test's own
 * (never the machine's shared one, whose settings are not ours to change):
 * unsafe settings warned about per setting, a server put right found safe
 * after a reconnect, CONFIG renamed as managed services do, strict mode
 * refusing, and an API process refusing to start with 78 and one line.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pino from 'pino';
import { RedisPersistenceUnsafeError } from '../../../src/errors/registry.ts';
import { findOnPath, stopChild } from '../../../src/infra/process-tools.ts';
import { provideRedis, type RedisHandle, type RedisProviderOptions } from '../../../src/infra/redis-provider.ts';
import { TEST_REDIS_PREFIX, testEnv } from '../../helpers/namespace.ts';
import { waitFor } from '../supervisor/fixture.ts';
import { freePort } from './free-port.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A redis-server with the given settings, its files (an AOF once appendonly is set) in a temp folder. */
async function redisServer(args: string[], dirs: string[]): Promise<{ url: string; child: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-persist-'));
  dirs.push(dir);
  const executable = await findOnPath('redis-server');
  assert.ok(executable, 'redis-server on PATH');
  const port = await freePort();
  const child = spawn(executable, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...args], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  await waitFor('redis-server answering', async () => {
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      probe.disconnect();
      return false;
    }
  }, 10_000);
  probe.disconnect();
  return { url, child };
}

function capture() {
  const lines: Array<{ level: number; msg: string; persistence?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(JSON.parse(l) as { level: number; msg: string }); } });
  return { logger, warnings: () => lines.filter((l) => l.level === 40 && l.persistence !== undefined).map((l) => l.msg), lines };
}

function options(url: string, mode: 'warn' | 'strict', logger: pino.Logger): RedisProviderOptions {
  return {
    config: { REDIS_URL: url, REDIS_KEY_PREFIX: `${TEST_REDIS_PREFIX}persist:`, DATA_DIR: '/nonexistent', EMBEDDED_REDIS_PORT: 0, REDIS_PERSISTENCE_CHECK: mode },
    logger,
  };
}

const APPENDONLY = 'Redis runs with appendonly no: a restart of Redis loses the forwarding tasks, cursors and leases written since its last snapshot; set appendonly yes';
const EVICTION = 'Redis runs with maxmemory-policy allkeys-lru: when full it deletes keys to make room, pending forwarding tasks and leases among them; set maxmemory-policy noeviction';

describe('Redis persistence check (private redis-servers)', function () {
  this.timeout(30_000);
  const servers: ChildProcess[] = [];
  const dirs: string[] = [];
  let handle: RedisHandle | null = null;

  afterEach(async () => {
    await handle?.stop();
    handle = null;
    for (const child of servers.splice(0)) await stopChild(child, 'SIGTERM', 2_000);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('warns once per unsafe setting, and finds the server safe after it was put right and reconnected', async () => {
    const server = await redisServer(['--maxmemory-policy', 'allkeys-lru'], dirs);
    servers.push(server.child);
    const log = capture();
    handle = await provideRedis(options(server.url, 'warn', log.logger));
    assert.deepEqual(handle.persistence(), { status: 'unsafe', problems: [APPENDONLY, EVICTION] });
    assert.deepEqual(log.warnings(), [APPENDONLY, EVICTION]);

    // Put right (as an operator would), then a reconnect, as after a restart or a failover.
    const h = handle;
    await h.redis.config('SET', 'appendonly', 'yes');
    await h.redis.config('SET', 'maxmemory-policy', 'noeviction');
    h.redis.disconnect(true);
    await waitFor('the re-check after the reconnect', () => h.persistence().status === 'safe');
    assert.deepEqual(h.persistence().problems, []);
    assert.ok(log.lines.some((l) => l.level === 30 && l.msg === 'Redis persistence settings are safe now'));
    assert.equal(log.warnings().length, 2, 'nothing new to warn about');
  });

  it('CONFIG renamed away (managed Redis): warns that it could not check', async () => {
    const server = await redisServer(['--rename-command', 'CONFIG', ''], dirs);
    servers.push(server.child);
    const log = capture();
    handle = await provideRedis(options(server.url, 'warn', log.logger));
    const report = handle.persistence();
    assert.equal(report.status, 'unknown');
    assert.match(report.problems[0]!, /^Redis persistence could not be checked \(CONFIG GET refused: ERR unknown command 'config'.*\): make sure the server runs with appendonly yes, appendfsync everysec, maxmemory-policy noeviction$/);
    assert.deepEqual(log.warnings(), report.problems);
  });

  it('strict: refuses an unsafe server, and one that will not say, with one line each', async () => {
    const unsafe = await redisServer(['--maxmemory-policy', 'allkeys-lru'], dirs);
    const hidden = await redisServer(['--rename-command', 'CONFIG', ''], dirs);
    servers.push(unsafe.child, hidden.child);
    await assert.rejects(provideRedis(options(unsafe.url, 'strict', capture().logger)), (error: unknown) => {
      assert.ok(error instanceof RedisPersistenceUnsafeError);
      assert.equal(error.message, 'REDIS_PERSISTENCE_CHECK is strict and Redis at REDIS_URL is not safe to keep forwarding work in: appendonly is no, needs yes; maxmemory-policy is allkeys-lru, needs noeviction');
      return true;
    });
    await assert.rejects(provideRedis(options(hidden.url, 'strict', capture().logger)), (error: unknown) => {
      assert.ok(error instanceof RedisPersistenceUnsafeError);
      assert.match(error.message, /^REDIS_PERSISTENCE_CHECK is strict and Redis at REDIS_URL is not safe to keep forwarding work in: its settings could not be read \(ERR unknown command 'config'.*\); REDIS_PERSISTENCE_CHECK=warn runs on a server that hides them$/);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  });

  it('an API process under strict on an unsafe Redis exits 78 with one line', async () => {
    const server = await redisServer([], dirs);
    servers.push(server.child);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/api/api-main.ts'], {
      cwd: PROJECT_ROOT,
      env: testEnv({ REDIS_URL: server.url, REDIS_PERSISTENCE_CHECK: 'strict', API_PORT: String(await freePort()), LOG_LEVEL: 'silent' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 78);
    assert.equal(stderr, 'REDIS_PERSISTENCE_CHECK is strict and Redis at REDIS_URL is not safe to keep forwarding work in: appendonly is no, needs yes\n');
  });
});
