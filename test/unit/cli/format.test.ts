import assert from 'node:assert/strict';
import { describeCommand, formatCommandDone, formatCommandRefused } from '../../../src/cli/format/command-result.ts';
import {
  describePlacement, describeSessionState, formatSessions, listSessions, SESSION_STATES,
} from '../../../src/cli/format/sessions-view.ts';
import { describeCapacity, describeHostMemory, describeMembers, describeOwned, describeRedis, formatStatus, summarizeSupervisor } from '../../../src/cli/format/status-view.ts';
import { formatQueues, listQueues, summarizeQueues } from '../../../src/cli/format/queue-view.ts';
import { renderTable } from '../../../src/cli/format/table.ts';
import { formatTopFrame, TOP_HEADER } from '../../../src/cli/format/top-view.ts';
import { formatAgo, formatBytes, formatDuration, formatPercent } from '../../../src/cli/format/units.ts';
import { describeRestarts, describeRss, describeThreads, formatWorkers, listWorkers } from '../../../src/cli/format/workers-view.ts';
import { snapshotA, snapshotB } from '../../helpers/snapshot-fixtures.ts';

const NOW = 1_800_000_000_000;
const snapshots = [snapshotA(NOW), snapshotB(NOW)];
const ids = (rows: { actorId: string }[]) => rows.map((r) => r.actorId);

describe('CLI formatting', () => {
  describe('units', () => {
    it('formats bytes with binary units, one decimal below 10', () => {
      assert.equal(formatBytes(0), '0 B');
      assert.equal(formatBytes(512), '512 B');
      assert.equal(formatBytes(1536), '1.5 KiB');
      assert.equal(formatBytes(412 * 1024 * 1024), '412 MiB');
      assert.equal(formatBytes(16 * 1024 ** 3), '16 GiB');
      assert.equal(formatBytes(1024 ** 3), '1.0 GiB');
      assert.equal(formatBytes(-1), '?');
    });
    it('formats durations in their largest whole unit', () => {
      assert.equal(formatDuration(350), '350ms');
      assert.equal(formatDuration(4_200), '4.2s');
      assert.equal(formatDuration(42_000), '42s');
      assert.equal(formatDuration(5 * 60_000 + 5_000), '5m');
      assert.equal(formatDuration(3 * 3_600_000), '3h');
      assert.equal(formatDuration(3 * 86_400_000), '3d');
      assert.equal(formatDuration(-5), '0ms');
    });
    it('formats relative times', () => {
      assert.equal(formatAgo(NOW - 3_000, NOW), '3.0s ago');
      assert.equal(formatAgo(NOW - 200, NOW), 'just now');
      assert.equal(formatAgo(NOW + 5_000, NOW), 'just now');
      assert.equal(formatAgo(0, NOW), 'never');
    });
    it('formats fractions as whole percent', () => {
      assert.equal(formatPercent(0.713), '71%');
      assert.equal(formatPercent(Number.NaN), '?');
    });
  });

  describe('renderTable', () => {
    it('pads columns to the widest cell and trims line ends', () => {
      assert.equal(
        renderTable(['A', 'LONG HEADER', 'C'], [['xxx', 'y', ''], ['z']]),
        ['A    LONG HEADER  C', 'xxx  y', 'z'].join('\n'),
      );
    });
  });

  describe('status', () => {
    it('summarizes counts by state and tier in a fixed order', () => {
      const s = summarizeSupervisor(snapshotA(NOW - 1_500), NOW);
      assert.equal(s.ageMs, 1_500);
      assert.deepEqual(s.workers, { total: 2, byState: { running: 2 } });
      assert.equal(s.sessions.total, 5);
      assert.deepEqual(Object.entries(s.sessions.byState), [['running', 2], ['idle', 1], ['paused', 2]]);
      assert.deepEqual(Object.entries(s.sessions.byTier), [['elite', 2], ['pro', 1], ['free', 2]]);
      assert.equal(s.aboveHighWatermark, false);
    });
    it('flags host memory above the high watermark', () => {
      const s = summarizeSupervisor(snapshotB(NOW), NOW);
      assert.equal(s.aboveHighWatermark, true);
      assert.equal(describeHostMemory(s), '90% of 8.0 GiB, pause >= 85%, resume <= 70% [ABOVE HIGH]');
    });
    it('describes the Redis stalls a supervisor saw', () => {
      assert.equal(describeRedis(summarizeSupervisor(snapshotA(NOW), NOW).redis, NOW), '2 stalls, last 5.2s, 3m ago');
      assert.equal(describeRedis({ stalledForMs: null, stalls: 0, lastStall: null }, NOW), 'ok');
      assert.equal(describeRedis({ stalledForMs: 12_000, stalls: 1, lastStall: null }, NOW), 'STALLED 12s');
      assert.equal(describeRedis(summarizeSupervisor(snapshotB(NOW), NOW).redis, NOW), '-', 'a supervisor that does not report stalls');
    });
    it('shows each supervisor\'s share of the accounts and the members it sees, or - when it reports none', () => {
      const a = summarizeSupervisor(snapshotA(NOW), NOW).ownership;
      assert.equal(describeCapacity(a), '4 of 6');
      assert.equal(describeOwned(a), '5 accounts of 4 users, 3 running');
      assert.equal(describeMembers(a), 'sup-a, sup-b');
      const one = { capacity: 2, owned: { users: 1, accounts: 1 }, running: { users: 0, accounts: 0 }, members: [{ supervisorId: 'solo', capacity: 2 }] };
      assert.equal(describeOwned(one), '1 account of 1 user, 0 running');
      assert.equal(describeCapacity(one), '2 of 2');
      const b = summarizeSupervisor(snapshotB(NOW), NOW).ownership;
      assert.equal(b, null, 'an older supervisor, or one that shares none');
      assert.deepEqual([describeCapacity(b), describeOwned(b), describeMembers(b)], ['-', '-', '-']);
    });
    it('renders one line per supervisor', () => {
      const text = formatStatus(snapshots.map((s) => summarizeSupervisor(s, NOW)), NOW);
      const lines = text.split('\n');
      assert.equal(lines.length, 3);
      assert.match(lines[0]!, /^SUPERVISOR\s+HOST\s+PID\s+AGE/);
      assert.match(lines[1]!, /^sup-a\s+node-1\s+4242\s+0ms\s+3h\s+13%\s+2\s+5\s+2 running, 1 idle, 2 paused\s+2 elite, 1 pro, 2 free\s+71% of 16 GiB.*2 stalls, last 5\.2s, 3m ago\s+4 of 6\s+5 accounts of 4 users, 3 running\s+sup-a, sup-b$/);
      assert.match(lines[2]!, /^sup-b\s+node-2\s+777\s+.*1 \(1 draining\)\s+2\s+1 queued, 1 running\s+1 pro, 1 free\s+90% .*\[ABOVE HIGH\]\s+-\s+-\s+-\s+-$/);
      assert.equal(formatStatus([]), '(no supervisors)');
    });
  });

  describe('workers', () => {
    it('lists workers of every supervisor, or of one', () => {
      assert.deepEqual(listWorkers(snapshots).map((w) => `${w.supervisorId}/${w.workerId}`), ['sup-a/w-a1', 'sup-a/w-a2', 'sup-b/w-b1']);
      assert.deepEqual(listWorkers(snapshots, { supervisorId: 'sup-b' }).map((w) => w.workerId), ['w-b1']);
    });
    it('describes memory, threads and restarts', () => {
      const [a1, a2, b1] = listWorkers(snapshots);
      assert.equal(describeRss(a1!), '412 MiB / 1.0 GiB (40%)');
      assert.equal(describeThreads(a1!), '#0 120 MiB, #1 98 MiB');
      assert.equal(describeThreads(b1!), '-');
      assert.equal(describeRestarts(a1!), '0');
      assert.equal(describeRestarts(a2!), '1 (+2 thread)');
    });
    it('renders a table', () => {
      const lines = formatWorkers(listWorkers(snapshots)).split('\n');
      assert.match(lines[0]!, /^SUPERVISOR\s+WORKER\s+PID\s+STATE\s+SESSIONS\s+CPU\s+RSS \/ RAM CAP\s+THREADS \(HEAP\)\s+RESTARTS$/);
      assert.match(lines[1]!, /^sup-a\s+w-a1\s+5001\s+running\s+3\/50\s+37%\s+412 MiB/);
      assert.match(lines[3]!, /^sup-b\s+w-b1\s+6001\s+draining\s+1\/50\s+-\s+412 MiB \/ 1\.0 GiB \(40%\)\s+-\s+0$/);
      assert.equal(formatWorkers([]), '(no workers)');
    });
  });

  describe('sessions', () => {
    it('lists every state the type has', () => {
      assert.equal(new Set(SESSION_STATES).size, 9);
    });
    it('filters by user, state, tier, worker and supervisor, combined', () => {
      assert.equal(listSessions(snapshots).length, 7);
      assert.deepEqual(ids(listSessions(snapshots, { userId: 'alice' })), ['dc-alice', 'tg-alice']);
      assert.deepEqual(ids(listSessions(snapshots, { state: 'paused' })), ['lb-dave', 'tg-bob']);
      assert.deepEqual(ids(listSessions(snapshots, { tier: 'free' })), ['lb-dave', 'tg-carol', 'tg-frank']);
      assert.deepEqual(ids(listSessions(snapshots, { workerId: 'w-a2' })), ['lb-dave', 'tg-carol']);
      assert.deepEqual(ids(listSessions(snapshots, { supervisorId: 'sup-b' })), ['dc-erin', 'tg-frank']);
      assert.deepEqual(ids(listSessions(snapshots, { tier: 'free', state: 'running' })), ['tg-carol']);
      assert.deepEqual(listSessions(snapshots, { userId: 'nobody' }), []);
    });
    it('says why a session is paused or queued, and where it runs', () => {
      const byId = new Map(listSessions(snapshots).map((s) => [s.actorId, s]));
      assert.equal(describeSessionState(byId.get('tg-bob')!), 'paused (pressure)');
      assert.equal(describeSessionState(byId.get('lb-dave')!), 'paused (admin)');
      assert.equal(describeSessionState(byId.get('tg-frank')!), 'queued (every worker full)');
      assert.equal(describeSessionState(byId.get('tg-alice')!), 'running');
      assert.equal(describePlacement(byId.get('tg-alice')!), 'w-a1/0');
      assert.equal(describePlacement(byId.get('tg-frank')!), '-');
      assert.equal(describePlacement({ workerId: 'w', threadIndex: null }), 'w');
    });
    it('renders a table with relative activity', () => {
      const text = formatSessions(listSessions(snapshots, { supervisorId: 'sup-b' }), NOW);
      const lines = text.split('\n');
      assert.match(lines[0]!, /^SUPERVISOR\s+SESSION\s+USER\s+TIER\s+PLATFORM\s+WORKER\/THREAD\s+STATE\s+MEMORY\s+LAST ACTIVITY$/);
      assert.match(lines[1]!, /^sup-b\s+dc-erin\s+erin\s+pro\s+discord\s+w-b1\/0\s+running\s+12 MiB\s+never$/);
      assert.match(lines[2]!, /^sup-b\s+tg-frank\s+frank\s+free\s+telegram\s+-\s+queued \(every worker full\)\s+12 MiB\s+3\.0s ago$/);
      assert.equal(formatSessions([], NOW), '(no sessions)');
    });
  });

  describe('top frame', () => {
    it('shows supervisors, workers and the largest sessions first', () => {
      const frame = formatTopFrame(snapshots, NOW, { intervalMs: 500, sessionLimit: 2 });
      assert.ok(frame.startsWith(`${TOP_HEADER}  ${new Date(NOW).toISOString()}  every 500 ms`));
      assert.match(frame, /Sessions by memory \(2 of 7; ids shortened, commands take them as shown\):/);
      assert.match(frame, /Forwarding queue:\n.*SUPERVISOR\s+TIER\s+QUEUED/);
      const sessionLines = frame.split('Sessions by memory')[1]!.split('\n').slice(2);
      assert.match(sessionLines[0]!, /tg-alice\s.*40 MiB/);
      assert.equal(sessionLines.length, 2);
    });
    it('keeps a frame when no supervisor runs', () => {
      assert.match(formatTopFrame([], NOW, { intervalMs: 1000 }), /No supervisor is running\./);
    });
  });

  describe('command results', () => {
    it('names the command and the supervisor', () => {
      assert.equal(describeCommand({ command: 'reassign', sessionId: 's1', toWorkerId: 'w2' }), 'reassign session "s1" to worker "w2"');
      assert.equal(formatCommandDone('sup-a', { command: 'stop', sessionId: 's1' }, null), 'supervisor sup-a: stop session "s1": done');
      assert.equal(formatCommandDone('sup-a', { command: 'drain', workerId: 'w1' }, { moved: 3 }), 'supervisor sup-a: drain worker "w1": done {"moved":3}');
      assert.equal(
        formatCommandRefused('sup-b', { command: 'pause', sessionId: 's1' }, { code: 'not_running', message: 'session is stopped' }),
        'supervisor sup-b refused to pause session "s1": session is stopped [not_running]',
      );
    });
  });
});

describe('queue view', () => {
  it('lists each supervisor with a queue per tier, Elite first, and leaves out those without', () => {
    const now = Date.now();
    const snapshots = [snapshotA(now), snapshotB(now)];
    const rows = listQueues(snapshots);
    assert.deepEqual(rows.map((r) => `${r.supervisorId}/${r.tier}`), ['sup-a/elite', 'sup-a/pro', 'sup-a/free']);
    assert.deepEqual(rows[2], { supervisorId: 'sup-a', tier: 'free', queued: 230, inFlight: 4, waitP50Ms: 450, waitP99Ms: 2_900, dispatched: 9_800, deadLettered: 3 });
    const text = formatQueues(rows, summarizeQueues(snapshots));
    assert.match(text, /^SUPERVISOR +TIER +QUEUED/);
    assert.match(text, /sup-a: delayed load 40, plan_rate 310, flood_wait 2, pair_delay 55, retry_backoff 12; rejected backlog_full 7/);
    assert.equal(formatQueues([], []), 'No running supervisor has a forwarding queue.');
  });
});
