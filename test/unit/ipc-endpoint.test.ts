/**
 * ipc-endpoint: comlink calls and events share one IPC channel in separate
 * lanes; an event never reaches comlink, a reply never reaches event
 * listeners. Two linked EventEmitters stand in for process.send/ChildProcess.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as Comlink from 'comlink';
import { installErrorCodes } from '../../src/cluster/comlink-errors.ts';
import { channelOverPeer } from '../../src/cluster/ipc-endpoint.ts';
import { ActorNotFoundError } from '../../src/errors/registry.ts';

type FakePeer = EventEmitter & { send(message: unknown, callback?: (error: Error | null) => void): boolean; connected: boolean };

function linkedPeers(): [FakePeer, FakePeer] {
  const a = Object.assign(new EventEmitter(), { connected: true }) as FakePeer;
  const b = Object.assign(new EventEmitter(), { connected: true }) as FakePeer;
  // structuredClone plays the part of the 'advanced' serialization.
  const link = (from: FakePeer, to: FakePeer): void => {
    from.send = (message, callback) => {
      setImmediate(() => {
        to.emit('message', structuredClone(message));
        callback?.(null);
      });
      return true;
    };
  };
  link(a, b);
  link(b, a);
  return [a, b];
}

describe('ipc-endpoint', () => {
  it('keeps RPC and events apart and carries error codes', async () => {
    installErrorCodes();
    const [parentPeer, childPeer] = linkedPeers();
    const parent = channelOverPeer<{ type: string; id?: number }>(parentPeer);
    const child = channelOverPeer<{ type: string; id?: number }>(childPeer);
    Comlink.expose({
      add: (x: number, y: number) => x + y,
      fail: () => {
        throw new ActorNotFoundError({ actorId: 'a1', where: 'nowhere' });
      },
    }, child.endpoint);
    const api = Comlink.wrap<{ add(x: number, y: number): number; fail(): void }>(parent.endpoint);
    const events: unknown[] = [];
    parent.onEvent((e) => events.push(e));

    // Shaped like a comlink reply: must stay an event.
    child.sendEvent({ type: 'RAW', id: 1 });
    assert.equal(await api.add(2, 3), 5);
    await assert.rejects(api.fail(), { code: 'actor_not_found', name: 'ActorNotFoundError', message: 'No actor "a1" runs on nowhere' });
    await child.flush();
    assert.deepEqual(events, [{ type: 'RAW', id: 1 }]);
    parent.close();
    child.close();
  });

  it('sends the messages of one turn as one batch, in order, and flush hands over what is still queued', async () => {
    const [parentPeer, childPeer] = linkedPeers();
    let sends = 0;
    const send = childPeer.send.bind(childPeer);
    childPeer.send = (message, callback) => {
      sends += 1;
      return send(message, callback);
    };
    const parent = channelOverPeer<number>(parentPeer);
    const child = channelOverPeer<number>(childPeer);
    const events: number[] = [];
    parent.onEvent((e) => events.push(e));
    for (let i = 0; i < 100; i++) child.sendEvent(i);
    assert.equal(sends, 0, 'nothing is written before the turn ends');
    await child.flush();
    assert.equal(sends, 1);
    child.sendEvent(100);
    await new Promise((resolve) => setImmediate(resolve));
    child.sendEvent(101);
    await child.flush();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sends, 3);
    assert.deepEqual(events, Array.from({ length: 102 }, (_, i) => i));
    parent.close();
    child.close();
  });
});
