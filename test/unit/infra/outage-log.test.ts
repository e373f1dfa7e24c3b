import assert from 'node:assert/strict';
import pino from 'pino';
import { OutageLog } from '../../../src/infra/outage-log.ts';

function setup(repeatMs = 30_000) {
  let now = 0;
  const lines: Array<{ msg: string; downMs?: number; failures?: number; err?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(JSON.parse(l) as { msg: string }); } });
  const log = new OutageLog({ logger, what: 'Redis at REDIS_URL', repeatMs, now: () => now });
  return { log, lines, advance: (ms: number) => { now += ms; } };
}

const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');

describe('OutageLog', () => {
  it('one line when failures start, none per further attempt, one when connected again', () => {
    const { log, lines, advance } = setup();
    for (let i = 0; i < 20; i++) {
      log.failed(refused);
      advance(500);
    }
    log.recovered();
    assert.deepEqual(lines.map((l) => l.msg), ['Redis at REDIS_URL: connection lost, reconnecting', 'Redis at REDIS_URL: connected again']);
    assert.equal(lines[0]!.err, 'connect ECONNREFUSED 127.0.0.1:6379');
    assert.deepEqual({ downMs: lines[1]!.downMs, failures: lines[1]!.failures }, { downMs: 10_000, failures: 20 });
  });

  it('a reminder every repeatMs while the outage lasts', () => {
    const { log, lines, advance } = setup(10_000);
    for (let i = 0; i <= 50; i++) {
      log.failed(refused);
      advance(500);
    }
    assert.deepEqual(lines.map((l) => l.msg), [
      'Redis at REDIS_URL: connection lost, reconnecting',
      'Redis at REDIS_URL: still unreachable, reconnecting',
      'Redis at REDIS_URL: still unreachable, reconnecting',
    ]);
    assert.deepEqual({ downMs: lines[2]!.downMs, failures: lines[2]!.failures }, { downMs: 20_000, failures: 41 });
  });

  it('a connection that works is not reported as recovered; a failure after long quiet is a new outage', () => {
    const { log, lines, advance } = setup(10_000);
    log.recovered();
    assert.equal(lines.length, 0);
    log.failed(refused);
    advance(60_000);
    log.failed(refused);
    assert.deepEqual(lines.map((l) => l.msg), ['Redis at REDIS_URL: connection lost, reconnecting', 'Redis at REDIS_URL: connection lost, reconnecting']);
  });
});
