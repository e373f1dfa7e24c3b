import assert from 'node:assert/strict';
import { DiscordAPIError } from 'discord.js';
import { NoticeError, sendFailure } from '../../../../actors/platform/discord/discord-rest.ts';

function apiError(status: number, code: number, message: string): DiscordAPIError {
  return new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.test/api/v10/channels/1/messages', { files: undefined, body: undefined });
}

describe('Discord send failures', () => {
  it('a destination the bot may not see or post in, or that is gone: permanent, with a notice for the pair', () => {
    const cases: Array<[number, number, string, string]> = [
      [403, 50001, 'Missing Access', 'destination_forbidden'],
      [403, 50013, 'Missing Permissions', 'destination_forbidden'],
      [404, 10003, 'Unknown Channel', 'destination_unknown'],
      [403, 160005, 'Thread is locked', 'destination_thread_locked'],
      [400, 50083, 'Operation was attempted on an archived thread', 'destination_thread_locked'],
      [400, 40067, 'A tag is required to create a forum post in this channel', 'destination_tag_required'],
      [400, 50008, 'Cannot send messages in a non-text channel', 'destination_unsupported'],
    ];
    for (const [status, code, message, notice] of cases) {
      const failure = sendFailure(apiError(status, code, message));
      assert.equal(failure.kind, 'permanent');
      assert.equal(failure.notice?.code, notice, message);
    }
  });

  it('other refusals are permanent without a notice; server errors transient; a bad token revokes', () => {
    assert.deepEqual(sendFailure(apiError(400, 50035, 'Invalid Form Body')), { ok: false, kind: 'permanent', message: '400 50035: Invalid Form Body' });
    assert.equal(sendFailure(apiError(404, 10008, 'Unknown Message')).notice, undefined);
    assert.equal(sendFailure(apiError(502, 0, 'Bad Gateway')).kind, 'transient');
    assert.equal(sendFailure(apiError(401, 0, '401: Unauthorized')).kind, 'revoked');
  });

  it('a refusal wrapped with a notice keeps its kind and carries that notice (the permission a post or thread needs)', () => {
    const notice = { code: 'destination_forbidden', message: 'needs Send Messages' };
    assert.deepEqual(sendFailure(new NoticeError(apiError(403, 50013, 'Missing Permissions'), notice)),
      { ok: false, kind: 'permanent', message: '403 50013: Missing Permissions', notice });
    assert.equal(sendFailure(new NoticeError(apiError(502, 0, 'Bad Gateway'), notice)).kind, 'transient');
  });
});
