import assert from 'node:assert/strict';
import {
  codeDigits, codeSentReply, codeSentWhole, linkedReply, normalizePhone, passwordNeededReply,
} from '../../../src/commands/replies/login-replies.ts';

describe('login from the bot: replies and reading codes (pure)', () => {
  it('reads a code\'s digits however they were separated', () => {
    for (const typed of ['1 2 3 4 5', '1-2-3-4-5', '12345', ' 1.2 3-45 ']) assert.equal(codeDigits(typed), '12345', typed);
    assert.equal(codeDigits('no digits'), '');
  });

  it('tells a code sent whole (Telegram cancels it) from one sent apart', () => {
    assert.equal(codeSentWhole('12345'), true);
    assert.equal(codeSentWhole('my code: 12345!'), true);
    assert.equal(codeSentWhole('1 2 3 4 5'), false);
    assert.equal(codeSentWhole('123 45'), false);
    assert.equal(codeSentWhole('7'), false, 'one digit is no code');
  });

  it('normalizes a phone number typed with spaces and punctuation', () => {
    assert.equal(normalizePhone('+1 (555) 123-4567'), '+15551234567');
    assert.equal(normalizePhone('+44.20.7946.0018'), '+442079460018');
  });

  it('on Telegram asks for the code with spaces and says why; on Discord points to /code', () => {
    const facts = { phone: '+15551234567', codeType: 'app', codeLength: 5, expiresAt: new Date('2026-12-06T18:40:00Z') };
    assert.equal(codeSentReply('telegram', facts).text, [
      'Telegram sent a login code for +15551234567 to your Telegram app (the chat "Telegram" on your other devices).',
      'Send it here with spaces between the digits, like 1 2 3 4 5: Telegram cancels a code it sees sent through Telegram in one piece.',
      'The login ends unfinished at 18:40 UTC; /resend asks for another code.',
    ].join('\n'));
    assert.equal(codeSentReply('discord', { ...facts, codeType: 'sms', codeLength: 6 }).text.split('\n')[1], 'Send it with /code.');
    assert.match(codeSentReply('telegram', { ...facts, codeLength: 6 }).text, /like 1 2 3 4 5 6:/);
    assert.match(codeSentReply('telegram', { ...facts, codeType: 'something_new' }).text, /for \+15551234567 to you\./);
  });

  it('asks for the 2FA password with its hint, and names the account once linked', () => {
    assert.equal(passwordNeededReply('telegram', 'pet').text, 'This account has two-step verification. Your hint: pet.\nSend the password as your next message; I delete it as soon as I have read it.');
    assert.equal(passwordNeededReply('discord', null).text, 'This account has two-step verification.\nSend it with /password: no one else sees it.');
    assert.equal(linkedReply('Hal', '+15550007101').text, 'Linked the Telegram account Hal (+15550007101). Your pairs can use it now; /accounts shows it.');
    assert.equal(linkedReply(null, '+15550007101').text, 'Linked the Telegram account +15550007101. Your pairs can use it now; /accounts shows it.');
  });
});
