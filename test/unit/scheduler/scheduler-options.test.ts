import assert from 'node:assert/strict';
import { InvalidOptionError } from '../../../src/errors/registry.ts';
import { PriorityScheduler } from '../../../src/scheduler/core/priority-scheduler.ts';
import type { SchedulerOptions } from '../../../src/scheduler/core/scheduler-options.ts';
import { resolveSchedulerOptions } from '../../../src/scheduler/core/scheduler-options.ts';

const cases: [string, SchedulerOptions, string, string][] = [
  ['maxAttempts', { maxAttempts: 0 }, 'maxAttempts', 'maxAttempts must be a positive integer'],
  ['backoffBaseMs', { backoffBaseMs: -1 }, 'backoffBaseMs', 'backoffBaseMs must be a non-negative finite number'],
  ['backoffMaxMs', { backoffBaseMs: 5_000, backoffMaxMs: 4_000 }, 'backoffMaxMs', 'backoffMaxMs must be a finite number not less than backoffBaseMs'],
  ['backoffFactor', { backoffFactor: 0.5 }, 'backoffFactor', 'backoffFactor must be a finite number of at least 1'],
  ['backoffJitter', { backoffJitter: 1.5 }, 'backoffJitter', 'backoffJitter must be a number from 0 to 1'],
  ['random', { random: 0.4 as never }, 'random', 'random must be a function'],
  ['agingMs shape', { agingMs: [] as never }, 'agingMs', 'agingMs must be an object keyed by tier'],
  ['agingMs tier', { agingMs: { gold: 1 } as never }, 'agingMs', 'agingMs has an unknown tier "gold"'],
  ['agingMs value', { agingMs: { free: 0 } }, 'agingMs', 'agingMs.free must be a positive finite number'],
  ['agingMs top tier', { agingMs: { elite: 1_000 } }, 'agingMs', 'agingMs.elite has no effect: elite is the top tier'],
  ['maxQueuedPerTier shape', { maxQueuedPerTier: null as never }, 'maxQueuedPerTier', 'maxQueuedPerTier must be an object keyed by tier'],
  ['maxQueuedPerTier tier', { maxQueuedPerTier: { basic: 1 } as never }, 'maxQueuedPerTier', 'maxQueuedPerTier has an unknown tier "basic"'],
  ['maxQueuedPerTier value', { maxQueuedPerTier: { pro: 1.5 } }, 'maxQueuedPerTier', 'maxQueuedPerTier.pro must be a positive integer'],
  ['backlogFor', { backlogFor: 10 as never }, 'backlogFor', 'backlogFor must be a function'],
  ['rateFor', { rateFor: {} as never }, 'rateFor', 'rateFor must be a function'],
  ['rateBurstMs', { rateBurstMs: 0 }, 'rateBurstMs', 'rateBurstMs must be a positive finite number'],
  ['accountMinIntervalMs', { accountMinIntervalMs: NaN }, 'accountMinIntervalMs', 'accountMinIntervalMs must be a non-negative finite number'],
  ['accountMinIntervalByKind shape', { accountMinIntervalByKind: 'fast' as never }, 'accountMinIntervalByKind', 'accountMinIntervalByKind must be an object keyed by account kind'],
  ['accountMinIntervalByKind value', { accountMinIntervalByKind: { telegram: -5 } }, 'accountMinIntervalByKind', 'accountMinIntervalByKind.telegram must be a non-negative finite number'],
  ['accountKindOf', { accountKindOf: 'telegram' as never }, 'accountKindOf', 'accountKindOf must be a function'],
  ['maxInFlightPerAccount', { maxInFlightPerAccount: 0 }, 'maxInFlightPerAccount', 'maxInFlightPerAccount must be a positive integer or Infinity'],
  ['maxInFlightPerWorker', { maxInFlightPerWorker: 2.5 }, 'maxInFlightPerWorker', 'maxInFlightPerWorker must be a positive integer or Infinity'],
  ['reservedWorkerSlots shape', { reservedWorkerSlots: 2 as never }, 'reservedWorkerSlots', 'reservedWorkerSlots must be an object keyed by elite or pro'],
  ['reservedWorkerSlots tier', { reservedWorkerSlots: { free: 1 } as never }, 'reservedWorkerSlots', 'reservedWorkerSlots.free is not a tier that can hold slots (elite, pro)'],
  ['reservedWorkerSlots value', { reservedWorkerSlots: { elite: -1 } }, 'reservedWorkerSlots', 'reservedWorkerSlots.elite must be a non-negative integer'],
  ['reservedWorkerSlots total', { maxInFlightPerWorker: 4, reservedWorkerSlots: { elite: 2, pro: 2 } }, 'reservedWorkerSlots', 'reservedWorkerSlots must leave Free at least one of maxInFlightPerWorker'],
  ['workerOf', { workerOf: 'w1' as never }, 'workerOf', 'workerOf must be a function'],
  ['sendsHere', { sendsHere: true as never }, 'sendsHere', 'sendsHere must be a function'],
  ['waitSampleSize', { waitSampleSize: 0 }, 'waitSampleSize', 'waitSampleSize must be a positive integer'],
  ['onEvent', { onEvent: true as never }, 'onEvent', 'onEvent must be a function'],
];

describe('scheduler core: options', () => {
  it('fills in documented defaults', () => {
    const o = resolveSchedulerOptions();
    assert.equal(o.maxAttempts, 5);
    assert.equal(o.backoffBaseMs, 1_000);
    assert.equal(o.backoffMaxMs, 300_000);
    assert.equal(o.backoffFactor, 2);
    assert.equal(o.backoffJitter, 0.2);
    assert.deepEqual(o.agingMs, {});
    assert.deepEqual(o.maxQueuedPerTier, {});
    assert.equal(o.backlogFor('u', 'pro'), 5_000);
    assert.equal(o.rateFor('u', 'elite'), 600);
    assert.equal(o.rateBurstMs, 60_000);
    assert.equal(o.accountMinIntervalMs, 0);
    assert.equal(o.accountKindOf('x'), 'default');
    assert.equal(o.maxInFlightPerAccount, 4);
    assert.equal(o.maxInFlightPerWorker, 1_000);
    assert.equal(o.workerOf('x'), 'main');
    assert.equal(o.sendsHere('x'), true);
    assert.equal(o.waitSampleSize, 1_024);
    assert.equal(o.onEvent, null);
  });

  for (const [name, options, option, message] of cases) {
    it(`rejects a bad ${name}: "${message}"`, () => {
      assert.throws(() => new PriorityScheduler(options), (err) => {
        assert.ok(err instanceof InvalidOptionError);
        assert.equal(err.code, 'invalid_option');
        assert.deepEqual(err.details, { option, message });
        assert.equal(err.message, message);
        return true;
      });
    });
  }
});
