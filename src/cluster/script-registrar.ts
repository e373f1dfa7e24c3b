/**
 * Registers a table of Lua scripts on ioredis clients with `defineCommand`,
 * as BullMQ does: ioredis then sends EVALSHA (falling back to EVAL once per
 * connection) and puts the client's `keyPrefix` in front of every key passed
 * as a key. Each script table (the cluster's, the scheduler store's) makes
 * its own registrar; the files are read lazily, once per thread.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** One script: its file, and its key count (omitted: the caller passes the count first, for variable key lists). */
export interface ScriptDefinition {
  file: string;
  numberOfKeys?: number;
  readOnly?: boolean;
}

/** Returns a function that registers every script of `definitions` on a client (once per client) and types it as `T`. */
export function scriptRegistrar<T>(dir: URL, definitions: Readonly<Record<string, ScriptDefinition>>): (redis: Redis) => Redis & T {
  const sources = new Map<string, string>();
  const registered = new WeakSet<Redis>();
  const source = (file: string): string => {
    let lua = sources.get(file);
    if (lua === undefined) {
      lua = readFileSync(new URL(file, dir), 'utf8');
      sources.set(file, lua);
    }
    return lua;
  };
  return (redis) => {
    if (!registered.has(redis)) {
      for (const [name, def] of Object.entries(definitions)) {
        redis.defineCommand(name, {
          lua: source(def.file),
          ...(def.numberOfKeys !== undefined ? { numberOfKeys: def.numberOfKeys } : {}),
          ...(def.readOnly !== undefined ? { readOnly: def.readOnly } : {}),
        });
      }
      registered.add(redis);
    }
    return redis as Redis & T;
  };
}
