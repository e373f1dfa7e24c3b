/**
 * Every Redis key the cluster uses, in one place. All are relative: the
 * client's `keyPrefix` (REDIS_KEY_PREFIX) is put in front by ioredis, and Lua
 * scripts receive the keys already prefixed through KEYS.
 */
export const keys = {
  /** Lease of one session: hash { owner, token, expiresAt }. */
  lease: (sessionId: string) => `lease:${sessionId}`,
  /** Fencing token counter of one session: only ever goes up. */
  leaseFence: (sessionId: string) => `lease-fence:${sessionId}`,
  /** Supervisors by last heartbeat (sorted set, score = ms). */
  supervisors: () => 'supervisors',
  /** Latest status snapshot of one supervisor (JSON, expires when it stops publishing). */
  supervisorSnapshot: (supervisorId: string) => `supervisor:${supervisorId}:snapshot`,
  /** Supervisors that own a share of the accounts, by last heartbeat (sorted set, score = ms). */
  members: () => 'members',
  /** One member's entry `{weight}` (JSON, expires unless its supervisor heartbeats). */
  member: (supervisorId: string) => `member:${supervisorId}`,
  /** Admin commands to one supervisor (stream). */
  supervisorCommands: (supervisorId: string) => `supervisor:${supervisorId}:commands`,
  /** Reply list of one admin command. */
  commandReply: (commandId: string) => `command-reply:${commandId}`,
  /** Cluster events: transitions, scale-out requests (stream, capped). */
  events: () => 'events',
  /** Loopback network: live connections of one session (sorted set, score = expiry ms). */
  loopbackConnections: (sessionId: string) => `loopback:conn:${sessionId}`,
  /** Loopback network: sessions seen with two live connections at once, and how often (hash). */
  loopbackViolations: () => 'loopback:violations',
  /** Loopback network: messages of one chat (stream). */
  loopbackChat: (chatId: string) => `loopback:chat:${chatId}`,
  /** Loopback network: a scripted flood wait on one session's sends (string with a PX expiry). */
  loopbackFloodWait: (sessionId: string) => `loopback:flood:${sessionId}`,
  /** Loopback network: the message a send nonce already posted (string with a PX expiry). */
  loopbackNonce: (idempotencyKey: string) => `loopback:nonce:${idempotencyKey}`,
  /** Loopback network: send attempts per idempotency key (hash), duplicates absorbed by nonces included. */
  loopbackAttempts: () => 'loopback:attempts',
  /** Loopback network: deliveries per idempotency key (hash), to count duplicates. */
  loopbackDeliveries: () => 'loopback:deliveries',
} as const;
