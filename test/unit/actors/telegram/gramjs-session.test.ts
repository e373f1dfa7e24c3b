/**
 * How the adapter sets up a gramjs client, without a network: no entity
 * caches (gramjs issue #816), no ping loop of gramjs's own, no sleeping on
 * flood waits, pushed updates handed over raw to the client's hooks (and
 * left to gramjs for clients the adapter did not make).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import bigInt from 'big-integer';
import { Api, TelegramClient, sessions } from 'telegram';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { closeGram, makeGramClient, within } from '../../../../actors/platform/telegram/gramjs-session.ts';
import { createTelegramRuntime } from '../../../../actors/platform/telegram/telegram-runtime.ts';

const require = createRequire(import.meta.url);
const updatesModule = require('telegram/client/updates.js') as { _handleUpdate(client: unknown, update: unknown): void };
const runtime = createTelegramRuntime({ endpoint: { apiId: 1, apiHash: '0123456789abcdef0123456789abcdef', server: '127.0.0.1:9' } });
const user = new Api.User({ id: bigInt(5), accessHash: bigInt(50), firstName: 'Bob' });
const pushed = new Api.Updates({ updates: [], users: [user], chats: [], date: 1, seq: 0 });

describe('gramjs clients as the adapter makes them', () => {
  it('keeps no entities, runs no ping loop of its own and never sleeps on a flood wait', async () => {
    const client = makeGramClient(runtime, '', { onUpdate: () => {}, onReconnected: () => {}, onKeyUnknown: () => {} });
    const internals = client as unknown as { _entityCache: { add(x: unknown): void; get(x: unknown): unknown }; _loopStarted: boolean };
    internals._entityCache.add(pushed);
    assert.throws(() => internals._entityCache.get('5'));
    client.session.processEntities(pushed);
    assert.equal((client.session as sessions.StringSession & { _entities: Set<unknown> })._entities.size, 0);
    assert.equal(internals._loopStarted, true);
    assert.equal(client.floodSleepThreshold, 0);
    await closeGram(client);
  });

  it('hands pushed updates to the hooks of its clients, and key loss, but leaves other clients to gramjs', async () => {
    const seen: unknown[] = [];
    let keyUnknown = 0;
    const client = makeGramClient(runtime, '', { onUpdate: (u) => seen.push(u), onReconnected: () => {}, onKeyUnknown: () => { keyUnknown += 1; } });
    updatesModule._handleUpdate(client, pushed);
    updatesModule._handleUpdate(client, { state: 0 });
    updatesModule._handleUpdate(client, { state: 1 });
    assert.deepEqual(seen, [pushed]);
    assert.equal(keyUnknown, 1);
    await closeGram(client);
    updatesModule._handleUpdate(client, pushed);
    assert.equal(seen.length, 1, 'a closed client hears nothing');
    const plain = new TelegramClient(new sessions.StringSession(''), 1, 'x', { baseLogger: new Logger(LogLevel.NONE) });
    const raw: unknown[] = [];
    plain.addEventHandler((u: unknown) => raw.push(u));
    updatesModule._handleUpdate(plain, pushed);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((plain as unknown as { _entityCache: { cacheMap: Map<string, unknown> } })._entityCache.cacheMap.size, 1, 'gramjs\'s own path, caching');
  });

  it('refuses a credential that is no session string', () => {
    assert.throws(() => makeGramClient(runtime, 'garbage', { onUpdate: () => {}, onReconnected: () => {}, onKeyUnknown: () => {} }));
  });

  it('bounds a wait: `within` rejects after its time, naming what waited', async () => {
    await assert.rejects(within(new Promise(() => {}), 20, 'messages.GetHistory'), { message: 'messages.GetHistory: no answer within 20 ms' });
    assert.equal(await within(Promise.resolve(7), 20, 'x'), 7);
  });
});
