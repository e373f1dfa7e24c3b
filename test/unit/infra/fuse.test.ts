import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Fuse } from '../../../src/infra/fuse.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether the answer a call settled with can be collected once the caller dropped it. */
async function answerCollected(call: (answer: Promise<object>) => Promise<object>): Promise<boolean> {
  let ref: WeakRef<object> | undefined;
  await (async () => {
    const answer = { bytes: Buffer.alloc(1024) };
    ref = new WeakRef(answer);
    await call(Promise.resolve(answer));
  })();
  await tick();
  gc();
  await tick();
  gc();
  return ref!.deref() === undefined;
}

describe('fuse', () => {
  it('passes a call\'s answer or error through while intact, and keeps nothing once it settled', async () => {
    const fuse = new Fuse();
    assert.equal(await fuse.guard(Promise.resolve(7)), 7);
    await assert.rejects(fuse.guard(Promise.reject(new Error('no'))), /no/);
    assert.equal(fuse.waiting, 0);
  });

  it('blowing fails the calls still waiting and every later one, with its error; a second blow changes nothing', async () => {
    const fuse = new Fuse();
    const waiting = fuse.guard(new Promise(() => {}));
    assert.equal(fuse.waiting, 1);
    const error = new Error('connection closed');
    fuse.blow(error);
    fuse.blow(new Error('other'));
    await assert.rejects(waiting, (e) => e === error);
    await assert.rejects(fuse.guard(Promise.resolve(1)), (e) => e === error);
    assert.equal(fuse.blown, error);
    assert.equal(fuse.waiting, 0);
  });

  it('a late rejection of a call made after the blow is not unhandled', async () => {
    const fuse = new Fuse();
    fuse.blow(new Error('gone'));
    await assert.rejects(fuse.guard(Promise.reject(new Error('late'))), /gone/);
  });

  it('lets go of each answer, where racing a long-pending promise holds them all until it settles', async () => {
    const fuse = new Fuse();
    assert.equal(await answerCollected((answer) => fuse.guard(answer)), true, 'the fuse keeps nothing');
    const forever = new Promise<never>(() => {});
    assert.equal(await answerCollected((answer) => Promise.race([answer, forever])), false, 'the race keeps the answer (nodejs/node#17469)');
  });
});
