/**
 * The Discord fake's gateway limits: the daily session starts reported by
 * `GET /gateway/bot` and spent by IDENTIFY (RESUME is free), identify
 * concurrency, 120 commands per 60 s (close 4008), an overdue heartbeat
 * (close 4009), and discord.js resuming after a 4009.
 */
import assert from 'node:assert/strict';
import { Events, Routes } from 'discord.js';
import type { Client } from 'discord.js';
import { WebSocket } from 'ws';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import { readyClient, waitFor } from './discord-test-kit.ts';

interface StartLimit { total: number; remaining: number; reset_after: number; max_concurrency: number }

describe('Discord fake: gateway limits', function () {
  this.timeout(30_000);
  let fake: DiscordFake;
  let bot: { id: string; token: string };
  const clients: Client[] = [];
  const sockets: WebSocket[] = [];

  async function startFake(options: Parameters<typeof DiscordFake.start>[0] = {}): Promise<void> {
    fake = await DiscordFake.start({ heartbeatIntervalMs: 400, sessionStarts: { windowMs: 5_000 }, ...options });
    bot = fake.createBot({ username: 'relay' });
    fake.createChannel(fake.createGuild({ name: 'Guild', bots: [bot.id] }).id, 'general');
  }

  async function connect(): Promise<Client> {
    const client = await readyClient(fake, bot.token);
    clients.push(client);
    return client;
  }

  /** A bare gateway socket (no heartbeats unless sent) and the close code it ends with. */
  async function rawSocket(): Promise<{ ws: WebSocket; closed: Promise<number> }> {
    const ws = new WebSocket(fake.gatewayUrl);
    sockets.push(ws);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    return { ws, closed };
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.destroy();
    for (const ws of sockets.splice(0)) ws.terminate();
    await fake.close();
  });

  it('reports session_start_limit and spends one start per IDENTIFY, none per RESUME', async () => {
    await startFake();
    const client = await connect();
    const limit = () => client.rest.get(Routes.gatewayBot()) as Promise<{ session_start_limit: StartLimit }>;
    const first = (await limit()).session_start_limit;
    assert.equal(first.total, 1000);
    assert.equal(first.remaining, 999);
    assert.equal(first.max_concurrency, 1);
    assert.ok(first.reset_after > 0 && first.reset_after <= 86_400_000);
    fake.dropGateway(bot.id);
    await waitFor('resume', () => fake.stats().gateway.resumes === 1);
    assert.equal((await limit()).session_start_limit.remaining, 999, 'a resume costs no start');
  });

  it('gives the starts back once reset_after has passed since the first start of the period', async () => {
    await startFake({ sessionStarts: { total: 3, resetAfterMs: 300 } });
    const client = await connect();
    const limit = async () => (await client.rest.get(Routes.gatewayBot()) as { session_start_limit: StartLimit }).session_start_limit;
    const spent = await limit();
    assert.equal(spent.remaining, 2);
    assert.ok(spent.reset_after <= 300);
    await new Promise((resolve) => setTimeout(resolve, spent.reset_after + 20));
    assert.deepEqual(await limit(), { total: 3, remaining: 3, reset_after: 300, max_concurrency: 1 });
  });

  it('answers an IDENTIFY beyond max_concurrency within 5 s with a non-resumable INVALID_SESSION', async () => {
    await startFake();
    await connect();
    const { ws } = await rawSocket();
    const frames: Array<{ op: number; d: unknown }> = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as { op: number; d: unknown }));
    ws.send(JSON.stringify({ op: 2, d: { token: bot.token, intents: 513, properties: {} } }));
    await waitFor('op 9', () => frames.some((f) => f.op === 9));
    assert.deepEqual(frames.find((f) => f.op === 9), { op: 9, d: false });
    assert.equal(fake.stats().gateway.identifiesTooFast, 1);
    assert.equal(fake.stats().gateway.identifies, 1);
  });

  it('treats an IDENTIFY with no session starts left as abuse: the token is reset (4004, REST 401)', async () => {
    await startFake();
    fake.setSessionStarts(bot.id, { remaining: 0 });
    const { ws, closed } = await rawSocket();
    ws.send(JSON.stringify({ op: 2, d: { token: bot.token, intents: 513, properties: {} } }));
    assert.equal(await closed, 4004);
    assert.equal(fake.stats().gateway.identifiesExhausted, 1);
    const response = await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${bot.token}` } });
    assert.equal(response.status, 401);
  });

  it('closes a connection past 120 commands in 60 s with 4008', async () => {
    await startFake({ heartbeatIntervalMs: 41_250 });
    const { ws, closed } = await rawSocket();
    for (let i = 0; i < 121; i += 1) ws.send(JSON.stringify({ op: 1, d: null }));
    assert.equal(await closed, 4008);
    const stats = fake.stats().gateway;
    assert.equal(stats.rateLimitedCloses, 1);
    assert.equal(stats.heartbeats, 120);
  });

  it('closes a connection whose heartbeat is overdue with 4009', async () => {
    await startFake({ heartbeatIntervalMs: 100, heartbeatTimeoutMs: 300 });
    const { closed } = await rawSocket();
    assert.equal(await closed, 4009);
    assert.equal(fake.stats().gateway.timedOutCloses, 1);
  });

  it('is resumed by discord.js after a 4009: no new IDENTIFY', async () => {
    await startFake();
    const client = await connect();
    const reconnecting = new Promise<void>((resolve) => client.once(Events.ShardReconnecting, () => resolve()));
    fake.dropGateway(bot.id, { code: 4009 });
    await reconnecting;
    await waitFor('resume', () => fake.stats().gateway.resumes === 1);
    assert.equal(fake.stats().gateway.identifies, 1);
  });
});
