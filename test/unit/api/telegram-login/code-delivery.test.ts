import assert from 'node:assert/strict';
import { codeDelivery } from '../../../../src/telegram/code-delivery.ts';

describe('telegram code delivery names', () => {
  it('names the ways a code is sent and the ways a resend would use', () => {
    const cases: Array<[string, string]> = [
      ['auth.SentCodeTypeApp', 'app'], ['auth.SentCodeTypeSms', 'sms'], ['auth.SentCodeTypeCall', 'call'],
      ['auth.SentCodeTypeFlashCall', 'flash_call'], ['auth.SentCodeTypeMissedCall', 'missed_call'],
      ['auth.SentCodeTypeEmailCode', 'email'], ['auth.SentCodeTypeFragmentSms', 'fragment_sms'],
      ['auth.CodeTypeSms', 'sms'], ['auth.CodeTypeCall', 'call'], ['auth.CodeTypeFlashCall', 'flash_call'],
      ['auth.SentCodeTypeSomethingNew', 'other'], ['auth.SentCode', 'other'], ['', 'other'],
    ];
    for (const [className, name] of cases) assert.equal(codeDelivery(className), name, className);
  });
});
