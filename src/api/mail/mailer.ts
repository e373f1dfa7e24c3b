/**
 * Where the API's mail goes: a pluggable transport behind one small
 * interface, chosen by MAIL_TRANSPORT. `smtp` sends through SMTP_URL;
 * `file` writes one JSON file per message under MAIL_DIR, for development
 * (open the file, click the link) and for tests (read the token back).
 */
import type { Config } from '../../config/load-config.ts';
import { FileMailer } from './file-mailer.ts';
import { SmtpMailer } from './smtp-mailer.ts';

export interface MailMessage {
  /** One recipient address. */
  to: string;
  subject: string;
  /** Plain-text body; links are written out in full. */
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Releases connections; sending afterwards is a programming error. */
  close(): Promise<void>;
}

export type MailConfig = Pick<Config, 'MAIL_TRANSPORT' | 'MAIL_DIR' | 'MAIL_FROM' | 'SMTP_URL'>;

/** The mailer MAIL_TRANSPORT names. Config validation already requires SMTP_URL for `smtp`. */
export function createMailer(config: MailConfig): Mailer {
  if (config.MAIL_TRANSPORT === 'smtp') {
    if (config.SMTP_URL === undefined) throw new TypeError('createMailer: MAIL_TRANSPORT=smtp needs SMTP_URL');
    return new SmtpMailer(config.SMTP_URL, config.MAIL_FROM);
  }
  return new FileMailer(config.MAIL_DIR, config.MAIL_FROM);
}
