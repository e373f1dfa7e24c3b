/**
 * The Discord fake's signed CDN links against the real discord.js REST
 * client: attachment links carry `ex`, `is` and `hm` and download until
 * they expire (or are unsigned, or tampered with: 404 "This content is no
 * longer available."); POST /attachments/refresh-urls signs them again; a
 * message fetched again, or dispatched on the gateway, carries fresh links.
 */
import assert from 'node:assert/strict';
import { DiscordAPIError, Events, REST, Routes } from 'discord.js';
import type { APIMessage, Client } from 'discord.js';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import { readyClient, waitFor } from './discord-test-kit.ts';

const DAY_MS = 24 * 60 * 60_000;
const GONE = 'This content is no longer available.';

interface RefreshAnswer {
  refreshed_urls: Array<{ original: string; refreshed: string }>;
}

async function download(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

/** The link without its query: what the CDN refuses. */
function unsigned(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function signatureOf(url: string): { ex: number; is: number; hm: string } {
  const q = new URL(url).searchParams;
  const [ex, is, hm] = [q.get('ex'), q.get('is'), q.get('hm')];
  assert.match(ex ?? '', /^[0-9a-f]+$/, url);
  assert.match(is ?? '', /^[0-9a-f]+$/, url);
  assert.match(hm ?? '', /^[0-9a-f]{64}$/, url);
  return { ex: Number.parseInt(ex!, 16), is: Number.parseInt(is!, 16), hm: hm! };
}

function badLength(e: unknown): boolean {
  if (!(e instanceof DiscordAPIError) || e.status !== 400 || e.code !== 50035) return false;
  const errors = (e.rawError as { errors?: { attachment_urls?: { _errors?: Array<{ code: string }> } } }).errors;
  return errors?.attachment_urls?._errors?.[0]?.code === 'BASE_TYPE_BAD_LENGTH';
}

describe('Discord fake signed attachment links (with the real discord.js REST client)', function () {
  this.timeout(20_000);
  let fake: DiscordFake;
  let rest: REST;
  let bot: { id: string; token: string };
  let channelId: string;
  const clients: Client[] = [];

  async function post(files: Record<string, string>): Promise<APIMessage> {
    return await rest.post(Routes.channelMessages(channelId), {
      body: { content: 'files' },
      files: Object.entries(files).map(([name, text]) => ({ name, data: Buffer.from(text) })),
    }) as APIMessage;
  }

  function refresh(urls: string[]): Promise<RefreshAnswer> {
    return rest.post('/attachments/refresh-urls', { body: { attachment_urls: urls } }) as Promise<RefreshAnswer>;
  }

  beforeEach(async () => {
    fake = await DiscordFake.start({ heartbeatIntervalMs: 400 });
    bot = fake.createBot({ username: 'relay' });
    const guildId = fake.createGuild({ name: 'Guild', bots: [bot.id] }).id;
    channelId = fake.createChannel(guildId, 'general').id;
    rest = new REST({ api: fake.apiUrl }).setToken(bot.token);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.destroy();
    await fake.close();
  });

  it('signs a posted attachment (ex, is, hm a day apart): it downloads until it expires; unsigned or tampered, 404', async () => {
    const sent = await post({ 'a.txt': 'one' });
    const { url, proxy_url: proxyUrl } = sent.attachments[0]!;
    const { ex, is, hm } = signatureOf(url);
    assert.ok(ex - is >= DAY_MS / 1000 && ex - is <= DAY_MS / 1000 + 1, `ex - is = ${ex - is}`);
    assert.ok(Math.abs(is - Date.now() / 1000) < 5, 'issued now');
    assert.equal(proxyUrl, url);
    assert.deepEqual(await download(url), { status: 200, body: 'one' });

    assert.deepEqual(await download(unsigned(url)), { status: 404, body: GONE });
    const tampered = url.replace(`hm=${hm}`, `hm=${hm.slice(0, -1)}${hm.endsWith('0') ? '1' : '0'}`);
    assert.notEqual(tampered, url);
    assert.deepEqual(await download(tampered), { status: 404, body: GONE });
    const stretched = url.replace(`ex=${ex.toString(16)}`, `ex=${(ex + 3600).toString(16)}`);
    assert.deepEqual(await download(stretched), { status: 404, body: GONE });

    fake.advanceCdnClock(DAY_MS - 10_000);
    assert.deepEqual(await download(url), { status: 200, body: 'one' });
    fake.expireAttachmentUrls();
    assert.deepEqual(await download(url), { status: 404, body: GONE });
  });

  it('refreshes links with POST /attachments/refresh-urls (1 to 50 of them): fresh ones download', async () => {
    const sent = await post({ 'a.txt': 'one', 'b.txt': 'two' });
    const [a, b] = sent.attachments.map((x) => x.url) as [string, string];
    fake.expireAttachmentUrls();
    assert.equal((await download(a)).status, 404);

    const withParam = `${unsigned(b)}?animated=true`;
    const foreign = 'https://example.com/attachments/1/2/cat.png?ex=1&is=1&hm=00';
    const { refreshed_urls: refreshed } = await refresh([a, withParam, foreign]);
    assert.deepEqual(refreshed.map((r) => r.original), [a, withParam, foreign]);
    const [freshA, freshB, notOurs] = refreshed.map((r) => r.refreshed) as [string, string, string];
    assert.notEqual(freshA, a);
    assert.equal(unsigned(freshA), unsigned(a));
    assert.ok(signatureOf(freshA).ex > signatureOf(a).ex);
    assert.equal(new URL(freshB).searchParams.get('animated'), 'true');
    assert.equal(notOurs, foreign, 'a link that is not an attachment of the fake comes back unchanged');
    assert.deepEqual(await download(freshA), { status: 200, body: 'one' });
    assert.deepEqual(await download(freshB), { status: 200, body: 'two' });

    await assert.rejects(refresh([]), badLength);
    await assert.rejects(refresh(Array.from({ length: 51 }, () => a)), badLength);
    assert.equal((await refresh(Array.from({ length: 50 }, () => a))).refreshed_urls.length, 50);
    await assert.rejects(rest.post('/attachments/refresh-urls', { body: { attachment_urls: [a] }, auth: false }),
      (e: unknown) => e instanceof DiscordAPIError && e.status === 401);
  });

  it('gives fresh links when the message is fetched again after expiry, in history, on the gateway and in the fake\'s records', async () => {
    const client = await readyClient(fake, bot.token);
    clients.push(client);
    const sent = await post({ 'a.txt': 'one' });
    const old = sent.attachments[0]!.url;
    fake.expireAttachmentUrls();
    assert.equal((await download(old)).status, 404);

    const again = await rest.get(Routes.channelMessage(channelId, sent.id)) as APIMessage;
    const fresh = again.attachments[0]!;
    assert.notEqual(fresh.url, old);
    assert.equal(fresh.proxy_url, fresh.url);
    assert.deepEqual(await download(fresh.url), { status: 200, body: 'one' });
    const history = await rest.get(Routes.channelMessages(channelId)) as APIMessage[];
    assert.deepEqual(await download(history[0]!.attachments[0]!.url), { status: 200, body: 'one' });
    assert.deepEqual(await download(fake.message(sent.id)!.attachments[0]!.url), { status: 200, body: 'one' });

    const dispatched: string[] = [];
    client.on(Events.MessageCreate, (m) => { if (m.attachments.size > 0) dispatched.push(m.attachments.first()!.url); });
    const posted = fake.postAsUser(channelId, { content: 'photo', attachments: [{ name: 'p.txt', content: 'from alice' }] });
    await waitFor('MESSAGE_CREATE', () => dispatched.length === 1);
    signatureOf(dispatched[0]!);
    assert.deepEqual(await download(dispatched[0]!), { status: 200, body: 'from alice' });
    fake.expireAttachmentUrls();
    assert.equal((await download(dispatched[0]!)).status, 404);
    assert.deepEqual(await download(posted.attachments[0]!.url), { status: 200, body: 'from alice' });
  });
});
