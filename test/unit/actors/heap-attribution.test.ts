import assert from 'node:assert/strict';
import { InvalidMeasurementError } from '../../../src/errors/registry.ts';
import {
  attributeHeap, attributionErrorPct, totalAttributionErrorPct, type ActorHeapReport,
} from '../../../actors/heap-attribution.ts';

const r = (actorId: string, trackedBytes: number, baseBytes = 0): ActorHeapReport => ({ actorId, trackedBytes, baseBytes });
const sum = (m: Map<string, number>): number => [...m.values()].reduce((s, v) => s + v, 0);

describe('heap attribution', () => {
  const cases: Array<[string, number, ActorHeapReport[], Record<string, number>]> = [
    ['proportional to reports (positive overhead)', 800, [r('a', 100), r('b', 300)], { a: 200, b: 600 }],
    ['tracked and base bytes both count', 1000, [r('a', 100, 100), r('b', 300, 0)], { a: 400, b: 600 }],
    ['reports exactly the total: no overhead', 400, [r('a', 100), r('b', 300)], { a: 100, b: 300 }],
    ['negative overhead scales every share down', 300, [r('a', 200), r('b', 400)], { a: 100, b: 200 }],
    ['all zero reports: even split, leftover bytes to the first', 10, [r('a', 0), r('b', 0), r('c', 0)], { a: 4, b: 3, c: 3 }],
    ['leftover bytes go to the largest remainders', 10, [r('a', 1), r('b', 2)], { a: 3, b: 7 }], // 3.33 / 6.67
    ['a zero reporter beside others gets nothing', 90, [r('a', 0), r('b', 5)], { a: 0, b: 90 }],
    ['zero total', 0, [r('a', 5), r('b', 7)], { a: 0, b: 0 }],
    ['one actor takes it all', 12345, [r('a', 1)], { a: 12345 }],
  ];
  for (const [name, total, actors, expected] of cases) {
    it(name, () => {
      const shares = attributeHeap(total, actors);
      assert.deepEqual(Object.fromEntries(shares), expected);
      assert.equal(sum(shares), total);
    });
  }

  it('no actors: nothing attributed', () => {
    assert.equal(attributeHeap(500, []).size, 0);
  });

  it('adds up exactly to the total for awkward and large figures', () => {
    // Deterministic LCG so a failure reproduces.
    let seed = 42;
    const next = (max: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % max;
    for (let round = 0; round < 200; round++) {
      const n = 1 + next(40);
      const actors = Array.from({ length: n }, (_, i) => r(`a${i}`, next(3) === 0 ? 0 : next(2 ** 30) * 7, next(5_000_000)));
      const total = round % 2 === 0 ? next(2 ** 31) * 13 : 8 * 1024 ** 3 + next(1000);
      const shares = attributeHeap(total, actors);
      assert.equal(sum(shares), total, `round ${round}`);
      assert.ok([...shares.values()].every((v) => Number.isSafeInteger(v) && v >= 0));
    }
  });

  const invalid: Array<[string, number, ActorHeapReport[], string, string]> = [
    ['negative total', -1, [], 'threadTotalBytes', 'threadTotalBytes must be a whole number of bytes greater than or equal to 0'],
    ['fractional total', 1.5, [], 'threadTotalBytes', 'threadTotalBytes must be a whole number of bytes greater than or equal to 0'],
    ['negative tracked bytes', 10, [r('a', -5)], 'actors[0].trackedBytes', 'actors[0].trackedBytes must be a whole number of bytes greater than or equal to 0'],
    ['NaN base bytes', 10, [r('a', 1), r('b', 1, NaN)], 'actors[1].baseBytes', 'actors[1].baseBytes must be a whole number of bytes greater than or equal to 0'],
    ['duplicate actor', 10, [r('a', 1), r('a', 2)], 'actors[1].actorId', 'actors[1].actorId "a" appears more than once'],
  ];
  for (const [name, total, actors, field, message] of invalid) {
    it(`rejects ${name}`, () => {
      assert.throws(() => attributeHeap(total, actors), (err: unknown) => {
        assert.ok(err instanceof InvalidMeasurementError);
        assert.equal(err.code, 'invalid_measurement');
        assert.deepEqual(err.details, { field, message });
        return true;
      });
    });
  }
});

describe('attribution error', () => {
  const cases: Array<[number, number, number]> = [
    [100, 100, 0], [100, 110, 10], [100, 75, 25], [0, 0, 0], [0, 5, Infinity],
  ];
  for (const [actual, attributed, pct] of cases) {
    it(`actual ${actual}, attributed ${attributed}: ${pct}%`, () => assert.equal(attributionErrorPct(actual, attributed), pct));
  }

  it('totals absolute errors over total actual bytes, counting missing actors as 0', () => {
    const actual = new Map([['a', 100], ['b', 300]]);
    const attributed = new Map([['a', 120], ['c', 20]]);
    // |120-100| + |0-300| + |20-0| = 340 over 400
    assert.equal(totalAttributionErrorPct(actual, attributed), 85);
    assert.equal(totalAttributionErrorPct(new Map(), new Map()), 0);
  });
});
