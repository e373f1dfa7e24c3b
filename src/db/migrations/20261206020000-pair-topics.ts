/**
 * Telegram forum topics on either end of a pair: a source that reads one
 * topic, a destination that posts into one. Null: the whole chat.
 */
import { Migration } from '@mikro-orm/migrations';

export class PairTopics extends Migration {
  override name = '20261206020000-pair-topics';

  override up(): void {
    this.addSql('alter table forwarding_pairs add column source_topic_id text null, add column destination_topic_id text null');
  }

  override down(): void {
    this.addSql('alter table forwarding_pairs drop column source_topic_id, drop column destination_topic_id');
  }
}
