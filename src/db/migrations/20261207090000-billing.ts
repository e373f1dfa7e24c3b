/**
 * Billing (issue 17): the provider's side of a subscription on its row
 * (which provider, its billing status, cancel at period end, the grace of
 * a failed payment, the last provider update applied), the provider's
 * customer of each user, and every provider event processed, so a webhook
 * delivered twice changes nothing the second time.
 */
import { Migration } from '@mikro-orm/migrations';

export class Billing extends Migration {
  override name = '20261207090000-billing';

  override up(): void {
    this.addSql(`alter table user_subscriptions
      add column provider text null,
      add column billing_status text null,
      add column billing_period text null,
      add column cancel_at_period_end boolean not null default false,
      add column grace_until timestamptz null,
      add column provider_updated_at timestamptz null,
      add constraint user_subscriptions_provider_check check (provider in ('stripe', 'paypal', 'nowpayments')),
      add constraint user_subscriptions_billing_status_check check (billing_status in ('active', 'past_due', 'canceled')),
      add constraint user_subscriptions_billing_period_check check (billing_period in ('monthly', 'yearly'))`);
    this.addSql('create index user_subscriptions_provider_external_ref_index on user_subscriptions (provider, external_ref)');
    this.addSql(`create table billing_customers (
      id uuid not null default gen_random_uuid(),
      user_id uuid not null,
      provider text not null,
      customer_id text not null,
      created_at timestamptz not null default now(),
      constraint billing_customers_pkey primary key (id),
      constraint billing_customers_provider_check check (provider in ('stripe', 'paypal', 'nowpayments')),
      constraint billing_customers_provider_customer_id_unique unique (provider, customer_id),
      constraint billing_customers_user_id_provider_unique unique (user_id, provider),
      constraint billing_customers_user_id_foreign foreign key (user_id) references users (id) on delete cascade
    )`);
    this.addSql(`create table billing_events (
      id uuid not null default gen_random_uuid(),
      provider text not null,
      event_id text not null,
      event_type text not null,
      user_id uuid null,
      outcome text not null,
      created_at timestamptz not null default now(),
      constraint billing_events_pkey primary key (id),
      constraint billing_events_provider_check check (provider in ('stripe', 'paypal', 'nowpayments')),
      constraint billing_events_provider_event_id_unique unique (provider, event_id),
      constraint billing_events_user_id_foreign foreign key (user_id) references users (id) on delete set null
    )`);
    this.addSql('create index billing_events_user_id_index on billing_events (user_id)');
    this.addSql('create index payments_created_at_index on payments (created_at)');
  }

  override down(): void {
    this.addSql('drop index payments_created_at_index');
    this.addSql('drop table billing_events');
    this.addSql('drop table billing_customers');
    this.addSql('drop index user_subscriptions_provider_external_ref_index');
    this.addSql(`alter table user_subscriptions
      drop column provider, drop column billing_status, drop column billing_period,
      drop column cancel_at_period_end, drop column grace_until, drop column provider_updated_at`);
  }
}
