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
});
