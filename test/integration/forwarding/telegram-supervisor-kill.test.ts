/**
 * Telegram sends survive crashes (real processes, real gramjs, MTProto fake).
 *
 * - Between send and ack: Telegram has posted the message but the supervisor
 *   is SIGKILLed before it hears so. The next supervisor restores the task
 *   and sends it again with the same `random_id`; Telegram refuses the
 *   repeat (RANDOM_ID_DUPLICATE), so the chat shows the message once.
 * - Streams: a TG→DC and a DC→TG stream arrive once each, in order, across
 *   a SIGKILL of the supervisor in the middle of both, every tenth message
 *   an album of three files that arrives whole (one Discord message with
 *   the three files, read through the relay of whichever supervisor sent
 *   it; three Telegram messages of one album).
 * - Single activation: one Telegram session churned across two supervisors
 *   (start, SIGTERM, SIGKILL, restart) never runs on two connections at once;
 *   the fake counts every moment one auth key was used by two.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeGroup, FakeUser, TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL, testEnv } from '../../helpers/namespace.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

const CHILD = fileURLToPath(new URL('./fixtures/supervisor-child.ts', import.meta.url));

describe('Telegram sessions across supervisor crashes (real processes, real gramjs, MTProto fake)', function () {
  this.timeout(120_000);
  let world: ForwardingWorld;
  let tg: TelegramFake;
  let alice: FakeUser;
  let destination: FakeGroup;
  let src = '';
  let accountId = '';
  let owner = '';
  let reader: { accountId: string; botId: string };
  let bob: FakeUser;
  const children = new Set<ChildProcess>();

  beforeEach(async () => {
    // The streams below go into one chat far faster than Telegram allows (pacing is tested in telegram-pacing.test.ts).
    world = await ForwardingWorld.create('tg_kill', { telegram: true, unpaced: true });
    tg = world.tg!;
    owner = await world.user('elite');
    alice = tg.createUser({ phone: '+15550002001', firstName: 'Alice' });
    bob = tg.createUser({ phone: '+15550002002', firstName: 'Bob' });
    destination = tg.createGroup({ title: 'destination', members: [alice.id, bob.id], creatorId: bob.id });
    ({ accountId } = await world.telegramAccount(owner, alice));
    reader = await world.bot(owner, 'reader');
    src = world.channel('src');
    await world.pair({
      userId: owner,
      source: { accountId: reader.accountId, chatId: src },
      destination: { platform: 'telegram', accountId, chatId: tg.markedId(destination) },
    });
  });

  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    children.clear();
    await world?.close();
  });

  function startChild(supervisorId: string, expectSessions = 2): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: testEnv({
        DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: world.schema, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: world.prefix,
        SECRET_KEYS: world.secretKeys, DISCORD_API_URL: world.fake.apiUrl, EXPECT_SESSIONS: String(expectSessions),
        SUPERVISOR_ID: supervisorId, ORPHAN_SCAN_MS: '1000', MAIL_DIR: world.mailDir, ...world.telegramEnv(),
      }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(proc);
    proc.once('exit', () => children.delete(proc));
    return new Promise((resolve, reject) => {
      proc.on('message', (m: { type?: string }) => { if (m.type === 'ready') resolve(proc); });
      proc.once('exit', (code, signal) => reject(new Error(`supervisor child exited early: ${code ?? signal}`)));
    });
  }

  async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  const posted = (): string[] => tg.messages(destination).filter((m) => m.fromId === alice.id && !m.deleted)
    .map((m) => /kill (\d+)/.exec(m.text)?.[1]).filter((n) => n !== undefined);

  it('posts a message once when the supervisor is killed after Telegram took it and before the ack', async () => {
    let child = await startChild('tg-kill-a');
    // Telegram posts the message but its answer is held: the supervisor dies not knowing the send happened.
    tg.holdAnswers('messages.sendMessage', 60_000, { userId: alice.id });
    world.fake.postAsUser(src, { content: 'kill 0' });
    await waitFor('kill 0 posted on Telegram', () => posted().length === 1, 30_000);
    await kill(child, 'SIGKILL');
    world.fake.postAsUser(src, { content: 'kill 1' });
    world.fake.postAsUser(src, { content: 'kill 2' });

    const sendsBefore = tg.stats().calls['messages.sendMessage'] ?? 0;
    child = await startChild('tg-kill-b');
    await waitFor('the later messages delivered', () => posted().length >= 3, 60_000);
    // kill 0's task was accepted but never acknowledged: the next supervisor claims it from the dead one's shard and sends it again.
    await waitFor('kill 0 sent again', () => (tg.stats().calls['messages.sendMessage'] ?? 0) >= sendsBefore + 3, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(posted(), ['0', '1', '2'], 'each message once, in order: Telegram refused the repeat (RANDOM_ID_DUPLICATE)');
    await kill(child, 'SIGTERM');
  });

  it('delivers a TG→DC and a DC→TG stream once each and in order, albums whole, across a SIGKILL of the supervisor', async () => {
    const tgSource = tg.createChannel({ title: 'tg source', megagroup: true, members: [alice.id, bob.id], creatorId: bob.id });
    const dcDestination = world.channel('dc-dst');
    await world.pair({
      userId: owner,
      source: { platform: 'telegram', accountId, chatId: tg.markedId(tgSource) },
      destination: { accountId: reader.accountId, chatId: dcDestination },
    });
    const total = 60;
    const toDiscord = (): string[] => world.fake.messages(dcDestination).filter((m) => m.authorId === reader.botId)
      .map((m) => /stream (\d+)/.exec(m.content)?.[1]).filter((n) => n !== undefined);
    const toTelegram = (): string[] => posted();

    const isAlbum = (n: number): boolean => n % 10 === 5;
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(1_021)]);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(992)]);

    let child = await startChild('tg-stream-a');
    const exited = new Promise((r) => child.once('exit', r));
    let killed = false;
    for (let n = 0; n < total; n++) {
      if (isAlbum(n)) {
        const photos = [0, 1, 2].map(() => tg.storeMedia({ kind: 'photo', data: jpeg }));
        tg.sendAlbumAsUser(bob.id, tgSource, [{ text: `stream ${n}`, media: photos[0]! }, { media: photos[1]! }, { media: photos[2]! }]);
        world.fake.postAsUser(src, { content: `kill ${n}`, attachments: [0, 1, 2].map((i) => ({ name: `${n}-${i}.png`, content: png, contentType: 'image/png' })) });
      } else {
        tg.sendAsUser(bob.id, tgSource, { text: `stream ${n}` });
        world.fake.postAsUser(src, { content: `kill ${n}` });
      }
      if (!killed && toDiscord().length >= 15 && toTelegram().length >= 15) {
        child.kill('SIGKILL');
        killed = true;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!killed) {
      await waitFor('15 delivered each way', () => toDiscord().length >= 15 && toTelegram().length >= 15, 30_000);
      child.kill('SIGKILL');
    }
    await exited;
    child = await startChild('tg-stream-b');
    const all = Array.from({ length: total }, (_, i) => String(i));
    await waitFor('the TG→DC stream delivered', () => toDiscord().length >= total, 60_000);
    await waitFor('the DC→TG stream delivered', () => toTelegram().length >= total, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(toDiscord(), all, 'TG→DC: each once, in order');
    assert.deepEqual(toTelegram(), all, 'DC→TG: each once, in order');
    const albums = all.filter((n) => isAlbum(Number(n)));
    for (const m of world.fake.messages(dcDestination).filter((x) => albums.includes(/stream (\d+)/.exec(x.content)?.[1] ?? ''))) {
      assert.deepEqual(m.attachments.map((f) => f.content.length), [jpeg.length, jpeg.length, jpeg.length], `TG→DC album whole in one message, as files: ${m.content}`);
    }
    const groups = new Map<string, number>();
    for (const m of tg.messages(destination).filter((x) => x.fromId === alice.id && !x.deleted && x.groupedId !== null)) {
      groups.set(String(m.groupedId), (groups.get(String(m.groupedId)) ?? 0) + 1);
    }
    assert.deepEqual([...groups.values()], albums.map(() => 3), 'DC→TG: each album once, as one album of three');
    await kill(child, 'SIGTERM');
  });

  it('never runs one session on two connections while it churns across two supervisors', async function () {
    this.timeout(240_000);
    let maxConnections = 0;
    const sampler = setInterval(() => {
      maxConnections = Math.max(maxConnections, tg.stats().connectionsByUser[alice.id] ?? 0);
    }, 5);
    try {
      let a = await startChild('tg-churn-a');
      // B starts while A runs the sessions: B's sync wants them too, and the leases keep them on A.
      let b = await startChild('tg-churn-b', 0);
      let delivered = 0;
      const send = async (): Promise<void> => {
        world.fake.postAsUser(src, { content: `kill ${delivered}` });
        delivered += 1;
        // A takeover waits out the lease and the dead one's snapshot, then connects both sessions; on a loaded
        // 2-core machine one took over 30 s (1 of 9 runs beside a CPU-bound bench, and one CI run).
        await waitFor(`kill ${delivered - 1} delivered`, () => posted().length === delivered, 60_000);
      };
      await send();
      for (const [round, signal] of (['SIGKILL', 'SIGTERM', 'SIGKILL', 'SIGTERM'] as const).entries()) {
        // Stop whichever supervisor runs it; the other must take over (a delivery proves it), and a new one stands by.
        await kill(a, signal);
        await send();
        a = b;
        b = await startChild(`tg-churn-${round}`, 0);
      }
      await send();
      assert.equal(tg.stats().duplicateKeyViolations, 0, 'the fake never saw two connections on the session\'s auth key');
      assert.equal(maxConnections, 1);
      assert.deepEqual(posted(), Array.from({ length: delivered }, (_, i) => String(i)));
      await kill(a, 'SIGTERM');
      await kill(b, 'SIGTERM');
    } finally {
      clearInterval(sampler);
    }
  });
});
