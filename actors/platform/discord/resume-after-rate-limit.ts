/**
 * Makes discord.js resume after a gateway close 4008 (rate limited). Discord
 * documents 4008 as resumable, but @discordjs/ws drops the session on it and
 * identifies again, spending one of the bot's daily session starts. This
 * keeps the session through that one close, so the reconnect resumes; if
 * Discord refuses the resume (op 9), discord.js identifies as before.
 *
 * It wraps `updateSessionInfo` of discord.js's internal @discordjs/ws
 * manager (`client.ws._ws`, read on every call); on a discord.js without it
 * this does nothing and 4008 costs a start again.
 */
import type { Client } from 'discord.js';

const RATE_LIMITED = 4008;

interface SessionStoreOptions {
  updateSessionInfo: (shardId: number, info: unknown) => unknown;
}

/** Call once the client is ready (the internal manager exists from login on). */
export function resumeAfterRateLimit(client: Client): boolean {
  const manager = (client.ws as unknown as { _ws?: { options?: SessionStoreOptions } })._ws;
  const options = manager?.options;
  const shard = client.ws.shards.first();
  if (options === undefined || typeof options.updateSessionInfo !== 'function' || shard === undefined) return false;
  const update = options.updateSessionInfo;
  let lastClose = 0;
  // discord.js re-emits the close synchronously, before @discordjs/ws clears the session.
  shard.on('close', (event: { code: number }) => { lastClose = event.code; });
  options.updateSessionInfo = (shardId, info) => {
    const keep = info === null && lastClose === RATE_LIMITED;
    lastClose = 0;
    return keep ? undefined : update(shardId, info);
  };
  return true;
}
