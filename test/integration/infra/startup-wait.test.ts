/**
 * Processes started while PostgreSQL or Redis does not answer (issue 16:
 * "never a crash loop"): the supervisor waits in the same process, saying
 * so, and starts once a private PostgreSQL cluster comes up on the port it
 * was given; STARTUP_WAIT_MS bounds the wait (exit 1), a SIGTERM ends it at
 * once (exit 0), and a refusal that waiting cannot cure (a wrong password)
 * still fails at once. Real processes, real servers.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/infra/embedded-postgres.ts';
import { stopChild } from '../../../src/infra/process-tools.ts';
import { testEnv } from '../../helpers/namespace.ts';
import { logger, waitFor } from '../supervisor/fixture.ts';
import { freePort } from './free-port.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  child: ChildProcess;
  /** Every JSON log line the process wrote to stdout so far. */
  lines: Array<{ msg: string; level: number; [k: string]: unknown }>;
  exit: Promise<number | null>;
}

function run(entry: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: PROJECT_ROOT,
    env: testEnv({ LOG_LEVEL: 'info', LOG_PRETTY: 'false', LOG_DIR: join(tmpdir(), 'sb-startup-wait-logs'), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Run['lines'] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      try { lines.push(JSON.parse(part) as Run['lines'][number]); } catch { /* not a log line */ }
    }
  });
  child.stderr!.resume();
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exit };
}

const waits = (r: Run, what: string): number => r.lines.filter((l) => l.msg === `${what} does not answer: waiting for it before starting`).length;

describe('starting while PostgreSQL or Redis does not answer', function () {
  this.timeout(90_000);
  const runs: ChildProcess[] = [];
  let postgres: EmbeddedPostgres | null = null;
  let dir = '';

  afterEach(async () => {
    for (const child of runs.splice(0)) await stopChild(child, 'SIGKILL', 2_000);
    await postgres?.stop(5_000);
    postgres = null;
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('the supervisor waits in the same process and starts once PostgreSQL comes up', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-startup-pg-'));
    const port = await freePort();
    const start = () => startEmbeddedPostgres({ root: dir, port, logger, database: 'switchboard' });
    // Started once for its URL (the password is made at initdb), then down while the supervisor starts.
    postgres = await start();
    const { url } = postgres;
    await postgres.stop(5_000);
    postgres = null;

    const r = run('supervisor/supervisor-main.ts', {
      DATABASE_URL: url, DATABASE_SCHEMA: 'startup_wait', SUPERVISOR_ID: `startup-wait-${process.pid}`,
      SUPERVISOR_WORKERS: '1', SUPERVISOR_THREADS_PER_WORKER: '1',
    });
    runs.push(r.child);
    await waitFor('two waits logged', () => waits(r, 'PostgreSQL') >= 2, 20_000);
    const warning = r.lines.find((l) => l.msg === 'PostgreSQL does not answer: waiting for it before starting')!;
    assert.equal(warning.attempt, 1);
    assert.equal(warning.retryInMs, 500);
    assert.equal(r.child.exitCode, null, 'still the same process');

    postgres = await start();
    await waitFor('supervisor ready', () => r.lines.some((l) => l.msg === 'supervisor ready'), 60_000);
    assert.ok(r.lines.some((l) => l.msg === 'PostgreSQL answers: starting'));
    r.child.kill('SIGTERM');
    assert.equal(await r.exit, 0);
  });

  it('STARTUP_WAIT_MS bounds the wait: exit 1 and the reason', async () => {
    const r = run('src/api/api-main.ts', { REDIS_URL: 'redis://127.0.0.1:1', STARTUP_WAIT_MS: '2000', API_PORT: String(await freePort()) });
    runs.push(r.child);
    assert.equal(await r.exit, 1);
    assert.ok(waits(r, 'Redis') >= 2, 'waited before giving up');
    assert.ok(r.lines.some((l) => l.msg === 'Redis did not answer within STARTUP_WAIT_MS (2000 ms): giving up'));
  });

  it('SIGTERM during the wait ends it at once with exit 0', async () => {
    const r = run('src/api/api-main.ts', { REDIS_URL: 'redis://127.0.0.1:1', API_PORT: String(await freePort()) });
    runs.push(r.child);
    await waitFor('a wait logged', () => waits(r, 'Redis') >= 1, 20_000);
    const signalled = Date.now();
    r.child.kill('SIGTERM');
    assert.equal(await r.exit, 0);
    assert.ok(Date.now() - signalled < 5_000, 'did not sit out the rest of the delay');
    assert.ok(!r.lines.some((l) => l.msg === 'Startup failed'), 'a shutdown is not a failed start');
  });

  it('a refusal waiting cannot cure (wrong password) still fails at once', async () => {
    const bad = new URL(testEnv().DATABASE_URL!);
    bad.username = 'nobody_here';
    bad.password = 'wrong';
    const r = run('src/api/api-main.ts', { DATABASE_URL: bad.toString(), API_PORT: String(await freePort()) });
    runs.push(r.child);
    assert.equal(await r.exit, 1);
    assert.equal(waits(r, 'PostgreSQL'), 0);
  });
});
