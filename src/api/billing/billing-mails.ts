/** The mails billing sends besides the plan-ended one (expire-subscriptions.ts). Pure. */
import { PLANS } from '../../../config/plans.ts';
import type { Tier } from '../../domain/plans/plan-types.ts';
import type { MailMessage } from '../mail/mailer.ts';

export function paymentFailedMail(to: string, plan: Tier, graceUntil: Date, portalHint: string): MailMessage {
  const name = PLANS[plan].displayName;
  return {
    to,
    subject: `Your ${name} payment did not go through`,
    text: [
      `We could not take the payment for your ${name} plan. Your payment provider will try again.`,
      '',
      `You keep the ${name} plan until ${graceUntil.toISOString()}. If no payment has gone through by then, your account moves to the ${PLANS.free.displayName} plan and what does not fit its limits is paused.`,
      '',
      portalHint,
    ].join('\n'),
  };
}
