/** Every entity, in dependency order, for the ORM options. */
import { ApiKey } from './api-key.ts';
import { AuditEvent } from './audit-event.ts';
import { AuthToken } from './auth-token.ts';
import { BillingCustomer } from './billing-customer.ts';
import { BillingEvent } from './billing-event.ts';
import { ChatLink } from './chat-link.ts';
import { DiscordAccount } from './discord-account.ts';
import { ErrorLog } from './error-log.ts';
import { ForwardingPair } from './forwarding-pair.ts';
import { MessageLink } from './message-link.ts';
import { Payment } from './payment.ts';
import { RefreshTokenFamily } from './refresh-token-family.ts';
import { SubscriptionPlan } from './subscription-plan.ts';
import { TelegramAccount } from './telegram-account.ts';
import { TopicLink } from './topic-link.ts';
import { TotpRecoveryCode } from './totp-recovery-code.ts';
import { UsagePeriod } from './usage-period.ts';
import { User } from './user.ts';
import { UserSubscription } from './user-subscription.ts';

export * from './api-key.ts';
export * from './audit-event.ts';
export * from './auth-token.ts';
export * from './billing-customer.ts';
export * from './billing-event.ts';
export * from './chat-link.ts';
export * from './discord-account.ts';
export * from './error-log.ts';
export * from './forwarding-pair.ts';
export * from './message-link.ts';
export * from './payment.ts';
export * from './refresh-token-family.ts';
export * from './subscription-plan.ts';
export * from './telegram-account.ts';
export * from './topic-link.ts';
export * from './totp-recovery-code.ts';
export * from './usage-period.ts';
export * from './user.ts';
export * from './user-subscription.ts';

export const ENTITIES = [
  User,
  SubscriptionPlan,
  UserSubscription,
  UsagePeriod,
  TelegramAccount,
  DiscordAccount,
  ForwardingPair,
  MessageLink,
  TopicLink,
  ChatLink,
  Payment,
  BillingCustomer,
  BillingEvent,
  ApiKey,
  RefreshTokenFamily,
  AuditEvent,
  ErrorLog,
  AuthToken,
  TotpRecoveryCode,
] as const;
