/**
 * The mail a user gets when a platform refuses one of their linked accounts.
 */
import assert from 'node:assert/strict';
import { revocationMail } from '../../../supervisor/revocation-notice.ts';

describe('revocation mail', () => {
  it('names the Telegram account, says why and where to link it again', () => {
    const mail = revocationMail('https://sb.example/', 'a@example.test', { platform: 'telegram', accountId: 'x', userId: 'u', label: '+15550000001' });
    assert.equal(mail.to, 'a@example.test');
    assert.equal(mail.subject, 'Switchboard stopped forwarding with your Telegram account +15550000001');
    assert.match(mail.text, /Telegram ended its session/);
    assert.match(mail.text, /https:\/\/sb\.example\/accounts/);
  });

  it('names the Discord bot', () => {
    const mail = revocationMail('https://sb.example/', 'a@example.test', { platform: 'discord', accountId: 'x', userId: 'u', label: 'relay' });
    assert.equal(mail.subject, 'Switchboard stopped forwarding with your Discord bot relay');
    assert.match(mail.text, /no longer accepts its token/);
  });

  it('passes on what the platform said, such as an intent to enable', () => {
    const reason = 'Discord refused the bot\'s gateway intents (close 4014): enable the Message Content intent for this bot';
    const mail = revocationMail('https://sb.example/', 'a@example.test', { platform: 'discord', accountId: 'x', userId: 'u', label: 'relay', reason });
    assert.ok(mail.text.includes(`Discord said: ${reason}`));
  });
});
