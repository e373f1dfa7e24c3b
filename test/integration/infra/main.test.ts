/**
 * `npm start` end to end: the real entry point in a child process, with
 * embedded servers (no URLs) and with external ones, stopped by signals.
 * The embedded suite shares one DATA_DIR, so initdb runs once.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PLANS } from '../../../config/plans.ts';
import { findOnPath, isAlive, waitForPidExit } from '../../../src/infra/process-tools.ts';
import { TEST_SCHEMA, testEnv } from '../../helpers/namespace.ts';
import { freePort } from './free-port.ts';
import { processesMatching, startService, waitForHealth, type ServiceRun } from './service-process.ts';

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function firstLineNumber(file: string): Promise<number> {
  return Number.parseInt((await readFile(file, 'utf8')).split('\n')[0] ?? '', 10);
}

describe('npm start (src/main.ts)', function () {
  this.timeout(90_000);

  describe('with no DATABASE_URL or REDIS_URL', () => {
    let dataDir: string;
    let ports: { pg: number; redis: number; api: number };
    let expectedRedis: 'embedded' | 'stand-in';

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'sb-main-'));
      // Run as root, PostgreSQL runs as the postgres account, which must be able to enter this folder.
      await chmod(dataDir, 0o755);
      ports = { pg: await freePort(), redis: await freePort(), api: await freePort() };
      expectedRedis = (await findOnPath('redis-server')) === null ? 'stand-in' : 'embedded';
    });
    after(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    function env(): NodeJS.ProcessEnv {
      return testEnv({
        // Empty, not deleted, so a developer's .env cannot fill them in.
        DATABASE_URL: '',
        REDIS_URL: '',
        DATABASE_SCHEMA: 'public',
        DATA_DIR: dataDir,
        LOG_DIR: join(dataDir, 'log'),
        EMBEDDED_PG_PORT: String(ports.pg),
        EMBEDDED_REDIS_PORT: String(ports.redis),
        API_PORT: String(ports.api),
        METRICS_PORT: '0',
        API_METRICS_PORT: '0',
        LOG_LEVEL: 'info',
        LOG_PRETTY: 'false',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      });
    }

    /** Waits until ready and returns the PIDs of the service and its servers. */
    async function up(run: ServiceRun): Promise<{ service: number; postgres: number; redis: number | null; startMs: number }> {
      const started = Date.now();
      const health = await waitForHealth(ports.api, run);
      const startMs = Date.now() - started;
      assert.equal(health.status, 'ok');
      assert.equal(health.database, 'embedded');
      assert.equal(health.redis, expectedRedis);
      assert.equal(typeof health.uptimeSeconds, 'number');
      const ready = await run.waitForLog('switchboard ready');
      assert.doesNotMatch(JSON.stringify(ready), new RegExp(await readFile(join(dataDir, 'postgres', 'superuser-password'), 'utf8').then((p) => p.trim())));
      return {
        service: ready.pid as number,
        postgres: await firstLineNumber(join(dataDir, 'postgres', 'data', 'postmaster.pid')),
        redis: expectedRedis === 'embedded' ? await firstLineNumber(join(dataDir, 'redis', 'redis-server.pid')) : null,
        startMs,
      };
    }

    async function assertNothingLeft(pids: { service: number; postgres: number; redis: number | null }): Promise<void> {
      for (const pid of [pids.service, pids.postgres, pids.redis]) {
        if (pid !== null) assert.equal(await isAlive(pid), false, `process ${pid} is still running`);
      }
      const left = await processesMatching([dataDir, `127.0.0.1:${ports.redis}`, `-p ${ports.pg}`]);
      assert.deepEqual(left, []);
    }

    it('starts embedded PostgreSQL and Redis, seeds the plans, and SIGINT stops everything with exit 0', async () => {
      const run = startService(env());
      const pids = await up(run);
      console.log(`      first start (initdb included) answered /v1/health after ${pids.startMs} ms`);

      const client = new pg.Client({
        connectionString: `postgres://postgres:${(await readFile(join(dataDir, 'postgres', 'superuser-password'), 'utf8')).trim()}@127.0.0.1:${ports.pg}/switchboard`,
      });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>('select name from public.subscription_plans order by name');
        assert.deepEqual(rows.map((r) => r.name), Object.keys(PLANS).sort());
      } finally {
        await client.end();
      }

      const signalled = Date.now();
      process.kill(pids.service, 'SIGINT');
      const { code } = await run.exited;
      const stopMs = Date.now() - signalled;
      console.log(`      stopped ${stopMs} ms after SIGINT`);
      assert.equal(code, 0, run.stderr());
      assert.ok(stopMs < SHUTDOWN_TIMEOUT_MS, `took ${stopMs} ms`);
      const complete = run.logLines().find((l) => l.msg === 'Shutdown complete');
      assert.equal(complete?.exitCode, 0);
      await assertNothingLeft(pids);
    });

    it('restarts on the same DATA_DIR without initdb, and Ctrl-C on the whole process group stops it cleanly', async () => {
      const run = startService(env());
      const pids = await up(run);
      console.log(`      warm start answered /v1/health after ${pids.startMs} ms`);
      assert.equal(run.logLines().some((l) => l.msg === 'Initialised embedded PostgreSQL cluster'), false);

      // A terminal's Ctrl-C: SIGINT to npm, sh, tsx and the service at once.
      process.kill(-(run.child.pid ?? 0), 'SIGINT');
      assert.ok(await waitForPidExit(pids.service, SHUTDOWN_TIMEOUT_MS), 'service still running');
      await run.exited;
      const complete = run.logLines().find((l) => l.msg === 'Shutdown complete');
      assert.equal(complete?.exitCode, 0, run.stdout());
      assert.equal(run.logLines().some((l) => /again during shutdown/.test(String(l.msg))), false);
      await assertNothingLeft(pids);
    });

    it('recovers from a SIGKILLed run whose servers were left running', async () => {
      const killed = startService(env());
      const orphans = await up(killed);
      process.kill(orphans.service, 'SIGKILL');
      await killed.exited;
      // The servers live in their own sessions, so they outlive a SIGKILLed parent.
      assert.equal(await isAlive(orphans.postgres), true);

      const run = startService(env());
      const pids = await up(run);
      assert.ok(run.logLines().some((l) => l.msg === 'Stopping postgres left running by an earlier run'));
      if (orphans.redis !== null) {
        assert.ok(run.logLines().some((l) => l.msg === 'Stopping redis-server left running by an earlier run'));
      }
      assert.equal(await isAlive(orphans.postgres), false);

      process.kill(pids.service, 'SIGTERM');
      assert.equal((await run.exited).code, 0, run.stderr());
      await assertNothingLeft(pids);
    });
  });

  it('uses DATABASE_URL and REDIS_URL when set, and SIGTERM stops it with exit 0', async () => {
    const api = await freePort();
    const run = startService(testEnv({
      DATABASE_SCHEMA: `${TEST_SCHEMA}_main`,
      API_PORT: String(api),
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      LOG_PRETTY: 'false',
      LOG_DIR: join(tmpdir(), `sb-main-log-${process.pid}`),
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    }));
    const health = await waitForHealth(api, run);
    assert.deepEqual({ database: health.database, redis: health.redis }, { database: 'external', redis: 'external' });
    const ready = await run.waitForLog('switchboard ready');
    process.kill(ready.pid as number, 'SIGTERM');
    const { code } = await run.exited;
    assert.equal(code, 0, run.stderr());
    await rm(join(tmpdir(), `sb-main-log-${process.pid}`), { recursive: true, force: true });
  });

  it('exits 78 with the exact message on stderr when a setting is invalid', async () => {
    const run = startService(testEnv({ API_PORT: 'eighty', LOG_DIR: join(tmpdir(), `sb-main-log-${process.pid}`) }));
    const { code } = await run.exited;
    assert.equal(code, 78);
    assert.equal(run.stderr(), 'Invalid configuration:\n  - API_PORT must be a whole number from 1 to 65535\n');
    assert.equal(run.stdout(), '');
  });

  for (const variable of ['API_PORT', 'METRICS_PORT', 'API_METRICS_PORT'] as const) {
    it(`${variable} in use: one line naming it, exit 1, nothing started`, async () => {
      const taken = createServer();
      const port = await freePort();
      await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
      const dataDir = await mkdtemp(join(tmpdir(), 'sb-port-'));
      try {
        const started = Date.now();
        const run = startService(testEnv({
          DATA_DIR: dataDir, LOG_DIR: join(dataDir, 'log'), LOG_LEVEL: 'info', LOG_PRETTY: 'false',
          API_PORT: String(variable === 'API_PORT' ? port : await freePort()), METRICS_PORT: String(variable === 'METRICS_PORT' ? port : 0),
          API_METRICS_PORT: String(variable === 'API_METRICS_PORT' ? port : 0),
        }));
        const { code } = await run.exited;
        console.log(`      exited ${Date.now() - started} ms after launch`);
        assert.equal(code, 1);
        assert.equal(run.stderr(), `${variable}: 127.0.0.1:${port} is already in use by another process; stop it or set ${variable} to a free port\n`);
        assert.deepEqual(run.logLines(), [], 'nothing started, not even the database');
        assert.deepEqual((await readdir(dataDir)).filter((f) => f !== 'log'), []);
      } finally {
        taken.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  }
});
