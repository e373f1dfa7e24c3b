/**
 * Pairs that map a forum's topics one to one (`map_topics`), and the topics
 * they opened on the destination (`topic_links`).
 */
import { Migration } from '@mikro-orm/migrations';

export class TopicLinks extends Migration {
  override name = '20261206050000-topic-links';

  override up(): void {
    this.addSql('alter table forwarding_pairs add column map_topics boolean not null default false');
    this.addSql(`create table topic_links (
      id uuid not null default gen_random_uuid(),
      pair_id uuid not null,
      source_topic_id text not null,
      destination_topic_id text not null,
      title text not null,
      created_at timestamptz not null default now(),
      constraint topic_links_pkey primary key (id),
      constraint topic_links_pair_id_source_topic_id_unique unique (pair_id, source_topic_id),
      constraint topic_links_pair_id_foreign foreign key (pair_id) references forwarding_pairs (id) on delete cascade
    )`);
  }

  override down(): void {
    this.addSql('drop table topic_links');
    this.addSql('alter table forwarding_pairs drop column map_topics');
  }
}
