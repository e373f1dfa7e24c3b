import assert from 'node:assert/strict';
import { RouteBuckets } from '../../fakes/discord/rest-buckets.ts';

const POST = 'POST /channels/:id/messages';
const HOOK = 'POST /webhooks/:id/:token';

describe('Discord fake route buckets', () => {
  it('counts per route and major parameter in fixed windows, then refuses with whole-second Retry-After', () => {
    const buckets = new RouteBuckets({ channelMessages: { limit: 2, windowMs: 1_500 } });
    assert.equal(buckets.take(POST, 'c1', 'b', 1_000).headers['X-RateLimit-Remaining'], '1');
    assert.equal(buckets.take(POST, 'c2', 'b', 1_000).headers['X-RateLimit-Remaining'], '1', 'another channel, another bucket');
    const second = buckets.take(POST, 'c1', 'b', 1_100);
    assert.equal(second.headers['X-RateLimit-Remaining'], '0');
    assert.equal(second.headers['X-RateLimit-Reset'], '2.500');
    assert.equal(second.headers['X-RateLimit-Reset-After'], '1.400');
    const refused = buckets.take(POST, 'c1', 'b', 1_200).refused;
    assert.equal(refused?.scope, 'user');
    assert.equal(refused?.headers['Retry-After'], '2');
    assert.equal(refused?.body.retry_after, 1.3);
    assert.equal(buckets.take(POST, 'c1', 'b', 2_500).refused, undefined, 'a new window');
  });

  it('limits each bot globally, but not webhook executions', () => {
    const buckets = new RouteBuckets({ global: { limit: 2, windowMs: 1_000 } });
    buckets.take('GET /users/@me', null, 'b', 0);
    buckets.take('GET /channels/:id', 'c', 'b', 0);
    assert.equal(buckets.take('GET /channels/:id', 'c', 'b', 0).refused?.scope, 'global');
    assert.equal(buckets.take('GET /channels/:id', 'c', 'other', 0).refused, undefined);
    assert.equal(buckets.take(HOOK, 'w/t', 'b', 0).refused, undefined);
  });

  it('shares a channel limit between everyone posting in it when configured', () => {
    const buckets = new RouteBuckets({ channelShared: { limit: 1, windowMs: 1_000 } });
    buckets.take(POST, 'c', 'b', 0);
    assert.equal(buckets.take(HOOK, 'w/t', null, 0, 'c').refused?.scope, 'shared');
  });
});
