import assert from 'node:assert/strict';
import { SourceOrder } from '../../../supervisor/source-order.ts';

/** A promise settled from outside. */
function deferred(): { promise: Promise<void>; resolve(): void; reject(e: Error): void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SourceOrder', () => {
  it('moves a chat\'s cursor in message order, each once it and every earlier message are accepted', async () => {
    const order = new SourceOrder();
    const moved: number[] = [];
    const a = [deferred(), deferred(), deferred()];
    const done = a.map((d, i) => order.after('acct\nchat', d.promise, async () => { moved.push(i); }));
    a[2]!.resolve();
    a[1]!.resolve();
    await tick();
    assert.deepEqual(moved, [], 'nothing moves past the first message while it waits');
    a[0]!.resolve();
    await Promise.all(done);
    assert.deepEqual(moved, [0, 1, 2]);
    assert.equal(order.pending, 0, 'forgotten once everything is accepted');
  });

  it('never moves past a message that was not accepted', async () => {
    const order = new SourceOrder();
    const moved: number[] = [];
    const first = deferred();
    const firstMove = order.after('k', first.promise, async () => { moved.push(0); });
    const secondMove = order.after('k', Promise.resolve(), async () => { moved.push(1); });
    first.reject(new Error('engine stopped'));
    await assert.rejects(firstMove);
    await assert.rejects(secondMove);
    assert.deepEqual(moved, []);
  });

  it('keeps chats apart, and a failed move does not hold later ones back', async () => {
    const order = new SourceOrder();
    const moved: string[] = [];
    const slow = deferred();
    const other = order.after('a', slow.promise, async () => { moved.push('a0'); });
    await order.after('b', Promise.resolve(), async () => { moved.push('b0'); });
    assert.deepEqual(moved, ['b0'], 'chat b does not wait for chat a');
    slow.resolve();
    await other;
    await assert.rejects(order.after('c', Promise.resolve(), () => Promise.reject(new Error('HSET failed'))));
    await order.after('c', Promise.resolve(), async () => { moved.push('c1'); });
    assert.deepEqual(moved, ['b0', 'a0', 'c1']);
  });
});
