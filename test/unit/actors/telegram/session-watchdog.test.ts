/**
 * The watchdog of a Telegram connection: it probes only a connection that
 * was silent, or asked nothing, for too long, one probe at a time, and
 * reports a dead one once, not after it was stopped.
 */
import assert from 'node:assert/strict';
import { SessionWatchdog } from '../../../../actors/platform/telegram/session-watchdog.ts';
import type { WatchdogOptions } from '../../../../actors/platform/telegram/session-watchdog.ts';

function watchdog(o: Partial<WatchdogOptions> & { heard?: number; asked?: number }) {
  const probes: number[] = [];
  const dead: string[] = [];
  const dog = new SessionWatchdog({
    silenceMs: 1_000, probeTimeoutMs: 50, keepAliveMs: 10_000,
    lastHeardAt: () => o.heard ?? 0, lastAskedAt: () => o.asked ?? 0,
    probe: async () => {
      probes.push(1);
    },
    onDead: (reason) => dead.push(reason),
    ...o,
  });
  return { dog, probes, dead };
}

describe('SessionWatchdog', () => {
  it('does nothing while the connection is heard from and asks', async () => {
    const { dog, probes } = watchdog({ heard: 9_500, asked: 5_000 });
    await dog.check(10_000);
    assert.equal(probes.length, 0);
  });

  it('probes a silent connection, and one that asked nothing for long even when not silent', async () => {
    const silent = watchdog({ heard: 8_000, asked: 5_000 });
    await silent.dog.check(10_000);
    assert.equal(silent.probes.length, 1);
    const quiet = watchdog({ heard: 9_900, asked: 0 });
    await quiet.dog.check(10_000);
    assert.equal(quiet.probes.length, 1);
  });

  it('reports a probe that fails or times out, once, and stops', async () => {
    const failing = watchdog({ heard: 0, asked: 9_000, probe: () => Promise.reject(new Error('401 SESSION_REVOKED')) });
    failing.dog.start();
    await failing.dog.check(10_000);
    assert.deepEqual(failing.dead, ['Telegram did not answer a probe after 10000 ms of silence: 401 SESSION_REVOKED']);
    assert.equal(failing.dog.running, false);
    const hanging = watchdog({ heard: 19_900, asked: 0, probe: () => new Promise(() => {}) });
    await hanging.dog.check(20_000);
    assert.deepEqual(hanging.dead, ['Telegram did not answer a probe after 20000 ms without a request: no answer within 50 ms']);
  });

  it('reports nothing for a probe that settles after stop()', async () => {
    let fail!: (error: Error) => void;
    const { dog, dead } = watchdog({ probe: () => new Promise((_, reject) => { fail = reject; }) });
    const checking = dog.check(10_000);
    dog.stop();
    fail(new Error('late'));
    await checking;
    assert.deepEqual(dead, []);
  });

  it('runs one probe at a time', async () => {
    let release!: () => void;
    let probes = 0;
    const { dog } = watchdog({ probe: () => { probes += 1; return new Promise<void>((resolve) => { release = resolve; }); } });
    const first = dog.check(10_000);
    await dog.check(10_001);
    release();
    await first;
    assert.equal(probes, 1);
  });
});
