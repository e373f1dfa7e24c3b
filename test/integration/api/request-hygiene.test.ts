/**
 * Bad input a black-box run found answered with a 500 or a silent success
 * (issue #13): bodies the route cannot read, text no store takes, tokens no
 * HTTP header takes, bodies nested past reason, a path that does not decode.
 * Each is refused with a coded 4xx and leaves every row as it was.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { countsOf, linkBot, pairBody, startResourceWorld, type LinkedBot, type ResourceWorld } from './resource-fixtures.ts';

/** A raw request, for what fetch will not send (a body without a Content-Type, a latin1 body). */
function raw(url: string, method: string, headers: Record<string, string>, body: Buffer | string): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('api: bad input is refused with a coded 4xx and changes nothing', function () {
  this.timeout(30_000);
  let world: ResourceWorld;
  let user: RegisteredUser;
  let bot: LinkedBot;
  let pairId: string;

  before(async () => {
    world = await startResourceWorld();
    user = await world.h.registerUser({ plan: 'pro' });
    bot = await linkBot(world, user);
    const created = await world.h.request('post', '/v1/pairs', { token: user.accessToken, body: pairBody(bot, 0, 1, { name: 'before' }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    pairId = created.body.id;
  });
  after(async () => {
    await world?.close();
  });

  const auth = (): Record<string, string> => ({ authorization: `Bearer ${user.accessToken}` });
  const pairName = async (): Promise<string> => (await world.h.request('get', `/v1/pairs/${pairId}`, { token: user.accessToken })).body.name;

  it('answers 415 to JSON in a charset other than UTF-8, and to an unknown Content-Encoding', async () => {
    const before = await countsOf(world, user.userId);
    const latin1 = await raw(`${world.h.baseUrl}/v1/pairs`, 'POST', { ...auth(), 'content-type': 'application/json; charset=latin1' },
      Buffer.from(JSON.stringify(pairBody(bot, 1, 2, { name: 'caf\u00e9' })), 'latin1'));
    assert.equal(latin1.status, 415);
    assert.equal(latin1.body.error?.code, 'unsupported_media_type');
    assert.match(latin1.body.error!.message, /charset=latin1/);
    const compressed = await raw(`${world.h.baseUrl}/v1/pairs/${pairId}`, 'PATCH', { ...auth(), 'content-type': 'application/json', 'content-encoding': 'compress' }, '{"name":"x"}');
    assert.deepEqual([compressed.status, compressed.body.error?.code], [415, 'unsupported_media_type']);
    // A supported encoding is read as usual.
    const gzip = await raw(`${world.h.baseUrl}/v1/pairs/${pairId}`, 'PATCH', { ...auth(), 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync('{"name":"zipped"}'));
    assert.equal(gzip.status, 200, JSON.stringify(gzip.body));
    assert.equal(await pairName(), 'zipped');
    assert.deepEqual(await countsOf(world, user.userId), before);
  });

  it('answers 415 to a form, text/plain or untyped body sent to a JSON route, instead of reading it as empty', async () => {
    const name = await pairName();
    for (const [type, body] of [['text/plain', '{"name":"plain"}'], ['application/x-www-form-urlencoded', 'name=form'], ['', '{"name":"untyped"}']] as const) {
      const headers: Record<string, string> = { ...auth(), ...(type === '' ? {} : { 'content-type': type }) };
      const res = await raw(`${world.h.baseUrl}/v1/pairs/${pairId}`, 'PATCH', headers, body);
      assert.deepEqual([res.status, res.body.error?.code], [415, 'unsupported_media_type'], type);
    }
    const form = await world.h.request('post', '/v1/auth/login', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(user.email)}&password=x` });
    assert.deepEqual([form.status, form.body.error.code], [415, 'unsupported_media_type']);
    assert.equal(await pairName(), name);
    // A JSON route called with no body at all still names the missing fields.
    const empty = await raw(`${world.h.baseUrl}/v1/pairs`, 'POST', auth(), '');
    assert.deepEqual([empty.status, empty.body.error?.code], [400, 'validation_failed']);
  });

  it('refuses a NUL byte or a lone surrogate anywhere text is stored, naming the field', async () => {
    const before = await countsOf(world, user.userId);
    const cases: Array<[string, string, unknown, string]> = [
      ['post', '/v1/pairs', pairBody(bot, 1, 2, { name: 'a\u0000b' }), 'name'],
      ['post', '/v1/pairs', pairBody(bot, 1, 2, { filters: [{ kind: 'keyword', mode: 'include', words: ['ok', 'n\u0000ul'] }] }), 'filters.0.words.1'],
      ['post', '/v1/pairs', pairBody(bot, 1, 2, { filters: [{ kind: 'replace', find: 'a', replace: 'b\u0000' }] }), 'filters.0.replace'],
      ['patch', `/v1/pairs/${pairId}`, { name: 'half \ud800 a pair' }, 'name'],
      ['patch', `/v1/pairs/${pairId}`, { name: 'ok', ['k\u0000']: 1 }, 'k?'],
      ['post', '/v1/api-keys', { name: 'ci\u0000', scopes: ['read'] }, 'name'],
      ['post', '/v1/auth/register', { email: 'x\u0000@example.com', password: 'a long enough password' }, 'email'],
    ];
    const name = await pairName();
    for (const [method, path, body, field] of cases) {
      const res = await world.h.request(method, path, { token: user.accessToken, body });
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.equal(res.body.error.details[0].path, field);
      assert.match(res.body.error.details[0].message, /NUL|lone surrogate/);
    }
    assert.equal(await pairName(), name);
    assert.deepEqual(await countsOf(world, user.userId), before);
    assert.equal((await world.h.request('get', '/v1/api-keys', { token: user.accessToken })).body.apiKeys.length, 0);
  });

  it('refuses a NUL in a query string with 400, not a database error', async () => {
    const admin = await world.h.registerUser({ role: 'admin' });
    const res = await world.h.request('get', '/v1/admin/users?email=a%00b', { token: admin.accessToken });
    assert.deepEqual([res.status, res.body.error.code, res.body.error.details[0].path], [400, 'validation_failed', 'email']);
  });

  it('refuses a Discord token no HTTP header can carry before calling Discord', async () => {
    const other = await world.h.registerUser({ plan: 'pro' });
    const calls = () => world.fake.stats().requests['GET /users/@me'] ?? 0;
    const seen = calls();
    for (const token of ['abc\u0000def', 'tok\u00e9n.x.y', 'tok\ud800en', 'two words.x.y', 'line\nbreak']) {
      const res = await world.h.request('post', '/v1/discord-accounts', { token: other.accessToken, body: { token } });
      assert.deepEqual([res.status, res.body.error.code], [400, 'validation_failed'], JSON.stringify(token));
    }
    assert.equal(calls(), seen, 'Discord was not asked');
    assert.deepEqual(await countsOf(world, other.userId), { pairs: 0, discord: 0, telegram: 0 });
  });

  it('refuses a body nested past reason, and a path that does not decode, with 400', async () => {
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const nested = await world.h.request('patch', `/v1/pairs/${pairId}`, { token: user.accessToken, body: deep });
    assert.equal(nested.status, 400, JSON.stringify(nested.body));
    assert.ok(['validation_failed', 'invalid_json'].includes(nested.body.error.code));
    const undecodable = await raw(`${world.h.baseUrl}/v1/pairs/%E0%A4%A`, 'GET', auth(), '');
    assert.equal(undecodable.status, 400, JSON.stringify(undecodable.body));
    assert.equal(undecodable.body.error?.code, 'validation_failed');
  });
});
