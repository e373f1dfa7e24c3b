import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { SendTask } from '../../../src/runtime-contracts/actor-contract.ts';
import { createLoopbackClient, loopbackClientFactory, REVOKED_CREDENTIAL } from '../../../actors/platform/loopback/loopback-client.ts';
import type { LoopbackClient } from '../../../actors/platform/loopback/loopback-client.ts';
import { LoopbackNetwork } from '../../../actors/platform/loopback/loopback-network.ts';
import { LoopbackPoller } from '../../../actors/platform/loopback/loopback-poller.ts';
import type { PollSubscriber } from '../../../actors/platform/loopback/loopback-poller.ts';
import { createLoopbackRuntime, installLoopbackRuntime } from '../../../actors/platform/loopback/loopback-runtime.ts';
import type { LoopbackRuntime } from '../../../actors/platform/loopback/loopback-runtime.ts';
import type { LoopbackRuntimeOptions } from '../../../src/runtime-contracts/platform-options.ts';
import { ENTRY_OVERHEAD_BYTES } from '../../../actors/platform/loopback/message-cache.ts';
import type { PlatformCallbacks } from '../../../actors/platform/platform-client.ts';
import type { InboundMessage } from '../../../src/runtime-contracts/inbound-message.ts';
import { InvalidOptionError, LoopbackNotInstalledError } from '../../../src/errors/registry.ts';
import { TEST_REDIS_PREFIX, TEST_REDIS_URL } from '../../helpers/namespace.ts';

let suite = 0;
/** A fresh network per test: its own key prefix, so counts start at zero. */
function freshRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { keyPrefix: `${TEST_REDIS_PREFIX}loopback-${++suite}:` });
}

/** Counts commands this test's clients send (not those Lua scripts run), by name, through MONITOR. */
async function commandCounter(prefix: string): Promise<{ count: (name: string, numKeys?: number) => number; stop: () => void }> {
  const watcher = new Redis(TEST_REDIS_URL);
  const monitor = await watcher.monitor();
  const seen: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && args.some((a) => a.startsWith(prefix))) seen.push(args);
  });
  // MONITOR starts asynchronously; a marker command shows it is live.
  const probe = new Redis(TEST_REDIS_URL);
  for (let seen = false; !seen;) {
    monitor.once('monitor', () => { seen = true; });
    await probe.ping();
    await sleep(10);
  }
  probe.disconnect();
  return {
    // numKeys tells script calls apart: EVAL/EVALSHA <script> <numKeys> ...
    count: (name, numKeys) => seen.filter((a) => a[0]!.toLowerCase() === name && (numKeys === undefined || a[2] === String(numKeys))).length,
    stop: () => { monitor.disconnect(); watcher.disconnect(); },
  };
}

describe('LoopbackNetwork', function () {
  let redis: Redis;
  let net: LoopbackNetwork;
  beforeEach(() => {
    redis = freshRedis();
    net = new LoopbackNetwork(redis);
  });
  afterEach(() => redis.quit());

  describe('connections', () => {
    it('one connection per session is fine; a second live one is a violation', async () => {
      assert.equal(await net.connect('alice', 'c1', 5_000), 1);
      assert.equal(await net.connect('bob', 'c1', 5_000), 1, 'connection ids are per session');
      assert.deepEqual(await net.violations(), {});
      assert.equal(await net.connect('alice', 'c2', 5_000), 2);
      assert.deepEqual(await net.violations(), { alice: 1 });
      assert.deepEqual((await net.liveConnections('alice')).sort(), ['c1', 'c2']);
    });

    it('reconnecting with the same connection id is not a second connection', async () => {
      await net.connect('alice', 'c1', 5_000);
      assert.equal(await net.connect('alice', 'c1', 5_000), 1);
      assert.deepEqual(await net.violations(), {});
    });

    it('a connection expires after its ttl without heartbeats, and then does not count', async () => {
      await net.connect('alice', 'killed', 100);
      assert.deepEqual(await net.liveConnections('alice'), ['killed']);
      await sleep(150);
      assert.deepEqual(await net.liveConnections('alice'), []);
      assert.equal(await net.connect('alice', 'next', 5_000), 1);
      assert.deepEqual(await net.violations(), {});
    });

    it('a connection still inside its ttl, like one of a SIGKILLed process, does count', async () => {
      await net.connect('alice', 'killed', 300);
      await sleep(100);
      assert.equal(await net.connect('alice', 'next', 5_000), 2);
      assert.deepEqual(await net.violations(), { alice: 1 });
    });

    it('heartbeatMany extends live connections in one round trip and never revives a dead one', async () => {
      // 'gone' first, so that it has expired by the heartbeat however slow the
      // connects after it are; the live ones get a TTL that a loaded machine
      // cannot overrun between their connect and the heartbeat.
      await net.connect('gone', 'c', 50);
      const connected = Date.now();
      await net.connect('a', 'c', 600);
      await net.connect('b', 'c', 600);
      await net.connect('closed', 'c', 5_000);
      await net.disconnect('closed', 'c');
      await sleep(Math.max(0, 80 - (Date.now() - connected)));
      assert.deepEqual(await net.heartbeatMany([
        { sessionId: 'a', connectionId: 'c' }, { sessionId: 'b', connectionId: 'c' },
        { sessionId: 'gone', connectionId: 'c' }, { sessionId: 'closed', connectionId: 'c' },
        { sessionId: 'a', connectionId: 'other' },
      ], 5_000), [true, true, false, false, false]);
      await sleep(Math.max(0, 700 - (Date.now() - connected)));
      assert.deepEqual(await net.liveConnections('a'), ['c'], 'alive past the first ttl thanks to the heartbeat');
      assert.deepEqual(await net.liveConnections('gone'), []);
      assert.deepEqual(await net.heartbeatMany([], 100), []);
    });

    it('disconnect removes a connection', async () => {
      await net.connect('alice', 'c1', 5_000);
      assert.equal(await net.disconnect('alice', 'c1'), true);
      assert.equal(await net.disconnect('alice', 'c1'), false);
      assert.deepEqual(await net.liveConnections('alice'), []);
    });

    it('rejects a bad ttl', async () => {
      await assert.rejects(net.connect('a', 'c', 0), (e: unknown) => e instanceof InvalidOptionError && e.message === 'ttlMs must be a positive integer');
    });
  });

  describe('messages', () => {
    it('post appends in order; read pages after an id', async () => {
      const ids = [await net.post('chat', { text: 'one' }), await net.post('chat', { text: 'two' }), await net.post('chat', 'three', 'edit')];
      const all = await net.read('chat', null, 10);
      assert.deepEqual(all.map((m) => m.messageId), ids);
      assert.deepEqual(all.map((m) => m.payload), [{ text: 'one' }, { text: 'two' }, 'three']);
      assert.deepEqual(all.map((m) => m.kind), ['new', 'new', 'edit']);
      assert.equal(all[0]!.bytes, Buffer.byteLength(JSON.stringify({ text: 'one' })));
      assert.ok(Math.abs(all[0]!.at - Date.now()) < 5_000);
      assert.deepEqual((await net.read('chat', ids[0]!, 1)).map((m) => m.messageId), [ids[1]]);
      assert.deepEqual(await net.read('chat', ids[2]!, 10), []);
      assert.deepEqual(await net.read('empty', null, 10), []);
    });

    it('deliver posts and counts per idempotency key, so duplicates show', async () => {
      const first = await net.deliver('task-1', 'chat', { text: 'hi' });
      await net.deliver('task-1', 'chat', { text: 'hi' });
      await net.deliver('task-2', 'chat', { text: 'yo' });
      assert.deepEqual(await net.deliveryCounts(), { 'task-1': 2, 'task-2': 1 });
      assert.equal((await net.read('chat', null, 10)).length, 3);
      assert.equal((await net.read('chat', null, 1))[0]!.messageId, first);
    });

    it('lastIds gives the newest id per chat in one call', async () => {
      await net.post('a', 1);
      const last = await net.post('a', 2);
      assert.deepEqual([...(await net.lastIds(['a', 'empty']))], [['a', last], ['empty', '0-0']]);
    });

    it('rejects a bad chatMaxLen', () => {
      assert.throws(() => new LoopbackNetwork(redis, { chatMaxLen: 0 }), (e: unknown) =>
        e instanceof InvalidOptionError && e.message === 'options.chatMaxLen must be a positive integer');
    });
  });
});

describe('LoopbackPoller', function () {
  let redis: Redis;
  let net: LoopbackNetwork;
  beforeEach(() => {
    redis = freshRedis();
    net = new LoopbackNetwork(redis);
  });
  afterEach(() => redis.quit());

  class Sub implements PollSubscriber {
    readonly got: string[] = [];
    readonly positions = new Map<string, string>();
    positionOf(chatId: string) { return this.positions.get(chatId); }
    receive(m: InboundMessage) {
      this.positions.set(m.chatId, m.messageId);
      this.got.push(`${m.chatId}:${String(m.payload)}`);
    }
  }

  it('hands each subscriber only what is after its own position', async () => {
    const a1 = await net.post('a', 'a1');
    await net.post('a', 'a2');
    const poller = new LoopbackPoller(net);
    const behind = new Sub();
    const ahead = new Sub();
    behind.positions.set('a', '0-0');
    ahead.positions.set('a', a1);
    poller.add('a', behind);
    poller.add('a', ahead);
    assert.equal(await poller.tick(), 3);
    assert.deepEqual(behind.got, ['a:a1', 'a:a2']);
    assert.deepEqual(ahead.got, ['a:a2']);
    assert.equal(await poller.tick(), 0);
    poller.remove('a', ahead);
    await net.post('a', 'a3');
    await poller.tick();
    assert.deepEqual(ahead.got, ['a:a2']);
    assert.deepEqual(behind.got, ['a:a1', 'a:a2', 'a:a3']);
  });

  it('reads a backlog countPerChat at a time', async () => {
    for (let i = 0; i < 5; i++) await net.post('a', i);
    const poller = new LoopbackPoller(net, { countPerChat: 2 });
    const s = new Sub();
    s.positions.set('a', '0-0');
    poller.add('a', s);
    assert.deepEqual([await poller.tick(), await poller.tick(), await poller.tick(), await poller.tick()], [2, 2, 1, 0]);
  });

  it('reads 2,000 chats of 2,000 subscribers with one XREAD per tick', async () => {
    const poller = new LoopbackPoller(net);
    const subs: Sub[] = [];
    for (let i = 0; i < 2_000; i++) {
      const s = new Sub();
      s.positions.set(`chat-${i}`, '0-0');
      poller.add(`chat-${i}`, s);
      subs.push(s);
    }
    const pipeline = redis.pipeline();
    for (let i = 0; i < 2_000; i += 7) pipeline.xadd(`loopback:chat:chat-${i}`, '*', 'k', 'new', 'p', JSON.stringify(`m${i}`));
    await pipeline.exec();
    const counter = await commandCounter(redis.options.keyPrefix!);
    try {
      assert.equal(await poller.tick(), Math.ceil(2_000 / 7));
      assert.equal(await poller.tick(), 0);
      await sleep(100);
      assert.equal(counter.count('xread'), 2, 'one XREAD per tick');
    } finally {
      counter.stop();
    }
    assert.deepEqual(subs[7]!.got, ['chat-7:m7']);
    assert.deepEqual(subs[8]!.got, []);
  });

  it('makes no call when nothing is watched', async () => {
    assert.equal(await new LoopbackPoller(net).tick(), 0);
  });

  it('rejects a bad countPerChat', () => {
    assert.throws(() => new LoopbackPoller(net, { countPerChat: 0 }), (e: unknown) =>
      e instanceof InvalidOptionError && e.message === 'options.countPerChat must be a positive integer');
  });
});

describe('LoopbackClient', function () {
  let redis: Redis;
  let runtime: LoopbackRuntime;
  let n = 0;

  function make(options: LoopbackRuntimeOptions = {}) {
    runtime = createLoopbackRuntime(redis, options);
    return runtime;
  }

  function client(credential = 'session-string', rt: LoopbackRuntime = runtime) {
    const events = { messages: [] as InboundMessage[], disconnects: [] as string[], rejected: [] as string[] };
    const callbacks: PlatformCallbacks = {
      onMessage: (m) => events.messages.push(m),
      onDisconnect: (r) => events.disconnects.push(r),
      onCredentialsRejected: (r) => events.rejected.push(r),
    };
    const id = `acct-${++n}`;
    const c = loopbackClientFactory(rt)({ actorId: id, userId: 'u1', credential, connectionId: `${id}-conn` }, callbacks) as LoopbackClient;
    return { c, events, id };
  }

  const task = (over: Partial<SendTask> = {}): SendTask => ({
    taskId: 't', idempotencyKey: `key-${++n}`, pairId: 'p', op: 'send', chatId: 'dest', payload: { text: 'hello' }, ...over,
  });

  beforeEach(() => {
    redis = freshRedis();
    make();
  });
  afterEach(() => redis.quit());

  it('connects as one live connection, pings while connected, disconnects', async () => {
    const { c, id } = client();
    assert.equal(await c.ping(), false);
    await c.connect(null);
    assert.equal(await c.ping(), true);
    assert.deepEqual(await runtime.network.liveConnections(id), [`${id}-conn`]);
    assert.equal(runtime.heartbeats.size, 1);
    await c.disconnect();
    assert.equal(await c.ping(), false);
    assert.deepEqual(await runtime.network.liveConnections(id), []);
    assert.equal(runtime.heartbeats.size, 0);
  });

  it('receives watched chats through the shared poller, from the newest message on', async () => {
    await runtime.network.post('src', 'before');
    const { c, events } = client();
    await c.watch(['src']);
    await c.connect(null);
    const id = await runtime.network.post('src', 'after');
    await runtime.network.post('elsewhere', 'ignored');
    await runtime.poller.tick();
    assert.deepEqual(events.messages.map((m) => m.payload), ['after']);
    assert.deepEqual(Object.keys(events.messages[0]!).sort(), ['at', 'chatId', 'kind', 'messageId', 'payload']);
    assert.deepEqual(c.cursor(), { src: id });
    assert.deepEqual(c.cached('src', id)?.payload, 'after');
  });

  it('catches up from a cursor on connect, and watch() adds and drops chats', async () => {
    const a1 = await runtime.network.post('a', 'a1');
    await runtime.network.post('a', 'a2');
    await runtime.network.post('a', 'a3');
    const { c, events } = client();
    await c.connect({ a: a1 });
    assert.deepEqual(events.messages.map((m) => m.payload), ['a2', 'a3'], 'delivered before connect resolved');
    await c.watch(['a', 'b']);
    await runtime.network.post('b', 'b1');
    await runtime.network.post('a', 'a4');
    await runtime.poller.tick();
    // Order holds within a chat, not across chats.
    assert.deepEqual(events.messages.map((m) => m.payload).sort(), ['a2', 'a3', 'a4', 'b1']);
    await c.watch(['b']);
    assert.deepEqual(Object.keys(c.cursor()), ['b']);
    await runtime.network.post('a', 'a5');
    await runtime.poller.tick();
    assert.equal(events.messages.length, 4);
    assert.equal(runtime.poller.chatCount, 1);
  });

  it('sends with the idempotency key as nonce and reports the destination ids', async () => {
    const { c } = client();
    await c.connect(null);
    const t = task({ idempotencyKey: 'k1' });
    const r = await c.send(t);
    assert.ok(r.ok);
    const [msg] = await runtime.network.read('dest', null, 10);
    assert.deepEqual(r.destinationMessageIds, [msg!.messageId]);
    assert.deepEqual(msg!.payload, { text: 'hello' });
    const edit = await c.send(task({ idempotencyKey: 'k2', op: 'edit', targetMessageIds: [msg!.messageId], payload: { text: 'hello!' } }));
    assert.deepEqual(edit, { ok: true, destinationMessageIds: [msg!.messageId] });
    assert.equal((await runtime.network.read('dest', msg!.messageId, 10))[0]!.kind, 'edit');
    // Sent again (a redelivered task): the nonce absorbs it, the chat gets nothing new.
    assert.deepEqual(await c.send(t), r);
    assert.deepEqual(await runtime.network.deliveryCounts(), { k1: 1, k2: 1 });
    assert.deepEqual(await runtime.network.attemptCounts(), { k1: 2, k2: 1 });
    assert.equal((await runtime.network.read('dest', null, 10)).length, 2);
    assert.equal(c.trackedBytes(), 0, 'nothing in flight, nothing cached');
  });

  it('refuses to send while not connected', async () => {
    const { c } = client();
    assert.deepEqual(await c.send(task()), { ok: false, kind: 'transient', message: 'not connected' });
  });

  it('counts cached messages in trackedBytes, and dropCaches empties it', async () => {
    const { c } = client();
    await c.watch(['src']);
    await c.connect(null);
    const payloads = [{ text: 'x'.repeat(100) }, { text: 'é'.repeat(10) }];
    const ids: string[] = [];
    for (const p of payloads) ids.push(await runtime.network.post('src', p));
    await runtime.poller.tick();
    const expected = payloads.reduce((sum, p, i) =>
      sum + Buffer.byteLength(JSON.stringify(p)) + `src/${ids[i]}`.length + ENTRY_OVERHEAD_BYTES, 0);
    assert.equal(c.trackedBytes(), expected);
    c.dropCaches();
    assert.equal(c.trackedBytes(), 0);
    assert.equal(await c.ping(), true, 'dropping caches keeps the connection');
  });

  it('keeps its cache within cacheMaxBytes and cacheMaxEntries, dropping the oldest first', async () => {
    make({ cacheMaxBytes: 1_000, cacheMaxEntries: 100 });
    const { c, events } = client();
    await c.watch(['src']);
    await c.connect(null);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await runtime.network.post('src', { i, text: 'y'.repeat(100) }));
    await runtime.poller.tick();
    assert.equal(events.messages.length, 30, 'every message is handed over, cached or not');
    assert.ok(c.trackedBytes() <= 1_000 && c.trackedBytes() > 800, `${c.trackedBytes()}`);
    assert.equal(c.cached('src', ids[0]!), undefined);
    assert.ok(c.cached('src', ids[29]!));

    make({ cacheMaxEntries: 3 });
    const small = client();
    await small.c.watch(['src']);
    await small.c.connect({ src: ids[19]! });
    assert.equal(small.events.messages.length, 10);
    assert.deepEqual(ids.slice(0, 30).filter((id) => small.c.cached('src', id)), ids.slice(27));
  });

  it('a revoked credential calls onCredentialsRejected and never connects', async () => {
    const { c, events, id } = client(REVOKED_CREDENTIAL);
    await c.connect(null);
    assert.equal(events.rejected.length, 1);
    assert.equal(await c.ping(), false);
    assert.deepEqual(await runtime.network.liveConnections(id), []);
    assert.equal((await c.send(task())).ok, false);
    assert.deepEqual(await c.send(task()), { ok: false, kind: 'revoked', message: 'credential revoked' });
  });

  it('heartbeats every client in one round trip; a lapsed connection tells its client', async () => {
    // The check after the beat must fall after every connection's first
    // expiry and before the one the beat gave: the beat comes 300 ms after the
    // last connect, and the TTL is long enough that 50 sequential connects on
    // a loaded machine do not outlast it before the beat.
    const ttl = 1_000;
    make({ connectionTtlMs: ttl });
    const clients = Array.from({ length: 50 }, () => client());
    for (const { c } of clients) await c.connect(null);
    const lastConnected = Date.now();
    const counter = await commandCounter(redis.options.keyPrefix!);
    let beaten: number;
    try {
      await sleep(300);
      assert.deepEqual(await runtime.heartbeats.beat(), { extended: 50, lost: 0 });
      beaten = Date.now();
      await sleep(Math.max(0, lastConnected + ttl + 100 - Date.now()));
      const first = clients[0]!;
      assert.deepEqual(await runtime.network.liveConnections(first.id), [`${first.id}-conn`], 'kept past the first ttl by the beat');
      await sleep(50);
      const beats = counter.count('evalsha', 50) + counter.count('eval', 50);
      assert.equal(beats, 1, 'one script call for all 50');
    } finally {
      counter.stop();
    }
    await sleep(Math.max(0, beaten + ttl + 100 - Date.now()));
    assert.deepEqual(await runtime.heartbeats.beat(), { extended: 0, lost: 50 });
    assert.deepEqual(clients[0]!.events.disconnects, ['connection timed out']);
    assert.equal(await clients[0]!.c.ping(), false);
    assert.equal(runtime.heartbeats.size, 0);
  });

  it('createLoopbackClient uses the runtime installed in the thread', async () => {
    const spec = { actorId: 'x', userId: 'u', credential: 'c', connectionId: 'x-1' };
    const callbacks: PlatformCallbacks = { onMessage() {}, onDisconnect() {}, onCredentialsRejected() {} };
    installLoopbackRuntime(null);
    assert.throws(() => createLoopbackClient(spec, callbacks), LoopbackNotInstalledError);
    installLoopbackRuntime(runtime);
    try {
      const c = createLoopbackClient(spec, callbacks);
      await c.connect(null);
      assert.deepEqual(await runtime.network.liveConnections('x'), ['x-1']);
      await c.disconnect();
    } finally {
      installLoopbackRuntime(null);
    }
  });

  it('rejects bad runtime options', () => {
    for (const [options, message] of [
      [{ connectionTtlMs: 0 }, 'options.connectionTtlMs must be a positive integer'],
      [{ cacheMaxBytes: -1 }, 'options.cacheMaxBytes must be a non-negative integer'],
      [{ cacheMaxEntries: 1.5 }, 'options.cacheMaxEntries must be a non-negative integer'],
    ] as const) {
      assert.throws(() => createLoopbackRuntime(redis, options), (e: unknown) => e instanceof InvalidOptionError && e.message === message);
    }
  });

  it('an idle client costs well under 200 KB of heap (2,000 clients, measured in a child with --expose-gc)', async function () {
    this.timeout(60_000);
    const script = fileURLToPath(new URL('../../../bench/loopback-idle-heap.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      env: { ...process.env, CLIENTS: '2000', REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: `${TEST_REDIS_PREFIX}loopback-heap:`, JSON: '1' },
    });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { heapPerClient: number; clients: number };
    assert.equal(r.clients, 2_000);
    assert.ok(r.heapPerClient < 200 * 1024, `${r.heapPerClient} bytes per client`);
  });
});
