/**
 * The text of every authentication mail. Links point at PUBLIC_URL, where
 * the front end reads the token from the query string and posts it to the API.
 */
import type { MailMessage } from './mailer.ts';

function link(publicUrl: string, path: string, token: string): string {
  const url = new URL(path, publicUrl);
  url.searchParams.set('token', token);
  return url.toString();
}

export function verificationMail(publicUrl: string, to: string, token: string, ttlSeconds: number): MailMessage {
  return {
    to,
    subject: 'Confirm your Switchboard email address',
    text: `Welcome to Switchboard.\n\nConfirm this address by opening:\n${link(publicUrl, '/verify-email', token)}\n\n`
      + `The link works once and expires in ${Math.round(ttlSeconds / 3600)} hour(s). If you did not sign up, ignore this mail.\n`,
  };
}

/** Sent instead of a verification mail when someone registers an address that has an account. */
export function accountExistsMail(publicUrl: string, to: string): MailMessage {
  return {
    to,
    subject: 'Someone tried to sign up with your email address',
    text: 'Someone (maybe you) tried to create a Switchboard account with this address, which already has one.\n\n'
      + `If you forgot your password, reset it at ${new URL('/forgot-password', publicUrl).toString()}\n`
      + 'Otherwise you can ignore this mail.\n',
  };
}

export function passwordResetMail(publicUrl: string, to: string, token: string, ttlSeconds: number): MailMessage {
  return {
    to,
    subject: 'Reset your Switchboard password',
    text: `Choose a new password by opening:\n${link(publicUrl, '/reset-password', token)}\n\n`
      + `The link works once and expires in ${Math.round(ttlSeconds / 60)} minutes. If you did not ask for it, ignore this mail.\n`,
  };
}

/** Tells the owner about a change to how they sign in, so a takeover does not go unnoticed. */
export function securityNoticeMail(to: string, change: string): MailMessage {
  return {
    to,
    subject: `Switchboard security notice: ${change}`,
    text: `This is to let you know: ${change}.\n\nIf this was not you, reset your password at once and contact support.\n`,
  };
}
