import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { Shutdown } from '../../../src/infra/shutdown.ts';

function recorder() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
  const exits: number[] = [];
  return { logger, lines, exits, exit: (code: number) => { exits.push(code); } };
}

describe('Shutdown', () => {
  it('runs the steps once, newest first, then exits 0 and logs each with its duration', async () => {
    const r = recorder();
    const shutdown = new Shutdown({ logger: r.logger, timeoutMs: 5_000, exit: r.exit });
    const order: string[] = [];
    shutdown.register('database', () => { order.push('database'); });
    shutdown.register('redis', async () => { await sleep(5); order.push('redis'); });
    shutdown.register('http', () => { order.push('http'); });
    assert.equal(shutdown.inProgress, false);
    const first = shutdown.run('SIGTERM');
    const second = shutdown.run('SIGINT');
    assert.equal(shutdown.inProgress, true);
    await Promise.all([first, second]);
    assert.deepEqual(order, ['http', 'redis', 'database']);
    assert.deepEqual(r.exits, [0]);
    const stepLines = r.lines.filter((l) => typeof l.step === 'string');
    assert.deepEqual(stepLines.map((l) => l.step), ['http', 'redis', 'database']);
    assert.ok(stepLines.every((l) => typeof l.ms === 'number'));
    assert.equal(r.lines.find((l) => l.msg === 'Shutting down')?.reason, 'SIGTERM');
  });

  it('keeps going past a failing step and exits 1', async () => {
    const r = recorder();
    const shutdown = new Shutdown({ logger: r.logger, timeoutMs: 5_000, exit: r.exit });
    let reached = false;
    shutdown.register('last', () => { reached = true; });
    shutdown.register('broken', () => { throw new Error('boom'); });
    await shutdown.run('SIGINT');
    assert.equal(reached, true);
    assert.deepEqual(r.exits, [1]);
    assert.equal(r.lines.find((l) => l.step === 'broken')?.level, 50);
  });

  it('runs a step registered while shutting down', async () => {
    const r = recorder();
    const shutdown = new Shutdown({ logger: r.logger, timeoutMs: 5_000, exit: r.exit });
    const order: string[] = [];
    shutdown.register('first', () => { order.push('first'); });
    shutdown.register('slow', async () => {
      shutdown.register('late', () => { order.push('late'); });
      await sleep(5);
      order.push('slow');
    });
    await shutdown.run('startup failed', 1);
    assert.deepEqual(order, ['slow', 'late', 'first']);
    assert.deepEqual(r.exits, [1]);
  });

  it('exits 1 when the steps outlast the deadline, naming the stuck step', async () => {
    const r = recorder();
    const shutdown = new Shutdown({ logger: r.logger, timeoutMs: 50, exit: r.exit });
    shutdown.register('stuck', () => sleep(300));
    const running = shutdown.run('SIGTERM');
    await sleep(120);
    assert.deepEqual(r.exits, [1]);
    assert.equal(r.lines.find((l) => l.level === 50)?.step, 'stuck');
    await running;
  });
});
