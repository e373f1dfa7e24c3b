/** Request and response shapes of the Telegram login routes (`/v1/telegram-accounts` and its steps). */
import { z } from 'zod';
import type { ITelegramAccount } from '../../db/entities/telegram-account.ts';
import type { LoginView } from '../telegram-login/login-state.ts';
import { telegramAccountSchema, telegramAccountView } from './account-schemas.ts';
import { timestampSchema } from './common-schemas.ts';

export const startLoginSchema = z.strictObject({
  phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, { error: 'Must be an E.164 phone number, e.g. +15551234567' }),
});

export const codeSchema = z.strictObject({
  code: z.string().trim().min(1).max(32).describe('The code Telegram sent (in the app, by SMS, call...)'),
});

export const passwordSchema = z.strictObject({
  // Not trimmed: spaces may be part of a password. Never stored, never logged.
  password: z.string().min(1).max(256).describe('The account\'s two-step verification password; used once, never stored'),
});

const loginSchema = z.discriminatedUnion('next', [
  z.object({
    next: z.literal('code').describe('Send the code Telegram sent to POST /v1/telegram-accounts/{id}/code'),
    expiresAt: timestampSchema.describe('The login ends unfinished at this time'),
    codeType: z.string().describe('How the code was sent: `app`, `sms`, `call`, `flash_call`, `missed_call`, `email`, `fragment_sms`, `other`...'),
    codeLength: z.number().int().nullable().describe('Digits of the code, when fixed'),
    nextCodeType: z.string().nullable().describe('How a resend would send it; null when there is no other way'),
    resendAfterSeconds: z.number().int().nullable().describe('Seconds Telegram wants before a resend'),
  }),
  z.object({
    next: z.literal('password').describe('Send the two-step verification password to POST /v1/telegram-accounts/{id}/password'),
    expiresAt: timestampSchema.describe('The login ends unfinished at this time'),
    passwordHint: z.string().nullable().describe('The hint the user set for the password'),
  }),
  z.object({ next: z.literal('done').describe('Logged in: the account is active and its actor starts') }),
]);

export const loginAnswerSchema = telegramAccountSchema.extend({ login: loginSchema });

export function loginAnswer(account: ITelegramAccount, login: LoginView): z.infer<typeof loginAnswerSchema> {
  return { ...telegramAccountView(account), login };
}
