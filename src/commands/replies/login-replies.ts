/**
 * What the control bot says while it links a Telegram account (bot-login.ts),
 * and the one rule it reads codes by. Telegram cancels a login code that it
 * sees sent through Telegram in one piece (its anti-phishing rule: a code
 * pasted into any chat, a bot's included, is dead at once), so on Telegram
 * the bot asks for the digits with spaces between them and says why. On
 * Discord the code and password go in slash-command options no one else
 * sees. Pure.
 */
import type { Platform } from '../../db/entities/forwarding-pair.ts';
import type { RichText } from '../../forwarding/message/neutral-message.ts';
import { ReplyText } from '../reply-text.ts';

const WHERE: Readonly<Record<string, string>> = {
  app: 'to your Telegram app (the chat "Telegram" on your other devices)',
  sms: 'by SMS',
  call: 'by a phone call',
  flash_call: 'as a missed call',
  missed_call: 'as a missed call (the code is the last digits of the number)',
  email: 'by email',
  fragment_sms: 'through Fragment',
};

/** A code's digits, read from what the user typed: "1 2 3 4 5", "1-2-3-4-5" or "12345". */
export function codeDigits(text: string): string {
  return text.replace(/\D/g, '');
}

/** Whether `text`, sent through Telegram, holds the code in one piece, so Telegram has cancelled it. */
export function codeSentWhole(text: string): boolean {
  const digits = codeDigits(text);
  return digits.length > 1 && text.includes(digits);
}

/** The phone number as typed, spaces and punctuation gone: `+1 (555) 123-4567` → `+15551234567`. */
export function normalizePhone(typed: string): string {
  return typed.replace(/[\s().-]/g, '');
}

export interface CodeSentFacts {
  phone: string;
  codeType: string;
  codeLength: number | null;
  expiresAt: Date;
}

function until(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`;
}

function example(length: number | null): string {
  return Array.from({ length: length ?? 5 }, (_, i) => String(i + 1)).join(' ');
}

export function codeSentReply(platform: Platform, facts: CodeSentFacts): RichText {
  const r = new ReplyText().plain('Telegram sent a login code for ').bold(facts.phone).plain(` ${WHERE[facts.codeType] ?? 'to you'}.`).line();
  if (platform === 'telegram') {
    r.plain('Send it here with spaces between the digits, like ').code(example(facts.codeLength))
      .plain(': Telegram cancels a code it sees sent through Telegram in one piece.').line();
  } else {
    r.plain('Send it with ').code('/code').plain('.').line();
  }
  return r.plain(`The login ends unfinished at ${until(facts.expiresAt)}; /resend asks for another code.`).build();
}

export function passwordNeededReply(platform: Platform, hint: string | null): RichText {
  const r = new ReplyText().plain('This account has two-step verification.');
  if (hint !== null && hint !== '') r.plain(' Your hint: ').bold(hint).plain('.');
  r.line();
  if (platform === 'telegram') r.plain('Send the password as your next message; I delete it as soon as I have read it.');
  else r.plain('Send it with ').code('/password').plain(': no one else sees it.');
  return r.build();
}

export function linkedReply(name: string | null, phone: string): RichText {
  const r = new ReplyText().plain('Linked the Telegram account ');
  if (name !== null) r.bold(name).plain(` (${phone})`);
  else r.bold(phone);
  return r.plain('. Your pairs can use it now; /accounts shows it.').build();
}

export const CODE_SENT_WHOLE = new ReplyText()
  .plain('Telegram has cancelled that code: it saw it sent through Telegram in one piece. ')
  .code('/login PHONE').plain(' again gets a new one; send that one with spaces between the digits, like ').code('1 2 3 4 5').plain('.').build();

export const CODE_EXPIRED = new ReplyText()
  .plain('That code has expired. ').code('/login PHONE').plain(' again gets a new one.').build();

export const NOT_A_CODE = new ReplyText()
  .plain('That is not a login code: send its digits with spaces between them, like ').code('1 2 3 4 5').plain('.').build();

export function noLoginReply(step: 'code' | 'password' | 'resend'): RichText {
  const what = step === 'password' ? 'a password' : 'a code';
  return new ReplyText().plain(`No Telegram login here waits for ${what}. `).code('/login PHONE').plain(' starts one.').build();
}

export const PHONE_FORMAT = new ReplyText()
  .plain('That is not a phone number: send it in international form, like ').code('/login +15551234567').plain('.').build();
