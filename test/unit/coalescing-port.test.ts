/**
 * coalescing-port: what one turn posts crosses a real MessageChannel as one
 * message, in order; a message with a transfer list goes at once, after what
 * was queued; flush posts what is queued now.
 */
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { coalescingPort, type PortLike } from '../../src/cluster/coalescing-port.ts';

function counted(port: PortLike): { port: PortLike; posts: () => number } {
  let posts = 0;
  return {
    port: {
      postMessage: (message, transfer) => {
        posts += 1;
        (port.postMessage as (m: unknown, t?: readonly unknown[]) => void)(message, transfer);
      },
      on: (type, listener) => port.on(type, listener),
      off: (type, listener) => port.off(type, listener),
    },
    posts: () => posts,
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('coalescing-port', () => {
  it('posts what one turn sends as one message and delivers it in order', async () => {
    const { port1, port2 } = new MessageChannel();
    const sender = counted(port1 as unknown as PortLike);
    const out = coalescingPort(sender.port);
    const received: unknown[] = [];
    const listener = (m: unknown): void => void received.push(m);
    coalescingPort(port2 as unknown as PortLike).on('message', listener);
    for (let i = 0; i < 50; i++) out.postMessage({ n: i });
    assert.equal(sender.posts(), 0);
    await turn();
    assert.equal(sender.posts(), 1);
    out.postMessage('alone');
    await turn();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(received, [...Array.from({ length: 50 }, (_, n) => ({ n })), 'alone']);
    port1.close();
  });

  it('sends a transfer at once behind what was queued, and flush posts the queue now', async () => {
    const { port1, port2 } = new MessageChannel();
    const sender = counted(port1 as unknown as PortLike);
    const out = coalescingPort(sender.port);
    const received: unknown[] = [];
    const inbound = coalescingPort(port2 as unknown as PortLike);
    const listener = (m: unknown): void => void received.push(m instanceof ArrayBuffer ? `buffer of ${m.byteLength}` : m);
    inbound.on('message', listener);
    out.postMessage('first');
    const buffer = new ArrayBuffer(8);
    out.postMessage(buffer, [buffer]);
    assert.equal(sender.posts(), 2, 'the queue went out before the transfer');
    out.postMessage('last');
    out.flush();
    assert.equal(sender.posts(), 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(received, ['first', 'buffer of 8', 'last']);
    inbound.off('message', listener);
    port1.close();
  });
});
