import assert from 'node:assert/strict';
import { discordTokenRefusal, telegramTokenRefusal } from '../../../src/commands/token-refusal.ts';

describe('control bot token refusals (pure)', () => {
  it('tells Telegram\'s refusals of a bot login from other failures', () => {
    for (const m of ['ACCESS_TOKEN_INVALID', 'ACCESS_TOKEN_EXPIRED', 'API_ID_INVALID']) assert.equal(telegramTokenRefusal({ errorMessage: m }), m);
    assert.equal(telegramTokenRefusal({ errorMessage: 'FLOOD_WAIT' }), null);
    assert.equal(telegramTokenRefusal(new Error('connect ECONNREFUSED')), null);
    assert.equal(telegramTokenRefusal(null), null);
  });

  it('tells Discord\'s refusals of a bot token from other failures', () => {
    assert.equal(discordTokenRefusal({ code: 'TokenInvalid' }), 'TokenInvalid');
    assert.equal(discordTokenRefusal({ status: 401 }), '401 Unauthorized');
    assert.equal(discordTokenRefusal({ status: 503 }), null);
    assert.equal(discordTokenRefusal(undefined), null);
  });
});
