import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { findOnPath, isAlive } from '../../../src/infra/process-tools.ts';
import { provideRedis, STAND_IN_WARNING, type RedisProviderOptions } from '../../../src/infra/redis-provider.ts';
import { TEST_REDIS_PREFIX, TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { freePort } from './free-port.ts';

function captureLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(JSON.parse(l) as { level: number; msg: string }); } });
  return { logger, lines };
}

describe('provideRedis', function () {
  this.timeout(30_000);
  let dataDir: string;

  beforeEach(async () => { dataDir = await mkdtemp(join(tmpdir(), 'sb-redis-')); });
  afterEach(async () => { await rm(dataDir, { recursive: true, force: true }); });

  function config(extra: Partial<RedisProviderOptions['config']> = {}, port = 0): RedisProviderOptions['config'] {
    return { REDIS_URL: undefined, REDIS_KEY_PREFIX: `${TEST_REDIS_PREFIX}rp:`, DATA_DIR: dataDir, EMBEDDED_REDIS_PORT: port, REDIS_PERSISTENCE_CHECK: 'off', ...extra };
  }

  it('uses REDIS_URL, with every key under REDIS_KEY_PREFIX', async () => {
    const { logger } = captureLogger();
    const handle = await provideRedis({ config: config({ REDIS_URL: TEST_REDIS_URL }), logger });
    const raw = new Redis(TEST_REDIS_URL);
    try {
      assert.equal(handle.kind, 'external');
      assert.equal(handle.url, TEST_REDIS_URL);
      await handle.redis.set('greeting', 'hello');
      assert.equal(await raw.get(`${TEST_REDIS_PREFIX}rp:greeting`), 'hello');
      assert.equal(await raw.get('greeting'), null);
    } finally {
      await handle.stop();
      raw.disconnect();
    }
  });

  it('fails with dependency_unavailable when REDIS_URL does not answer', async () => {
    const { logger } = captureLogger();
    const port = await freePort();
    await assert.rejects(
      provideRedis({ config: config({ REDIS_URL: `redis://127.0.0.1:${port}` }), logger }),
      (error: Error & { code?: string }) => error.code === 'dependency_unavailable' && /Redis at REDIS_URL/.test(error.message),
    );
  });

  it('runs redis-server from PATH with AOF, keeps data across a restart and leaves no process', async function () {
    if (await findOnPath('redis-server') === null) this.skip();
    const { logger } = captureLogger();
    const port = await freePort();
    const pidFile = join(dataDir, 'redis', 'redis-server.pid');

    const first = await provideRedis({ config: config({}, port), logger });
    assert.equal(first.kind, 'embedded');
    assert.equal(first.url, `redis://127.0.0.1:${port}`);
    assert.deepEqual(await first.redis.config('GET', 'appendonly'), ['appendonly', 'yes']);
    await first.redis.rpush('queue', 'job-1', 'job-2');
    const firstPid = Number.parseInt(await readFile(pidFile, 'utf8'), 10);
    assert.ok(await isAlive(firstPid));
    await first.stop();
    assert.equal(await isAlive(firstPid), false);
    assert.equal(existsSync(pidFile), false);

    // Only the append-only files may bring the queue back.
    await rm(join(dataDir, 'redis', 'dump.rdb'), { force: true });
    assert.ok((await readdir(join(dataDir, 'redis', 'appendonlydir'))).length > 0);

    const second = await provideRedis({ config: config({}, port), logger });
    try {
      assert.deepEqual(await second.redis.lrange('queue', 0, -1), ['job-1', 'job-2']);
      const raw = new Redis(port, '127.0.0.1');
      assert.equal(await raw.llen(`${TEST_REDIS_PREFIX}rp:queue`), 2);
      raw.disconnect();
    } finally {
      const secondPid = Number.parseInt(await readFile(pidFile, 'utf8'), 10);
      await second.stop();
      assert.equal(await isAlive(secondPid), false);
    }
  });

  it('falls back to the in-process stand-in, loudly, when redis-server is not on PATH', async () => {
    const { logger, lines } = captureLogger();
    const handle = await provideRedis({ config: config(), logger, searchPath: join(dataDir, 'empty-bin') });
    try {
      assert.equal(handle.kind, 'stand-in');
      assert.equal(handle.url, null);
      await handle.redis.set('k', 'v');
      assert.equal(await handle.redis.get('k'), 'v');
      const warning = lines.find((l) => l.msg === STAND_IN_WARNING);
      assert.ok(warning, 'stand-in warning was not logged');
      assert.equal(warning.level, 40);
      assert.equal(STAND_IN_WARNING, 'Redis stand-in: queued work is NOT durable across restarts; set REDIS_URL or install redis-server');
    } finally {
      await handle.stop();
    }
  });
});
