/**
 * The README's pm2 recipe, run for real (pm2 from node_modules, its own
 * PM2_HOME): `pm2 stop` of the supervisor stops its workers in order, well
 * under `kill_timeout`, without a "worker crashed" or a new worker forked
 * during shutdown; a configuration error (exit 78) stops the app instead of
 * restarting it every few seconds; the control bot without its token stops
 * for good.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isAlive } from '../../../src/infra/process-tools.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL, TEST_REDIS_PREFIX, TEST_SCHEMA } from '../../helpers/namespace.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PM2 = join(ROOT, 'node_modules', '.bin', 'pm2');
const ECOSYSTEM = join(ROOT, 'config', 'ecosystem.config.cjs');
const APP = 'switchboard-supervisor';
const run = promisify(execFile);

interface Pm2Process { name: string; pid: number; pm2_env: { status: string; restart_time: number; exit_code?: number; pm_out_log_path: string; pm_err_log_path: string } }

describe('pm2 runs the supervisor as the README says', function () {
  this.timeout(120_000);
  let home: string;
  let env: NodeJS.ProcessEnv;

  const pm2 = async (...args: string[]): Promise<string> => (await run(PM2, args, { cwd: ROOT, env, timeout: 60_000 })).stdout;
  const list = async (): Promise<Pm2Process[]> => JSON.parse(await pm2('jlist')) as Pm2Process[];
  const app = async (): Promise<Pm2Process | undefined> => (await list()).find((p) => p.name === APP);
  let logs: { out: string; err: string } | null = null;
  const read = (file: string | undefined): string => (file !== undefined && existsSync(file) ? readFileSync(file, 'utf8') : '');
  const out = (): string => read(logs?.out);
  const startApp = async (): Promise<void> => {
    await pm2('start', ECOSYSTEM, '--only', APP);
    const p = await app();
    logs = { out: p!.pm2_env.pm_out_log_path, err: p!.pm2_env.pm_err_log_path };
  };
  const waitFor = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> => {
    const until = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; log:\n${out().slice(-3_000)}`);
      await sleep(200);
    }
  };

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'sb-pm2-'));
    env = {
      ...process.env,
      PM2_HOME: home,
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: `${TEST_SCHEMA}_pm2`,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `${TEST_REDIS_PREFIX}pm2:`,
      SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      JWT_SECRET: randomBytes(32).toString('base64'),
      API_KEY_PEPPER: randomBytes(32).toString('base64'),
      SUPERVISOR_WORKERS: '2',
      METRICS_PORT: '0',
      LOG_DIR: join(home, 'app-logs'),
      LOG_LEVEL: 'info',
      LOG_PRETTY: 'false',
    };
  });
  afterEach(async () => {
    await pm2('kill').catch(() => {});
    rmSync(home, { recursive: true, force: true });
  });

  it('pm2 stop ends the supervisor and its workers in seconds, with no crash and no new worker', async () => {
    await startApp();
    await waitFor('supervisor ready', () => out().includes('"msg":"supervisor ready"'));
    const supervisor = await app();
    assert.equal(supervisor?.pm2_env.status, 'online');
    const children = (await run('ps', ['-o', 'pid=', '--ppid', String(supervisor?.pid)])).stdout;
    const workers = children.split('\n').map((l) => Number(l.trim())).filter((pid) => pid > 0);
    assert.ok(workers.length >= 2, `worker processes: ${children}`);
    const before = out().length;

    const started = Date.now();
    await pm2('stop', APP);
    const stopMs = Date.now() - started;
    console.log(`      pm2 stop took ${stopMs} ms (kill_timeout 20 000 ms)`);
    const after = out().slice(before);
    assert.ok(stopMs < 10_000, `pm2 stop took ${stopMs} ms`);
    assert.doesNotMatch(after, /worker crashed/);
    assert.doesNotMatch(after, /"msg":"worker started"/);
    assert.match(after, /Shutdown complete/);
    assert.equal((await app())?.pm2_env.status, 'stopped');
    for (const pid of workers) assert.equal(await isAlive(pid), false, `worker ${pid} is still running`);
  });

  it('a configuration error (exit 78) stops the app instead of restarting it', async () => {
    env.SHUTDOWN_TIMEOUT_MS = 'soon';
    await startApp();
    await waitFor('the app exited with 78', async () => (await app())?.pm2_env.exit_code === 78, 30_000);
    // Long enough for pm2's first restart (exp_backoff_restart_delay 1 s) had it meant to. pm2 labels the
    // app "waiting restart" whenever a restart delay is configured, but stop_exit_codes keeps it from restarting.
    await sleep(3_000);
    const p = await app();
    assert.deepEqual([p?.pid, p?.pm2_env.restart_time], [0, 0]);
    assert.match(read(logs?.err), /SHUTDOWN_TIMEOUT_MS/);
  });

  it('the bot process with no control bot token says so, exits 0 and stays stopped', async () => {
    const BOT = 'switchboard-bot';
    await pm2('start', ECOSYSTEM, '--only', BOT);
    const bot = async () => (await list()).find((p) => p.name === BOT);
    await waitFor('the bot exited with 0', async () => (await bot())?.pm2_env.exit_code === 0, 30_000);
    await sleep(3_000);
    const p = await bot();
    assert.deepEqual([p?.pid, p?.pm2_env.restart_time], [0, 0]);
    assert.match(read(p?.pm2_env.pm_out_log_path), /neither CONTROL_BOT_DISCORD_TOKEN nor CONTROL_BOT_TELEGRAM_TOKEN is set/);
  });
});
