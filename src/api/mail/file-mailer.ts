/**
 * The development and test transport: each message becomes
 * `<MAIL_DIR>/<epoch ms>-<random>.json` holding `{ from, to, subject, text,
 * sentAt }`. Files are private (0600): they carry live verification and
 * reset links.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MailMessage, Mailer } from './mailer.ts';

/** What one file holds. */
export interface StoredMail extends MailMessage {
  from: string;
  /** ISO time the message was written. */
  sentAt: string;
}

export class FileMailer implements Mailer {
  readonly #dir: string;
  readonly #from: string;

  constructor(dir: string, from: string) {
    this.#dir = resolve(dir);
    this.#from = from;
  }

  async send(message: MailMessage): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const now = new Date();
    const stored: StoredMail = { from: this.#from, to: message.to, subject: message.subject, text: message.text, sentAt: now.toISOString() };
    // Zero-padded time first, so a plain sort of the names is the sending order.
    const name = `${String(now.getTime()).padStart(15, '0')}-${randomBytes(4).toString('hex')}.json`;
    // Written aside and renamed: a reader listing the directory never sees a half-written message.
    const path = join(this.#dir, name);
    await writeFile(`${path}.partial`, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
    await rename(`${path}.partial`, path);
  }

  async close(): Promise<void> {}
}
