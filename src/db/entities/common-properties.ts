/**
 * Property builders every table shares, so ids and timestamps are declared
 * once and the hand-written migrations have one shape to match.
 */
import { randomUUID } from 'node:crypto';
import { p } from '@mikro-orm/core';

/**
 * uuid primary key. The app fills it at `em.create` so an entity has its id
 * before the flush (handy for references and logs); the column default
 * `gen_random_uuid()` covers rows inserted by raw SQL.
 */
export function uuidPrimaryKey() {
  return p.uuid().primary().onCreate(() => randomUUID()).defaultRaw('gen_random_uuid()');
}

/** `created_at timestamptz not null default now()`, set once. */
export function createdAt() {
  return p.datetime().onCreate(() => new Date()).defaultRaw('now()');
}

/** `updated_at timestamptz not null default now()`, bumped on every flushed change. */
export function updatedAt() {
  return p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()).defaultRaw('now()');
}

/** A nullable `timestamptz`. */
export function optionalTimestamp() {
  return p.datetime().nullable();
}
