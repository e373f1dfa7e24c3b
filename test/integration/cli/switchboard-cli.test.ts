import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { AdminCommandListener, publishSnapshot } from '../../../src/cluster/admin-channel.ts';
import { keys } from '../../../src/cluster/redis-keys.ts';
import type { AdminRequest, OwnershipSnapshot } from '../../../src/cluster/status-snapshot.ts';
import { SessionNotFoundError } from '../../../src/errors/registry.ts';
import { TEST_REDIS_PREFIX, TEST_REDIS_URL, testEnv } from '../../helpers/namespace.ts';
import { snapshotA, snapshotB } from '../../helpers/snapshot-fixtures.ts';

const CLI = fileURLToPath(new URL('../../../src/cli/switchboard.ts', import.meta.url));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the real CLI against this test's key prefix. */
function runCli(prefix: string, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: testEnv({ REDIS_KEY_PREFIX: prefix, ...extraEnv }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T;

describe('switchboard CLI against Redis', function () {
  this.timeout(60_000);
  let redis: Redis;
  let prefix: string;
  const listeners: AdminCommandListener[] = [];

  /** A key namespace of its own per test, so leftovers of one never show in another. */
  async function freshNamespace(): Promise<Redis> {
    clearInterval(refresh);
    prefix = `${TEST_REDIS_PREFIX}cli-${randomBytes(3).toString('hex')}:`;
    redis?.disconnect();
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
    return redis;
  }

  /** Stands in for a supervisor: records requests, answers with `answer`. */
  async function listen(supervisorId: string, answer: (req: AdminRequest) => Promise<unknown>): Promise<AdminRequest[]> {
    const seen: AdminRequest[] = [];
    const listener = new AdminCommandListener(redis, supervisorId);
    listeners.push(listener);
    await listener.start(async (req) => {
      seen.push(req);
      return answer(req);
    });
    return seen;
  }

  // As live supervisors do, every second: on a loaded machine a test's CLI runs can outlast a snapshot's 5 s freshness.
  let refresh: NodeJS.Timeout | undefined;
  const publishBoth = async (target: Redis): Promise<void> => {
    const now = Date.now();
    await publishSnapshot(target, snapshotA(now), 60_000);
    await publishSnapshot(target, snapshotB(now), 60_000);
  };

  beforeEach(async () => {
    const target = await freshNamespace();
    await publishBoth(target);
    refresh = setInterval(() => void publishBoth(target).catch(() => {}), 1_000);
  });
  afterEach(async () => {
    clearInterval(refresh);
    await Promise.all(listeners.splice(0).map((l) => l.stop()));
  });
  after(() => redis?.disconnect());

  describe('inspecting', () => {
    it('status: one line per supervisor, and --json summaries', async () => {
      const text = await runCli(prefix, ['status']);
      assert.equal(text.code, 0, text.stderr);
      const lines = text.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 3);
      assert.match(lines[1]!, /^sup-a\s+node-1\s+4242\s.*2 running, 1 idle, 2 paused\s+2 elite, 1 pro, 2 free\s+71% of 16 GiB/);
      assert.match(lines[1]!, /3m ago\s+4 of 6\s+5 accounts of 4 users, 3 running\s+sup-a, sup-b$/);
      assert.match(lines[2]!, /^sup-b\s+node-2\s+777\s.*1 \(1 draining\).*\[ABOVE HIGH\]\s+-\s+-\s+-\s+-$/);

      const data = json<{ supervisorId: string; sessions: { total: number; byTier: Record<string, number> }; ownership: OwnershipSnapshot | null }[]>(
        await runCli(prefix, ['status', '--json']));
      assert.deepEqual(data.map((s) => [s.supervisorId, s.sessions.total]), [['sup-a', 5], ['sup-b', 2]]);
      assert.deepEqual(data[0]!.sessions.byTier, { elite: 2, pro: 1, free: 2 });
      assert.deepEqual(data.map((s) => s.ownership), [snapshotA(0).ownership, null]);
    });

    it('workers: every worker, or one supervisor\'s', async () => {
      const text = await runCli(prefix, ['workers']);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^sup-a\s+w-a2\s+5002\s+running\s+2\/50\s+-\s+300 MiB \/ 1\.0 GiB \(29%\)\s+#0 80 MiB\s+1 \(\+2 thread\)$/m);
      const rows = json<{ supervisorId: string; workerId: string }[]>(await runCli(prefix, ['workers', '--supervisor', 'sup-b', '--json']));
      assert.deepEqual(rows.map((w) => [w.supervisorId, w.workerId]), [['sup-b', 'w-b1']]);
    });

    it('sessions: filters, text and --json', async () => {
      const all = await runCli(prefix, ['sessions']);
      assert.equal(all.code, 0, all.stderr);
      assert.equal(all.stdout.trimEnd().split('\n').length, 8);
      assert.match(all.stdout, /^sup-a\s+tg-bob\s+bob\s+pro\s+telegram\s+w-a1\/0\s+paused \(pressure\)\s+2\.0 MiB\s+\d\.\ds ago$/m);
      assert.match(all.stdout, /^sup-b\s+tg-frank\s+frank\s+free\s+telegram\s+-\s+queued \(every worker full\)/m);

      const pick = async (...args: string[]) =>
        json<{ actorId: string; supervisorId: string }[]>(await runCli(prefix, ['sessions', '--json', ...args])).map((s) => s.actorId);
      assert.deepEqual(await pick('--user', 'alice'), ['dc-alice', 'tg-alice']);
      assert.deepEqual(await pick('--state', 'paused'), ['lb-dave', 'tg-bob']);
      assert.deepEqual(await pick('--tier', 'free', '--worker', 'w-a2'), ['lb-dave', 'tg-carol']);
      assert.deepEqual(await pick('--state', 'queued', '--supervisor', 'sup-b'), ['tg-frank']);
      assert.deepEqual(await pick('--user', 'nobody'), []);
    });

    it('top --iterations 2 renders two frames, then exits', async () => {
      const r = await runCli(prefix, ['top', '--iterations', '2', '--interval', '100']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.match(/^switchboard top /gm)?.length, 2);
      assert.equal(r.stdout.match(/^sup-a\s+node-1/gm)?.length, 2);
      const frames = (await runCli(prefix, ['top', '--iterations', '2', '--interval', '50', '--json'])).stdout.trimEnd().split('\n');
      assert.equal(frames.length, 2);
      assert.equal((JSON.parse(frames[1]!) as { sessions: unknown[] }).sessions.length, 7);
    });

    it('leaves out a supervisor whose snapshot expired, and prunes it', async () => {
      const now = Date.now();
      await publishSnapshot(redis, { ...snapshotA(now, 'sup-gone'), sessions: [] }, 150);
      await sleep(300);
      const data = json<{ supervisorId: string }[]>(await runCli(prefix, ['status', '--json']));
      assert.deepEqual(data.map((s) => s.supervisorId), ['sup-a', 'sup-b']);
      assert.equal(await redis.zscore(keys.supervisors(), 'sup-gone'), null);
    });
  });

  describe('failures', () => {
    it('no supervisor running: a clear message, exit 1', async () => {
      await freshNamespace();
      const r = await runCli(prefix, ['status']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /No supervisor is running: no fresh status snapshot in Redis at redis:\/\/127\.0\.0\.1:6379/);
      const j = await runCli(prefix, ['workers', '--json']);
      assert.equal(j.code, 1);
      assert.equal(json<{ error: { code: string } }>(j).error.code, 'no_supervisor_running');
    });

    it('only an expired snapshot counts as no supervisor', async () => {
      await freshNamespace();
      await publishSnapshot(redis, snapshotA(Date.now()), 100);
      await sleep(250);
      assert.equal((await runCli(prefix, ['sessions'])).code, 1);
    });

    it('unknown session, worker or supervisor ids exit 1 naming the id', async () => {
      // Independent runs, side by side: each is a process start, most of the time here.
      const [stop, drain, filter, sup, target] = await Promise.all([
        runCli(prefix, ['stop', 'abc']),
        runCli(prefix, ['drain', 'w-9', '--json']),
        runCli(prefix, ['sessions', '--worker', 'w-9']),
        runCli(prefix, ['status', '--supervisor', 'sup-z']),
        runCli(prefix, ['reassign', 'tg-bob', '--to', 'w-9']),
      ]);
      assert.equal(stop.code, 1);
      assert.match(stop.stderr, /no session "abc" in any running supervisor/);
      assert.equal(drain.code, 1);
      assert.deepEqual(json<{ error: { code: string; message: string } }>(drain).error,
        { workerId: 'w-9', code: 'worker_not_found', message: 'no worker "w-9" in any running supervisor' });
      assert.equal(filter.code, 1);
      assert.match(filter.stderr, /no worker "w-9"/);
      assert.equal(sup.code, 1);
      assert.match(sup.stderr, /no supervisor "sup-z" is running/);
      assert.equal(target.code, 1);
      assert.match(target.stderr, /no worker "w-9"/);
    });

    it('bad arguments exit 2 with the usage', async () => {
      const [state, to, top, unknown, none, help] = await Promise.all([
        runCli(prefix, ['sessions', '--state', 'sleeping']),
        runCli(prefix, ['reassign', 'tg-bob', '--json']),
        runCli(prefix, ['top', '--interval', 'soon']),
        runCli(prefix, ['frobnicate']),
        runCli(prefix, []),
        runCli(prefix, ['--help']),
      ]);
      assert.equal(state.code, 2);
      assert.match(state.stderr, /argument 'sleeping' is invalid/);
      assert.match(state.stderr, /Usage: switchboard sessions/);
      assert.equal(to.code, 2);
      assert.match(to.stderr, /required option '--to <worker>' not specified/);
      assert.equal(json<{ error: { code: string } }>(to).error.code, 'invalid_arguments');
      assert.deepEqual([top.code, unknown.code, none.code, help.code], [2, 2, 2, 0]);
    });

    it('Redis unreachable at the embedded default says REDIS_URL is unset', async () => {
      const r = await runCli(prefix, ['status'], { REDIS_URL: '', EMBEDDED_REDIS_PORT: '1' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /redis:\/\/127\.0\.0\.1:1 .*REDIS_URL is unset.*\[dependency_unavailable\]/);
    });

    it('a bad configuration exits 78', async () => {
      const r = await runCli(prefix, ['status'], { REDIS_KEY_PREFIX: 'bad prefix!' });
      assert.equal(r.code, 78);
      assert.match(r.stderr, /REDIS_KEY_PREFIX must be/);
    });
  });

  describe('steering', () => {
    it('sends each command to the supervisor owning the session or worker, and prints the reply', async () => {
      const seenA = await listen('sup-a', async (req) => (req.command === 'stop' ? { checkpointed: true } : null));
      const seenB = await listen('sup-b', async (req) => ({ moved: req.command === 'drain' ? 1 : 0 }));

      const stop = await runCli(prefix, ['stop', 'tg-bob']);
      assert.equal(stop.code, 0, stop.stderr);
      assert.equal(stop.stdout.trim(), 'supervisor sup-a: stop session "tg-bob": done {"checkpointed":true}');

      // The first characters of an id do, as top shows them; the command carries the whole id.
      assert.equal((await runCli(prefix, ['pause', 'tg-al'])).stdout.trim(), 'supervisor sup-a: pause session "tg-alice": done');
      assert.equal((await runCli(prefix, ['resume', 'lb-dave'])).code, 0);
      const reassign = await runCli(prefix, ['reassign', 'tg-carol', '--to', 'w-a1']);
      assert.equal(reassign.code, 0, reassign.stderr);
      assert.equal(reassign.stdout.trim(), 'supervisor sup-a: reassign session "tg-carol" to worker "w-a1": done');

      const drain = await runCli(prefix, ['drain', 'w-b1', '--json']);
      assert.equal(drain.code, 0, drain.stderr);
      assert.deepEqual(json(drain), { supervisorId: 'sup-b', command: { command: 'drain', workerId: 'w-b1' }, result: { moved: 1 } });

      const strip = ({ id, ...rest }: AdminRequest) => {
        assert.match(id, /^[0-9a-f-]{36}$/);
        return rest;
      };
      assert.deepEqual(seenA.map(strip), [
        { command: 'stop', sessionId: 'tg-bob' },
        { command: 'pause', sessionId: 'tg-alice' },
        { command: 'resume', sessionId: 'lb-dave' },
        { command: 'reassign', sessionId: 'tg-carol', toWorkerId: 'w-a1' },
      ]);
      assert.deepEqual(seenB.map(strip), [{ command: 'drain', workerId: 'w-b1' }]);
    });

    it('a refusal exits 1 with the supervisor\'s code', async () => {
      await listen('sup-b', async (req) => {
        if (req.command === 'stop') throw new SessionNotFoundError({ sessionId: 'dc-erin' });
        throw new Error('worker pool is closed');
      });
      const refused = await runCli(prefix, ['stop', 'dc-erin']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /supervisor sup-b refused to stop session "dc-erin": no session "dc-erin" in any running supervisor \[session_not_found\]/);
      const crashed = await runCli(prefix, ['pause', 'tg-frank', '--json']);
      assert.equal(crashed.code, 1);
      assert.deepEqual(json(crashed), { error: { code: 'internal_error', message: 'worker pool is closed', supervisorId: 'sup-b' } });
    });

    it('a supervisor that never answers: supervisor_unreachable after --timeout', async () => {
      const r = await runCli(prefix, ['stop', 'tg-bob', '--timeout', '300']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Supervisor "sup-a" did not answer within 300 ms \[supervisor_unreachable\]/);
      const j = await runCli(prefix, ['drain', 'w-b1', '--timeout', '200', '--json']);
      assert.equal(j.code, 1);
      assert.equal(json<{ error: { code: string; supervisorId: string } }>(j).error.supervisorId, 'sup-b');
      assert.equal(json<{ error: { code: string } }>(j).error.code, 'supervisor_unreachable');
    });
  });
});

describe('switchboard top in a terminal', function () {
  this.timeout(30_000);

  it('q quits at once', async () => {
    // script(1) gives the CLI a real terminal, so it reads keys in raw mode.
    const command = `${process.execPath} --import tsx ${CLI} top --interval 60000`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: testEnv({ REDIS_KEY_PREFIX: `${TEST_REDIS_PREFIX}top-tty:` }), stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const until = Date.now() + 20_000;
    while (!out.includes('switchboard top') && Date.now() < until) await sleep(50);
    assert.match(out, /switchboard top/);
    const pressed = Date.now();
    child.stdin.write('q');
    assert.equal(await exited, 0, out);
    const ms = Date.now() - pressed;
    console.log(`      exited ${ms} ms after q (next refresh was a minute away)`);
    assert.ok(ms < 5_000, `${ms} ms`);
  });
});
