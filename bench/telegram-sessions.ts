/**
 * `npm run bench -- telegram-sessions`: N Telegram user sessions (default
 * 1,000; `--sessions`) resumed from saved, sealed session strings by a real
 * supervisor (its own process, `--workers` worker processes) through real
 * gramjs clients, against the MTProto fake in this process. Reports the time
 * until every session runs, RSS and heap per session, the CPU the runtime
 * spends per idle session (`--idle-s` of quiet: the adapter's watchdog
 * probes a session after 60 s without traffic),
 * all net of the workers' footprint before the sessions were added,
 * and the time until every session runs again after the worker process is
 * SIGKILLed. Targets (issue #11): all resumed within 30 s, at most 500 KB
 * RSS per idle session, on a 2-core machine.
 *
 * Sessions are issued by the fake (as a login leaves them), 5 per Elite
 * user; no pairs, so this measures holding sessions, not forwarding.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { runtimeChannel } from '../src/api/runtime-notifier.ts';
import { ForwardingWorld, waitFor } from '../test/integration/forwarding/forwarding-fixture.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL, testEnv } from '../test/helpers/namespace.ts';
import { treeCpuMs } from './_process-cpu.ts';
import { reply, stopChild, SUPERVISOR_CHILD } from './_supervisor-child.ts';


const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '1' },
    threads: { type: 'string', default: '2' },
    'idle-s': { type: 'string', default: '20' },
  },
});
const SESSIONS = Number(values.sessions);
const IDLE_S = Number(values['idle-s']);

const progress = (m: string): void => void process.stderr.write(`bench telegram-sessions: ${m}\n`);

interface ChildStatus { running: number; workers: Array<{ pid: number; rssBytes: number; heapBytes: number }> }

const status = (child: ChildProcess): Promise<ChildStatus> => reply<ChildStatus>(child, 'status', { type: 'status' });
const sum = (s: ChildStatus, field: 'rssBytes' | 'heapBytes'): number => s.workers.reduce((n, w) => n + w[field], 0);

const world = await ForwardingWorld.create('tg_sessions_bench', { telegram: true });
const tg = world.tg!;
let supervisor: ChildProcess | null = null;
try {
  // The supervisor starts with nothing to run, so its workers' own footprint can be taken off the figures per session.
  supervisor = spawn(process.execPath, ['--import', 'tsx', SUPERVISOR_CHILD], {
    env: testEnv({
      DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: world.schema, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: world.prefix,
      SECRET_KEYS: world.secretKeys, DISCORD_API_URL: world.fake.apiUrl, WORKERS: String(values.workers), THREADS: String(values.threads),
      EXPECT_SESSIONS: '0', MAIL_DIR: world.mailDir, ...world.telegramEnv(),
    }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await reply(supervisor, 'ready');
  await sleep(2_000);
  const empty = await status(supervisor);

  progress(`issuing ${SESSIONS} sessions`);
  let owner = '';
  for (let i = 0; i < SESSIONS; i++) {
    if (i % 5 === 0) owner = await world.user('elite');
    const user = tg.createUser({ phone: `+1555${String(i).padStart(7, '0')}`, firstName: `User ${i}` });
    await world.telegramAccount(owner, user);
  }
  const handshakesBefore = tg.stats().handshakes;
  const announced = performance.now();
  const running = reply(supervisor, 'ready', { type: 'expect', sessions: SESSIONS });
  // As the API announces a linked account: the runtime reconciles and starts every session.
  await world.redis.publish(runtimeChannel(world.prefix), JSON.stringify({ kind: 'user', id: 'bench', userId: 'bench', action: 'upsert' }));
  await running;
  const connectedS = (performance.now() - announced) / 1_000;
  progress(`${SESSIONS} sessions running ${connectedS.toFixed(1)} s after they were announced`);
  const handshakes = tg.stats().handshakes - handshakesBefore;

  await sleep(3_000);
  const settled = await status(supervisor);
  const cpuBefore = treeCpuMs(supervisor.pid!);
  progress(`idle for ${IDLE_S} s`);
  await sleep(IDLE_S * 1_000);
  const idleCpuMs = treeCpuMs(supervisor.pid!) - cpuBefore;
  const idle = await status(supervisor);

  progress('SIGKILL of the worker process');
  const victims = idle.workers.map((w) => w.pid);
  const killedAt = performance.now();
  for (const pid of victims) process.kill(pid, 'SIGKILL');
  await waitFor('the supervisor saw the crash', async () => (await status(supervisor!)).running < SESSIONS, 30_000);
  await waitFor('every session running again', async () => (await status(supervisor!)).running >= SESSIONS
    && tg.stats().connections >= SESSIONS, 120_000);
  const resumedS = (performance.now() - killedAt) / 1_000;
  progress(`resumed ${SESSIONS} sessions ${resumedS.toFixed(1)} s after the kill`);

  console.log(JSON.stringify({
    bench: 'telegram-sessions', sessions: SESSIONS, workers: Number(values.workers), threads_per_worker: Number(values.threads),
    all_running_s: Number(connectedS.toFixed(1)),
    new_handshakes: handshakes,
    rss_per_session_kb: Math.round((sum(settled, 'rssBytes') - sum(empty, 'rssBytes')) / SESSIONS / 1_024),
    heap_per_session_kb: Math.round((sum(settled, 'heapBytes') - sum(empty, 'heapBytes')) / SESSIONS / 1_024),
    idle_cpu_ms_per_session_per_min: Number(((idleCpuMs / SESSIONS) * (60 / IDLE_S)).toFixed(2)),
    idle_cpu_share_of_core: Number((idleCpuMs / (IDLE_S * 1_000)).toFixed(3)),
    resumed_after_worker_kill_s: Number(resumedS.toFixed(1)),
    duplicate_key_violations: tg.stats().duplicateKeyViolations,
    targets: { all_running_s: 30, rss_per_session_kb: 500 },
  }));
} finally {
  await stopChild(supervisor);
  await world.close();
}
