import assert from 'node:assert/strict';
import { InvalidMeasurementError, InvalidOptionError } from '../../../src/errors/registry.ts';
import { PressureController } from '../../../supervisor/policy/pressure-controller.ts';
import {
  decidePressureActions, memoryTotals, PRESSURE_DEFAULTS, resolvePressureOptions,
  type ActorMemory, type PressureAction, type PressureOptions, type PressureSnapshot,
} from '../../../supervisor/policy/pressure-policy.ts';

// Host of 1000 bytes: watermarks 0.85 / 0.70 are 850 / 700 bytes used.
const TOTAL = 1000;
const NOW = 1_000_000;

function actor(actorId: string, over: Partial<ActorMemory> = {}): ActorMemory {
  return { actorId, userId: `u-${actorId}`, workerId: 'w1', tier: 'free', state: 'running', memoryBytes: 10, lastActivityAt: NOW, ...over };
}

function snapshot(usedBytes: number, actors: ActorMemory[]): PressureSnapshot {
  return { host: { totalBytes: TOTAL, availableBytes: TOTAL - usedBytes }, workers: [{ workerId: 'w1', memoryBytes: 400 }], actors };
}

function decide(usedBytes: number, actors: ActorMemory[], options: PressureOptions = {}, now = NOW): PressureAction[] {
  return decidePressureActions(snapshot(usedBytes, actors), now, resolvePressureOptions(options));
}

const ids = (actions: PressureAction[], kind?: PressureAction['kind']): string[] =>
  actions.filter((a) => kind === undefined || a.kind === kind).map((a) => a.actorId);

describe('pressure policy', () => {
  describe('watermark bands', () => {
    const mixed = [
      actor('f1', { memoryBytes: 100 }),
      actor('p1', { tier: 'pro', memoryBytes: 100 }),
      actor('z1', { state: 'paused', memoryBytes: 5 }),
    ];
    const cases: Array<[string, number, string[]]> = [
      ['below low: only resumes', 500, ['resume:z1']],
      ['just below low', 699, []], // 699 + 5 is not below 700
      ['at low: nothing', 700, []],
      ['between watermarks: nothing', 800, []],
      ['at high: nothing', 850, []],
      ['above high: pauses', 900, ['pause:f1']],
    ];
    for (const [name, used, expected] of cases) {
      it(name, () => {
        assert.deepEqual(decide(used, mixed).map((a) => `${a.kind}:${a.actorId}`), expected);
      });
    }

    it('does nothing below low when nothing is paused', () => {
      assert.deepEqual(decide(100, [actor('f1'), actor('p1', { tier: 'pro' })]), []);
    });
  });

  describe('pausing above the high watermark', () => {
    const cases: Array<[string, number, ActorMemory[], PressureOptions, string[]]> = [
      ['free first, largest first, then least recently active', 900, [
        actor('p-big', { tier: 'pro', memoryBytes: 500 }),
        actor('f-small', { memoryBytes: 10 }),
        actor('f-recent', { memoryBytes: 30, lastActivityAt: NOW - 10 }),
        actor('f-old', { memoryBytes: 30, lastActivityAt: NOW - 20 }),
      ], {}, ['f-old', 'f-recent']],
      ['exactly enough: stops once projected use is at the watermark', 900, [
        actor('f1', { memoryBytes: 50 }), actor('f2', { memoryBytes: 40 }),
      ], {}, ['f1']],
      ['one byte short: takes the next one too', 901, [
        actor('f1', { memoryBytes: 50 }), actor('f2', { memoryBytes: 40 }),
      ], {}, ['f1', 'f2']],
      ['not enough free: Pro next, largest first', 930, [
        actor('f1', { memoryBytes: 40 }),
        actor('p-small', { tier: 'pro', memoryBytes: 20 }),
        actor('p-big', { tier: 'pro', memoryBytes: 50 }),
      ], {}, ['f1', 'p-big']],
      ['all Free then all Pro when even that is not enough; Elite never', 990, [
        actor('e1', { tier: 'elite', memoryBytes: 500 }),
        actor('p1', { tier: 'pro', memoryBytes: 10 }),
        actor('f1', { memoryBytes: 10 }),
      ], {}, ['f1', 'p1']],
      ['Elite last with pauseElite', 990, [
        actor('e1', { tier: 'elite', memoryBytes: 500 }),
        actor('p1', { tier: 'pro', memoryBytes: 10 }),
        actor('f1', { memoryBytes: 10 }),
      ], { pauseElite: true }, ['f1', 'p1', 'e1']],
      ['idle actors are paused too; starting, paused and stopped ones are not', 990, [
        actor('idle', { state: 'idle', memoryBytes: 1 }),
        actor('starting', { state: 'starting', memoryBytes: 100 }),
        actor('paused', { state: 'paused', memoryBytes: 100 }),
        actor('stopped', { state: 'stopped', memoryBytes: 100 }),
      ], {}, ['idle']],
    ];
    for (const [name, used, actors, options, expected] of cases) {
      it(name, () => {
        const actions = decide(used, actors, options);
        assert.deepEqual(ids(actions), expected);
        assert.ok(actions.every((a) => a.kind === 'pause' && a.reason === 'above_high_watermark'));
      });
    }
  });

  describe('resuming below the low watermark', () => {
    it('resumes Elite, then Pro, then Free; most recently active first within a tier', () => {
      const actors = [
        actor('f1', { state: 'paused', memoryBytes: 1, lastActivityAt: NOW }),
        actor('p-old', { tier: 'pro', state: 'paused', memoryBytes: 1, lastActivityAt: NOW - 100 }),
        actor('p-new', { tier: 'pro', state: 'paused', memoryBytes: 1, lastActivityAt: NOW - 1 }),
        actor('e1', { tier: 'elite', state: 'paused', memoryBytes: 1, lastActivityAt: NOW - 500 }),
      ];
      const actions = decide(100, actors);
      assert.deepEqual(ids(actions), ['e1', 'p-new', 'p-old', 'f1']);
      assert.ok(actions.every((a) => a.kind === 'resume' && a.reason === 'below_low_watermark'));
    });

    it('breaks activity ties by the smaller actor first', () => {
      const actors = [
        actor('big', { state: 'paused', memoryBytes: 9 }),
        actor('small', { state: 'paused', memoryBytes: 3 }),
      ];
      assert.deepEqual(ids(decide(100, actors)), ['small', 'big']);
    });

    it('resumes only what keeps projected use below the low watermark, skipping what does not fit', () => {
      const actors = [
        actor('e1', { tier: 'elite', state: 'paused', memoryBytes: 100 }),
        actor('p1', { tier: 'pro', state: 'paused', memoryBytes: 50, lastActivityAt: NOW - 1 }),
        actor('p2', { tier: 'pro', state: 'paused', memoryBytes: 50, lastActivityAt: NOW - 2 }),
        actor('f1', { state: 'paused', memoryBytes: 30 }),
      ];
      // 500 + 100 + 50 = 650; p2 would reach 700 (not below); f1 reaches 680.
      assert.deepEqual(ids(decide(500, actors)), ['e1', 'p1', 'f1']);
    });

    it('never resumes into the hysteresis band, let alone over the high watermark', () => {
      const actors = Array.from({ length: 50 }, (_, i) => actor(`a${i}`, { state: 'paused', memoryBytes: 20 }));
      const resumed = decide(400, actors).length;
      assert.equal(resumed, 14); // 400 + 14 * 20 = 680 < 700; a 15th would make 700
    });
  });

  describe('idling', () => {
    const idle = PRESSURE_DEFAULTS.idleAfterMs;
    const cases: Array<[string, number, ActorMemory[], string[]]> = [
      ['inactive for idleAfterMs goes idle', 500, [actor('a', { lastActivityAt: NOW - idle })], ['idle:a']],
      ['one ms short stays running', 500, [actor('a', { lastActivityAt: NOW - idle + 1 })], []],
      ['between watermarks too', 800, [actor('a', { lastActivityAt: 0 })], ['idle:a']],
      ['already idle, paused or starting: left alone', 500, [
        actor('i', { state: 'idle', lastActivityAt: 0 }),
        actor('s', { state: 'starting', lastActivityAt: 0 }),
      ], []],
      ['an actor paused this tick is not also idled', 900, [
        actor('a', { memoryBytes: 100, lastActivityAt: 0 }),
        actor('b', { memoryBytes: 1, lastActivityAt: 1 }),
      ], ['pause:a', 'idle:b']],
      ['least recently active first', 500, [actor('b', { lastActivityAt: 2 }), actor('a', { lastActivityAt: 1 })], ['idle:a', 'idle:b']],
    ];
    for (const [name, used, actors, expected] of cases) {
      it(name, () => {
        assert.deepEqual(decide(used, actors).map((a) => `${a.kind}:${a.actorId}`), expected);
      });
    }
  });

  it('cuts the actions to maxActionsPerTick, pauses before idles', () => {
    const actors = [
      actor('f1', { memoryBytes: 10, lastActivityAt: 0 }),
      actor('f2', { memoryBytes: 10, lastActivityAt: 0 }),
      actor('p1', { tier: 'pro', memoryBytes: 1, lastActivityAt: 0 }),
    ];
    const all = decide(990, actors, { pauseElite: false });
    assert.equal(all.length, 3);
    assert.deepEqual(decide(990, actors, { maxActionsPerTick: 2 }), all.slice(0, 2));
  });

  it('rejects impossible host figures', () => {
    const bad: PressureSnapshot = { host: { totalBytes: 100, availableBytes: 200 }, workers: [], actors: [] };
    assert.throws(() => decidePressureActions(bad, NOW, PRESSURE_DEFAULTS), InvalidMeasurementError);
    const zero: PressureSnapshot = { host: { totalBytes: 0, availableBytes: 0 }, workers: [], actors: [] };
    assert.throws(() => decidePressureActions(zero, NOW, PRESSURE_DEFAULTS), InvalidMeasurementError);
    assert.throws(() => decide(500, [actor('a', { memoryBytes: -1 })]), InvalidMeasurementError);
  });
});

describe('PressureController', () => {
  // The I/O layer would apply each action before the next measurement.
  function apply(actors: ActorMemory[], actions: PressureAction[]): ActorMemory[] {
    const next = new Map(actions.map((a) => [a.actorId, a.kind]));
    return actors.map((a) => {
      const kind = next.get(a.actorId);
      return kind === undefined ? a : { ...a, state: kind === 'pause' ? 'paused' : kind === 'resume' ? 'running' : 'idle' };
    });
  }

  it('holds a paused actor for minDwellMs before resuming it (virtual clock)', () => {
    const controller = new PressureController({ minDwellMs: 30_000 });
    let actors = [actor('f1', { memoryBytes: 100 })];
    const paused = controller.tick(snapshot(900, actors), 0);
    assert.deepEqual(ids(paused, 'pause'), ['f1']);
    assert.equal(controller.pausedAt('f1'), 0);
    actors = apply(actors, paused);

    assert.deepEqual(controller.tick(snapshot(100, actors), 29_999), [], 'memory fell at once, but the dwell holds');
    const resumed = controller.tick(snapshot(100, actors), 30_000);
    assert.deepEqual(ids(resumed, 'resume'), ['f1']);
    assert.equal(controller.pausedAt('f1'), undefined);
  });

  it('resumes an actor it has no record of (paused before a restart) at once', () => {
    const controller = new PressureController();
    assert.deepEqual(ids(controller.tick(snapshot(100, [actor('f1', { state: 'paused' })]), 0)), ['f1']);
  });

  it('uses the memory at pause time as the resume cost when the snapshot reports less', () => {
    const controller = new PressureController({ minDwellMs: 0 });
    let actors = [actor('f1', { memoryBytes: 300 })];
    actors = apply(actors, controller.tick(snapshot(900, actors), 0));
    actors = actors.map((a) => ({ ...a, memoryBytes: 0 })); // a paused actor measures nothing
    assert.deepEqual(controller.tick(snapshot(500, actors), 1), [], '500 + 300 is not below 700');
    assert.deepEqual(ids(controller.tick(snapshot(399, actors), 2)), ['f1']);
  });

  it('forgets actors that have left the snapshot', () => {
    const controller = new PressureController();
    controller.tick(snapshot(900, [actor('f1', { memoryBytes: 100 })]), 0);
    assert.equal(controller.pausedAt('f1'), 0);
    controller.tick(snapshot(800, []), 1);
    assert.equal(controller.pausedAt('f1'), undefined);
  });
});

describe('memoryTotals', () => {
  it('adds up per actor, user and worker, leaving out paused actors', () => {
    const s: PressureSnapshot = {
      host: { totalBytes: 1000, availableBytes: 250 },
      workers: [{ workerId: 'w1', memoryBytes: 300 }, { workerId: 'w2', memoryBytes: 200 }],
      actors: [
        actor('a1', { userId: 'u1', workerId: 'w1', memoryBytes: 50 }),
        actor('a2', { userId: 'u1', workerId: 'w1', memoryBytes: 70, state: 'idle' }),
        actor('a3', { userId: 'u2', workerId: 'w2', memoryBytes: 30 }),
        actor('a4', { userId: 'u2', workerId: 'w2', memoryBytes: 99, state: 'paused' }),
      ],
    };
    assert.deepEqual(memoryTotals(s), {
      host: { totalBytes: 1000, usedBytes: 750, usedFraction: 0.75 },
      byActor: { a1: 50, a2: 70, a3: 30 },
      byUser: { u1: 120, u2: 30 },
      byWorker: {
        w1: { measuredBytes: 300, actorBytes: 120, actors: 2 },
        w2: { measuredBytes: 200, actorBytes: 30, actors: 1 },
      },
    });
  });
});

describe('pressure options', () => {
  it('applies the documented defaults', () => {
    assert.deepEqual(resolvePressureOptions(), {
      highWatermark: 0.85, lowWatermark: 0.7, pauseElite: false,
      idleAfterMs: 600_000, minDwellMs: 30_000, maxActionsPerTick: Infinity,
    });
    assert.ok(Object.isFrozen(new PressureController().options));
  });

  const cases: Array<[string, unknown, string, string]> = [
    ['options not an object', 'x', 'options', 'options must be an object'],
    ['highWatermark above 1', { highWatermark: 1.5 }, 'options.highWatermark', 'options.highWatermark must be a number between 0 and 1'],
    ['highWatermark not a number', { highWatermark: '0.9' }, 'options.highWatermark', 'options.highWatermark must be a number between 0 and 1'],
    ['lowWatermark zero', { lowWatermark: 0 }, 'options.lowWatermark', 'options.lowWatermark must be a number between 0 and 1'],
    ['lowWatermark not below high', { highWatermark: 0.8, lowWatermark: 0.8 }, 'options.lowWatermark', 'options.lowWatermark must be less than options.highWatermark'],
    ['pauseElite not a boolean', { pauseElite: 1 }, 'options.pauseElite', 'options.pauseElite must be a boolean'],
    ['idleAfterMs zero', { idleAfterMs: 0 }, 'options.idleAfterMs', 'options.idleAfterMs must be a number greater than 0'],
    ['minDwellMs negative', { minDwellMs: -1 }, 'options.minDwellMs', 'options.minDwellMs must be a number greater than or equal to 0'],
    ['minDwellMs NaN', { minDwellMs: NaN }, 'options.minDwellMs', 'options.minDwellMs must be a number greater than or equal to 0'],
    ['maxActionsPerTick fractional', { maxActionsPerTick: 1.5 }, 'options.maxActionsPerTick', 'options.maxActionsPerTick must be a positive integer'],
    ['maxActionsPerTick zero', { maxActionsPerTick: 0 }, 'options.maxActionsPerTick', 'options.maxActionsPerTick must be a positive integer'],
  ];
  for (const [name, options, option, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(() => new PressureController(options as PressureOptions), (err: unknown) => {
        assert.ok(err instanceof InvalidOptionError);
        assert.equal(err.code, 'invalid_option');
        assert.deepEqual(err.details, { option, message });
        assert.equal(err.message, message);
        return true;
      });
    });
  }
});
