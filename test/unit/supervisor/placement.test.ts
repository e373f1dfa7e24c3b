import assert from 'node:assert/strict';
import { InvalidMeasurementError, InvalidOptionError } from '../../../src/errors/registry.ts';
import {
  planDrain, PlacementPolicy,
  type ClusterState, type PlacementDecision, type PlacementOptions, type PlacementRequest, type WorkerLoad,
} from '../../../supervisor/policy/placement.ts';

const MB = 1024 * 1024;

function worker(workerId: string, over: Partial<WorkerLoad> = {}): WorkerLoad {
  return { workerId, sessionLimit: 10, ramCapBytes: 1000 * MB, sessions: 0, memoryBytes: 0, draining: false, ...over };
}

const policy = new PlacementPolicy({ maxWorkers: 4 });

function place(request: Partial<PlacementRequest>, workers: WorkerLoad[], hostHasHeadroom = true, p = policy): PlacementDecision {
  const cluster: ClusterState = { workers, hostHasHeadroom };
  return p.place({ userId: 'u1', expectedBytes: 10 * MB, ...request }, cluster);
}

describe('placement', () => {
  const cases: Array<[string, Partial<PlacementRequest>, WorkerLoad[], PlacementDecision]> = [
    ['same user: stays on its worker even if another is emptier',
      { currentGroup: { workerId: 'w2', sessions: 3, memoryBytes: 60 * MB } },
      [worker('w1'), worker('w2', { sessions: 8, memoryBytes: 500 * MB })],
      { kind: 'place', workerId: 'w2', basis: 'same-user' }],
    ['new user: least loaded by sessions',
      {}, [worker('w1', { sessions: 5 }), worker('w2', { sessions: 2 }), worker('w3', { sessions: 7 })],
      { kind: 'place', workerId: 'w2', basis: 'least-loaded' }],
    ['new user: the fuller budget decides the score (memory here)',
      {}, [worker('w1', { sessions: 5, memoryBytes: 100 * MB }), worker('w2', { sessions: 2, memoryBytes: 800 * MB })],
      { kind: 'place', workerId: 'w1', basis: 'least-loaded' }],
    ['new user: equal scores go to fewer sessions, then the smaller id',
      {}, [worker('w3', { sessions: 5 }), worker('w2', { memoryBytes: 500 * MB }), worker('w1', { memoryBytes: 500 * MB })],
      { kind: 'place', workerId: 'w1', basis: 'least-loaded' }],
    ['a worker without RAM for the actor has no room',
      { expectedBytes: 50 * MB }, [worker('w1', { memoryBytes: 960 * MB }), worker('w2', { sessions: 9 })],
      { kind: 'place', workerId: 'w2', basis: 'least-loaded' }],
    ['draining workers take nothing',
      {}, [worker('w1', { draining: true }), worker('w2', { sessions: 9 })],
      { kind: 'place', workerId: 'w2', basis: 'least-loaded' }],
    ['same user, worker full: the whole group moves where all of it fits',
      { currentGroup: { workerId: 'w1', sessions: 4, memoryBytes: 40 * MB } },
      [worker('w1', { sessions: 10 }), worker('w2', { sessions: 6 }), worker('w3', { sessions: 5 })],
      { kind: 'move-group', userId: 'u1', fromWorkerId: 'w1', toWorkerId: 'w3' }],
    ['same user, worker draining: the group moves',
      { currentGroup: { workerId: 'w1', sessions: 1, memoryBytes: 10 * MB } },
      [worker('w1', { draining: true }), worker('w2')],
      { kind: 'move-group', userId: 'u1', fromWorkerId: 'w1', toWorkerId: 'w2' }],
    ['same user, worker full, no worker fits the group: spawn',
      { currentGroup: { workerId: 'w1', sessions: 4, memoryBytes: 40 * MB } },
      [worker('w1', { sessions: 10 }), worker('w2', { sessions: 6 })],
      { kind: 'spawn-worker' }],
    ['same user whose worker is gone: placed like a new user',
      { currentGroup: { workerId: 'gone', sessions: 2, memoryBytes: 20 * MB } },
      [worker('w1', { sessions: 3 }), worker('w2', { sessions: 1 })],
      { kind: 'place', workerId: 'w2', basis: 'least-loaded' }],
    ['all full, below maxWorkers, host has headroom: spawn',
      {}, [worker('w1', { sessions: 10 }), worker('w2', { memoryBytes: 995 * MB })],
      { kind: 'spawn-worker' }],
    ['no workers yet: spawn',
      {}, [], { kind: 'spawn-worker' }],
    ['all full, maxWorkers reached (draining ones count): queue',
      {}, [worker('w1', { sessions: 10 }), worker('w2', { sessions: 10 }), worker('w3', { sessions: 10 }), worker('w4', { draining: true })],
      { kind: 'queue', reason: 'scale-out requested', cause: 'max-workers' }],
  ];
  for (const [name, request, workers, expected] of cases) {
    it(name, () => assert.deepEqual(place(request, workers), expected));
  }

  it('all full and the host has no headroom: queue', () => {
    assert.deepEqual(place({}, [worker('w1', { sessions: 10 })], false),
      { kind: 'queue', reason: 'scale-out requested', cause: 'no-host-headroom' });
  });

  it('rejects a negative expected cost', () => {
    assert.throws(() => place({ expectedBytes: -1 }, [worker('w1')]), InvalidMeasurementError);
  });

  describe('options', () => {
    it('keeps maxWorkers', () => assert.equal(policy.options.maxWorkers, 4));

    const cases: Array<[string, unknown, string, string]> = [
      ['options missing', undefined, 'options.maxWorkers', 'options.maxWorkers must be a positive integer'],
      ['options not an object', 3, 'options', 'options must be an object'],
      ['maxWorkers zero', { maxWorkers: 0 }, 'options.maxWorkers', 'options.maxWorkers must be a positive integer'],
      ['maxWorkers fractional', { maxWorkers: 2.5 }, 'options.maxWorkers', 'options.maxWorkers must be a positive integer'],
    ];
    for (const [name, options, option, message] of cases) {
      it(`rejects ${name}`, () => {
        assert.throws(() => new PlacementPolicy(options as PlacementOptions), (err: unknown) => {
          assert.ok(err instanceof InvalidOptionError);
          assert.deepEqual(err.details, { option, message });
          assert.equal(err.message, message);
          return true;
        });
      });
    }
  });
});

describe('planDrain', () => {
  const draining = {
    ...worker('w0', { draining: true, sessions: 7, memoryBytes: 600 * MB }),
    groups: [
      { userId: 'small', sessions: 1, memoryBytes: 50 * MB },
      { userId: 'big', sessions: 4, memoryBytes: 400 * MB },
      { userId: 'mid', sessions: 2, memoryBytes: 150 * MB },
    ],
  };

  it('moves whole groups, largest first, each onto the least loaded worker with room', () => {
    const plan = planDrain(draining, [
      draining,
      worker('w1', { sessions: 4, memoryBytes: 300 * MB }),
      worker('w2', { sessions: 2, memoryBytes: 200 * MB }),
      worker('w3', { draining: true }),
    ]);
    // big -> w2 (score 0.2 against w1's 0.4), which takes w2 to 0.6; mid -> w1 (0.4),
    // which takes w1 to 0.6 too; small: a tie at 0.6 and 6 sessions, so the smaller id, w1.
    assert.deepEqual(plan.moves.map((m) => [m.userId, m.toWorkerId]), [['big', 'w2'], ['mid', 'w1'], ['small', 'w1']]);
    assert.ok(plan.moves.every((m) => m.fromWorkerId === 'w0'));
    assert.deepEqual(plan.unplaced, []);
  });

  it('counts earlier moves against a target and reports what fits nowhere', () => {
    const plan = planDrain(draining, [worker('w1', { sessions: 5 })]);
    assert.deepEqual(plan.moves.map((m) => [m.userId, m.toWorkerId]), [['big', 'w1'], ['small', 'w1']]);
    assert.deepEqual(plan.unplaced, [{ userId: 'mid', sessions: 2, memoryBytes: 150 * MB, reason: 'no worker has room for the whole group' }]);
  });

  it('does not change the workers it is given', () => {
    const w1 = worker('w1');
    planDrain(draining, [w1]);
    assert.deepEqual(w1, worker('w1'));
  });

  it('reports every group when no other worker exists', () => {
    assert.equal(planDrain(draining, [draining]).unplaced.length, 3);
  });
});
