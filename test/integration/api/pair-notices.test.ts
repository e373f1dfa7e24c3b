/**
 * A pair's delivery notice: the forwarding runtime's store writes it (at
 * most once per pair per minute), and the API's pair view shows it, as its
 * OpenAPI schema says (the harness checks every answer against it).
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { sqlOn } from '../../../src/db/raw-sql.ts';
import { PairNotices } from '../../../src/forwarding/store/pair-notices.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { linkBot, pairBody, startResourceWorld, type LinkedBot, type ResourceWorld } from './resource-fixtures.ts';

describe('api: pair delivery notices', function () {
  this.timeout(30_000);
  let world: ResourceWorld;
  let alice: RegisteredUser;
  let bot: LinkedBot;

  before(async () => {
    world = await startResourceWorld();
    alice = await world.h.registerUser();
    bot = await linkBot(world, alice);
  });
  after(async () => {
    await world?.close();
  });

  const req = (method: string, path: string, body?: unknown) =>
    world.h.request(method, path, { token: alice.accessToken, ...(body === undefined ? {} : { body }) });

  it('shows none at first, then the latest notice, written at most once a minute', async () => {
    const created = await req('post', '/v1/pairs', pairBody(bot, 0, 1));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.deliveryNotice, null);
    const orm = world.h.ctx.orm;
    const notices = new PairNotices(sqlOn(orm, orm.config.get('schema')!), pino({ level: 'silent' }));
    const t0 = Date.parse('2026-12-04T12:00:00.000Z');
    const restricted = { code: 'forwards_restricted', message: 'The source chat protects its content: messages are copied instead of forwarded' };
    await notices.record(created.body.id, restricted, t0);
    const shown = await req('get', `/v1/pairs/${created.body.id}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.deliveryNotice, { ...restricted, at: '2026-12-04T12:00:00.000Z' });
    await notices.record(created.body.id, { code: 'forward_not_editable', message: 'later' }, t0 + 59_000);
    assert.equal((await req('get', `/v1/pairs/${created.body.id}`)).body.deliveryNotice.code, 'forwards_restricted');
    await notices.record(created.body.id, { code: 'forward_not_editable', message: 'later' }, t0 + 60_000);
    const listed = await req('get', '/v1/pairs');
    const mine = listed.body.items.find((p: { id: string }) => p.id === created.body.id);
    assert.deepEqual(mine.deliveryNotice, { code: 'forward_not_editable', message: 'later', at: '2026-12-04T12:01:00.000Z' });
    const doc = (await req('get', '/v1/openapi.json')).body;
    assert.ok(JSON.stringify(doc).includes('forwards_restricted'), 'the OpenAPI document describes the notice');
  });
});
