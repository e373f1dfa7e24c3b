/**
 * The latest delivery notice of a pair (`{ code, message, at }`), e.g.
 * `forwards_restricted` when its source chat protects its content and
 * messages are copied instead of forwarded. Null until there is one.
 */
import { Migration } from '@mikro-orm/migrations';

export class PairDeliveryNotice extends Migration {
  override name = '20261204184000-pair-delivery-notice';

  override up(): void {
    this.addSql('alter table forwarding_pairs add column delivery_notice jsonb null');
  }

  override down(): void {
    this.addSql('alter table forwarding_pairs drop column delivery_notice');
  }
}
