/** Sends through an SMTP server with nodemailer (pooled connections). */
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailMessage, Mailer } from './mailer.ts';

export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;
  readonly #from: string;

  /** `url` is SMTP_URL, e.g. `smtps://user:pass@smtp.example.com:465`; it may hold a password, never log it. */
  constructor(url: string, from: string) {
    const pooled = new URL(url);
    pooled.searchParams.set('pool', 'true');
    this.#transport = nodemailer.createTransport(pooled.toString());
    this.#from = from;
  }

  async send(message: MailMessage): Promise<void> {
    await this.#transport.sendMail({ from: this.#from, to: message.to, subject: message.subject, text: message.text });
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
