/**
 * Sends a mail without letting its failure answer the request: the answer
 * must not depend on whether mail went out (that would tell who has an
 * account), and the user can ask again. Failures are logged for operators.
 */
import type { ApiContext } from '../api-context.ts';
import type { MailMessage } from '../mail/mailer.ts';

export async function sendMailQuietly(ctx: ApiContext, message: MailMessage, reqId: string): Promise<void> {
  try {
    await ctx.mailer.send(message);
  } catch (err) {
    ctx.logger.error({ err, reqId, subject: message.subject }, 'sending mail failed');
  }
}
