/**
 * Telegram's code delivery kinds (`auth.SentCodeType*`, `auth.CodeType*`) as
 * the short names the API answers with. Pure: works on gramjs class names,
 * so it is tested without a connection.
 */

const NAMES: Readonly<Record<string, string>> = {
  App: 'app',
  Sms: 'sms',
  Call: 'call',
  FlashCall: 'flash_call',
  MissedCall: 'missed_call',
  EmailCode: 'email',
  SetUpEmailRequired: 'email_setup',
  FragmentSms: 'fragment_sms',
  FirebaseSms: 'sms',
  SmsWord: 'sms_word',
  SmsPhrase: 'sms_phrase',
};

/** `auth.SentCodeTypeSms` → `sms`, `auth.CodeTypeCall` → `call`; a kind added to Telegram later → `other`. */
export function codeDelivery(className: string): string {
  const kind = /^auth\.(?:SentCodeType|CodeType)(.+)$/.exec(className)?.[1];
  return (kind === undefined ? undefined : NAMES[kind]) ?? 'other';
}
