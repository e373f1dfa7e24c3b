/**
 * What a password must be (ASVS 5.0 V6.2): 12 to 128 characters counted as
 * Unicode code points, any characters allowed (spaces, emoji, no composition
 * rules), not the account's email address. 12 is what ASVS asks for when
 * passwords are the only factor, which they are until 2FA is turned on.
 * Breached-password screening needs a list this build does not ship; see the report.
 */
import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** Counts code points, so an emoji is one character, as users count. */
function length(value: string): number {
  return [...value].length;
}

export const passwordSchema = z
  .string({ error: 'Password must be text' })
  .refine((v) => length(v) >= PASSWORD_MIN_LENGTH, { error: `Password must be at least ${PASSWORD_MIN_LENGTH} characters` })
  .refine((v) => length(v) <= PASSWORD_MAX_LENGTH, { error: `Password must be at most ${PASSWORD_MAX_LENGTH} characters` })
  // JSON Schema's minLength counts code points too, so the document states the same rule.
  .meta({
    description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not the email address`,
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
  });

/** Passwords only compared, never checked against the policy (sign-in, confirmations): old ones must still work. */
export const presentedPasswordSchema = z
  .string({ error: 'Password must be text' })
  .min(1, { error: 'Password is required' })
  .max(1024, { error: 'Password is too long' });

/** Whether `password` is the email address (case-insensitively), which the policy refuses. */
export function passwordEqualsEmail(password: string, email: string): boolean {
  return password.trim().toLowerCase() === email.trim().toLowerCase();
}
