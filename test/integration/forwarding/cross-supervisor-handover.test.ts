/**
 * Two supervisors on one Redis and PostgreSQL, as two hosts run them: the
 * pair's source is read by a bot on supervisor A and its destination is
 * written by a bot on supervisor B. A's tasks for B's bot are handed over to
 * B's shard (its session lease names B) and B sends them: every message
 * once, in order, none waiting for the bot to come to A and none failed
 * after the unknown-account grace (5 s here). Tasks a supervisor holds for
 * an account whose session then leaves it go to the supervisor the account
 * moves to. (A receiver dying before it takes its inbox in is tested on the
 * store: test/integration/scheduler/hand-over.test.ts.)
 */
import assert from 'node:assert/strict';
import { metricsRegistry } from '../../../supervisor/metrics-server.ts';
import type { SupervisorRuntime } from '../../../supervisor/supervisor-runtime.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('a task whose sending account runs on another supervisor is handed over to it', function () {
  this.timeout(90_000);
  let world: ForwardingWorld;
  let a: SupervisorRuntime;
  let b: SupervisorRuntime;
  let reader: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let writer: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let src = '';
  let dst = '';

  /** The writer's posts in the destination, by their text. */
  const delivered = (): string[] => world.fake.messages(dst).filter((m) => m.authorId === writer.botId).map((m) => m.content.split('\n').at(-1)!);
  const runningOn = (r: SupervisorRuntime, accountId: string): boolean => r.supervisor.sessions.get(accountId)?.state === 'running';

  before(async () => {
    // Unpaced: the Discord fake's 5 posts per 5 s in one channel would set the pace otherwise.
    world = await ForwardingWorld.create('fwd_handover', { unpaced: true });
    const user = await world.user('elite');
    reader = await world.bot(user, 'reader');
    writer = await world.bot(user, 'writer');
    src = world.channel('src');
    dst = world.channel('dst');
    await world.pair({ userId: user, source: { accountId: reader.accountId, chatId: src }, destination: { accountId: writer.accountId, chatId: dst } });
    // Sharing off: this moves the writer by hand, as ownership moves a user's accounts on a join or leave.
    a = await world.start({ supervisorId: 'sup-a' }, {}, { shareAccounts: false });
    await world.running(2);
    b = await world.startAnother({ supervisorId: 'sup-b' }, {}, { shareAccounts: false });
    // The writer moves to B: A lets it go, and B, which was waiting for its lease, starts it.
    await a.supervisor.removeSession(writer.accountId);
    await waitFor('the writer running on B', () => runningOn(b, writer.accountId), 20_000);
  });

  after(async () => {
    await world?.close();
  });

  it('sends each message once and in order from the supervisor running the writer', async () => {
    assert.ok(runningOn(a, reader.accountId) && !runningOn(b, reader.accountId), 'the reader runs on A only');
    for (let i = 0; i < 20; i++) world.fake.postAsUser(src, { content: `m${i}` });
    await waitFor('20 delivered', () => delivered().length >= 20, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(delivered(), Array.from({ length: 20 }, (_, i) => `m${i}`));
    assert.equal(a.queue.dispatcher.handedOver.tasks, 20);
    assert.equal(b.queue.inbox.adopted, 20);
    assert.equal(a.queue.dispatcher.handedOver.failed, 0);
    // What an operator scrapes (the runtime passes these counters to its /metrics).
    const scrape = (r: SupervisorRuntime): Promise<string> => metricsRegistry(r.supervisor, {
      handOvers: () => ({ out: r.queue.dispatcher.handedOver.tasks, failed: r.queue.dispatcher.handedOver.failed, in: r.queue.inbox.adopted }),
    }).metrics();
    assert.match(await scrape(a), /switchboard_tasks_handed_over_total\{direction="out",supervisor="sup-a"\} 20/);
    assert.match(await scrape(b), /switchboard_tasks_handed_over_total\{direction="in",supervisor="sup-b"\} 20/);
  });

  it('keeps handing over while the writer is away from both, then sends it all once it runs again', async () => {
    // B stops the writer (as a move would); A still has no session of it, so A holds the tasks and keeps looking.
    await b.supervisor.pauseSession(writer.accountId);
    for (let i = 20; i < 25; i++) world.fake.postAsUser(src, { content: `m${i}` });
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(delivered().length, 20, 'nothing sent while the writer is paused');
    await b.supervisor.resumeSession(writer.accountId);
    await waitFor('25 delivered', () => delivered().length >= 25, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(delivered(), Array.from({ length: 25 }, (_, i) => `m${i}`));
  });

  it('hands the tasks held for an account to the supervisor it moves to when its session leaves', async () => {
    await b.supervisor.pauseSession(writer.accountId);
    for (let i = 25; i < 30; i++) world.fake.postAsUser(src, { content: `m${i}` });
    // A hands the five to B, where the pair's head waits for the paused writer and the rest behind it.
    await waitFor('the five handed to B', () => a.queue.dispatcher.handedOver.tasks === 30 && b.queue.dispatcher.held === 1, 20_000);
    const c = await world.startAnother({ supervisorId: 'sup-c' }, {}, { shareAccounts: false });
    const before = b.queue.dispatcher.handedOver.tasks;
    // The writer leaves B (as a move does) and C, waiting for its lease, starts it.
    await b.supervisor.removeSession(writer.accountId);
    // On a timeout, the message says where the writer's session stood on C (a CI run under load once timed out here).
    const writerOnC = (): string => JSON.stringify(c.supervisor.snapshot().sessions.find((v) => v.actorId === writer.accountId) ?? null);
    await waitFor('the writer running on C', () => runningOn(c, writer.accountId), 30_000)
      .catch((err: Error) => Promise.reject(new Error(`${err.message}; on C: ${writerOnC()}`)));
    await waitFor('30 delivered', () => delivered().length >= 30, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(delivered(), Array.from({ length: 30 }, (_, i) => `m${i}`));
    assert.equal(b.queue.dispatcher.handedOver.tasks - before, 5, 'B handed its five to C');
  });
});
