/**
 * Gathering album parts with a hand-driven clock: the quiet window, the
 * longest wait, a full album, a late part, two chats' albums interleaved,
 * a catch-up burst, and the chat moving on before the window closes.
 */
import assert from 'node:assert/strict';
import { AlbumCollector } from '../../../../actors/platform/telegram/album-collector.ts';

/** A clock with timers that fire only when the test moves time. */
class FakeClock {
  now = 0;
  #timers: { at: number; fire: () => void; live: boolean }[] = [];
  start = (ms: number, fire: () => void) => {
    const t = { at: this.now + ms, fire, live: true };
    this.#timers.push(t);
    return () => { t.live = false; };
  };

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const next = this.#timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      this.now = next.at;
      next.live = false;
      next.fire();
    }
    this.now = until;
  }
}

function collector(o: { quietMs?: number; maxWaitMs?: number; maxParts?: number } = {}) {
  const clock = new FakeClock();
  const out: string[][] = [];
  const c = new AlbumCollector<string>({ ...o, now: () => clock.now, startTimer: clock.start, emit: (parts) => out.push(parts) });
  return { c, clock, out };
}

describe('AlbumCollector', () => {
  it('sends an album once no part came for the quiet window', () => {
    const { c, clock, out } = collector({ quietMs: 600 });
    c.add('-1', 'g', 'a1');
    clock.advance(500);
    c.add('-1', 'g', 'a2');
    clock.advance(500);
    c.add('-1', 'g', 'a3');
    clock.advance(599);
    assert.deepEqual(out, []);
    assert.equal(c.held, 3);
    clock.advance(1);
    assert.deepEqual(out, [['a1', 'a2', 'a3']]);
    assert.equal(c.held, 0);
  });

  it('sends a lone message at once', () => {
    const { c, out } = collector();
    c.add('-1', undefined, 'm');
    assert.deepEqual(out, [['m']]);
  });

  it('holds an album no longer than the longest wait, however its parts trickle in', () => {
    const { c, clock, out } = collector({ quietMs: 600, maxWaitMs: 1_000 });
    c.add('-1', 'g', 'a1');
    clock.advance(500);
    c.add('-1', 'g', 'a2');
    clock.advance(499);
    c.add('-1', 'g', 'a3');
    clock.advance(1);
    assert.deepEqual(out, [['a1', 'a2', 'a3']]);
  });

  it('sends a full album at once', () => {
    const { c, out } = collector({ maxParts: 3 });
    for (const p of ['a1', 'a2', 'a3', 'a4']) c.add('-1', 'g', p);
    assert.deepEqual(out, [['a1', 'a2', 'a3']]);
    assert.equal(c.held, 1);
  });

  it('sends a part arriving after its album went on its own, never dropped', () => {
    const { c, clock, out } = collector({ quietMs: 600 });
    c.add('-1', 'g', 'a1');
    c.add('-1', 'g', 'a2');
    clock.advance(600);
    c.add('-1', 'g', 'a3');
    clock.advance(600);
    assert.deepEqual(out, [['a1', 'a2'], ['a3']]);
  });

  it('keeps two chats\' interleaved albums apart', () => {
    const { c, clock, out } = collector({ quietMs: 600 });
    c.add('-1', 'g1', 'a1');
    c.add('-2', 'g2', 'b1');
    c.add('-1', 'g1', 'a2');
    clock.advance(300);
    c.add('-2', 'g2', 'b2');
    clock.advance(300);
    assert.deepEqual(out, [['a1', 'a2']]);
    clock.advance(300);
    assert.deepEqual(out, [['a1', 'a2'], ['b1', 'b2']]);
  });

  it('sends a catch-up burst as its albums, each closed by what follows it', () => {
    const { c, clock, out } = collector();
    // A history page: a message, an album, another album, a message, all at once.
    c.add('-1', undefined, 'm1');
    c.add('-1', 'g1', 'a1');
    c.add('-1', 'g1', 'a2');
    c.add('-1', 'g2', 'b1');
    c.add('-1', 'g2', 'b2');
    c.add('-1', 'g2', 'b3');
    c.add('-1', undefined, 'm2');
    assert.deepEqual(out, [['m1'], ['a1', 'a2'], ['b1', 'b2', 'b3'], ['m2']]);
    c.add('-1', 'g3', 'c1');
    clock.advance(10_000);
    assert.deepEqual(out.at(-1), ['c1']);
    assert.equal(c.held, 0);
  });

  it('lets an edit or a delete of the chat go only after the album it holds', () => {
    const { c, out } = collector();
    c.add('-1', 'g', 'a1');
    c.add('-2', 'h', 'b1');
    c.before('-1', 'edit a1');
    assert.deepEqual(out, [['a1'], ['edit a1']]);
    c.flushAll();
    assert.deepEqual(out.at(-1), ['b1']);
  });
});
