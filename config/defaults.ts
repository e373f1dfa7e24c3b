/**
 * Defaults for every environment variable Switchboard reads. The README's
 * configuration table is written from this file; keep the two in step.
 */
export const DEFAULTS = {
  /** `NODE_ENV`: `development`, `test` or `production`. Default `development`. */
  NODE_ENV: 'development',
  /** `DATABASE_URL`: PostgreSQL URL. Default: unset, which starts an embedded PostgreSQL under `DATA_DIR`. */
  DATABASE_URL: undefined,
  /** `DATABASE_SCHEMA`: schema holding every table. Default `public`; tests use one schema per run. */
  DATABASE_SCHEMA: 'public',
  /** `REDIS_URL`: Redis URL. Default: unset, which runs a `redis-server` from PATH, else an in-process stand-in. */
  REDIS_URL: undefined,
  /** `REDIS_KEY_PREFIX`: prefix of every Redis key, so several deployments or test runs share one server. Default `sb:`. */
  REDIS_KEY_PREFIX: 'sb:',
  /**
   * `REDIS_PERSISTENCE_CHECK`: what a process does when the Redis it opens would lose or evict accepted work
   * (not `appendonly yes`, `appendfsync everysec`, `maxmemory-policy noeviction`) or hides its settings:
   * `warn` (a warning per setting, shown on health and metrics), `strict` (also refuse to start, exit 78) or `off`.
   * Default `warn`.
   */
  REDIS_PERSISTENCE_CHECK: 'warn',
  /** `DATA_DIR`: folder for embedded PostgreSQL/Redis data and the development secret key. Default `./var`. */
  DATA_DIR: './var',
  /** `EMBEDDED_PG_PORT`: port of the embedded PostgreSQL. Default `54329` (away from a system server on 5432). */
  EMBEDDED_PG_PORT: 54329,
  /** `EMBEDDED_REDIS_PORT`: port of the embedded redis-server. Default `63799`. */
  EMBEDDED_REDIS_PORT: 63799,
  /** `API_HOST`: address the HTTP API binds. Default `127.0.0.1`. */
  API_HOST: '127.0.0.1',
  /** `API_PORT`: port of the HTTP API. Default `3000`. */
  API_PORT: 3000,
  /** `LOG_LEVEL`: pino level. Default `info`. */
  LOG_LEVEL: 'info',
  /** `LOG_DIR`: folder of the rotated log files. Default `./var/log`. */
  LOG_DIR: './var/log',
  /** `LOG_PRETTY`: `auto` (pretty only on a terminal), `true` or `false`. Default `auto`. */
  LOG_PRETTY: 'auto',
  /** `LOG_ROTATE_SIZE`: rotate a log file when it reaches this size (`k`, `m`, `g`). Default `50m`. */
  LOG_ROTATE_SIZE: '50m',
  /** `LOG_ROTATE_FREQUENCY`: also rotate `daily` or `hourly`. Default `daily`. */
  LOG_ROTATE_FREQUENCY: 'daily',
  /** `LOG_RETAIN_FILES`: rotated files kept per log; older ones are deleted. Default `14`. */
  LOG_RETAIN_FILES: 14,
  /**
   * `SECRET_KEYS`: comma-separated `keyId:base64key` pairs, each key 32 bytes,
   * for sealing session strings and bot tokens. Default: unset, which outside
   * production creates a development key under `DATA_DIR`; production refuses to start.
   */
  SECRET_KEYS: undefined,
  /** `SECRET_KEY_CURRENT`: key id new secrets are sealed with. Default: the last key of `SECRET_KEYS`. */
  SECRET_KEY_CURRENT: undefined,
  /** `SUPERVISOR_ID`: this supervisor's id in the cluster. Default: unset, which means `<hostname>-<pid>`. */
  SUPERVISOR_ID: undefined,
  /** `SUPERVISOR_WORKERS`: worker processes forked at start. Default: unset, which means one per core. */
  SUPERVISOR_WORKERS: undefined,
  /** `SUPERVISOR_MAX_WORKERS`: most worker processes on this host. Default: unset, which means twice the workers. */
  SUPERVISOR_MAX_WORKERS: undefined,
  /** `SUPERVISOR_THREADS_PER_WORKER`: threads in each worker's pool. Default `2`. */
  SUPERVISOR_THREADS_PER_WORKER: 2,
  /** `SUPERVISOR_SESSIONS_PER_WORKER`: sessions one worker may hold. Default `5000`. */
  SUPERVISOR_SESSIONS_PER_WORKER: 5_000,
  /** `SUPERVISOR_THREAD_HEAP_MB`: hard cap of each thread's old generation, in MB. Default `1024`. */
  SUPERVISOR_THREAD_HEAP_MB: 1_024,
  /** `PRESSURE_HIGH_WATERMARK`: fraction of host memory in use above which actors are paused, Free first. Default `0.85`. */
  PRESSURE_HIGH_WATERMARK: 0.85,
  /** `PRESSURE_LOW_WATERMARK`: fraction below which paused actors are resumed. Default `0.70`. */
  PRESSURE_LOW_WATERMARK: 0.7,
  /** `PRESSURE_PAUSE_ELITE`: whether Elite actors may be paused at all. Default `false`. */
  PRESSURE_PAUSE_ELITE: 'false',
  /** `LEASE_TTL_MS`: lifetime of a session lease; a crashed host's sessions restart elsewhere after it. Default `10000`. */
  LEASE_TTL_MS: 10_000,
  /**
   * `SESSION_START_CONCURRENCY`: sessions a supervisor starts at once (at
   * start-up, and when it takes over a failed host's accounts), Elite ones
   * before any Pro, Pro before any Free. Default `8`.
   */
  SESSION_START_CONCURRENCY: 8,
  /** `HEALTH_INTERVAL_MS`: how often every running actor's health is checked. Default `300000` (5 minutes). */
  HEALTH_INTERVAL_MS: 300_000,
  /** `SCALE_OUT_WEBHOOK_URL`: URL POSTed when this host is full. Default: unset (event and log line only). */
  SCALE_OUT_WEBHOOK_URL: undefined,
  /** `METRICS_HOST`: address the supervisor's Prometheus `/metrics` binds. Default `127.0.0.1`. */
  METRICS_HOST: '127.0.0.1',
  /** `METRICS_PORT`: port of the supervisor's `/metrics`; `0` turns it off. Default `9464`. */
  METRICS_PORT: 9_464,
  /**
   * `API_METRICS_PORT`: port of an API process' own `/metrics` (requests by route and status, latency, the
   * process); under pm2's cluster mode instance N listens on this port + N. `0` turns it off. Default `9465`.
   */
  API_METRICS_PORT: 9_465,
  /** `SHUTDOWN_TIMEOUT_MS`: how long graceful shutdown may take before the process exits anyway. Default `15000`. */
  SHUTDOWN_TIMEOUT_MS: 15_000,
  /**
   * `STARTUP_WAIT_MS`: how long a starting process waits for PostgreSQL and Redis to answer
   * before it exits 1; 0 waits without end (logging each attempt). Default `0`.
   */
  STARTUP_WAIT_MS: 0,
  /**
   * `REDIS_COMMAND_TIMEOUT_MS`: how long the API and the bots wait for a Redis command before the request
   * answers 503 `dependency_unavailable` (the supervisor always waits). Default `2000`.
   */
  REDIS_COMMAND_TIMEOUT_MS: 2_000,
  /** `PUBLIC_URL`: the address users reach the service at; links in mails start with it. Default `http://127.0.0.1:3000`. */
  PUBLIC_URL: 'http://127.0.0.1:3000',
  /** `TRUST_PROXY`: which proxies' `X-Forwarded-For` to believe for client addresses: `false`, `loopback`, `linklocal` or `uniquelocal`. Default `false`. */
  TRUST_PROXY: 'false',
  /** `API_BODY_LIMIT_KB`: largest JSON request body, in KiB. Default `100`. */
  API_BODY_LIMIT_KB: 100,
  /**
   * `JWT_SECRET`: HMAC key (HS256) of access tokens, at least 32 characters
   * (openssl rand -base64 32); every API process must share it. Default: unset,
   * which outside production derives a key from SECRET_KEYS (or the development
   * key); production refuses to start.
   */
  JWT_SECRET: undefined,
  /** `JWT_ISSUER`: `iss` of access tokens, required on verification. Default `switchboard`. */
  JWT_ISSUER: 'switchboard',
  /** `JWT_AUDIENCE`: `aud` of access tokens, required on verification. Default `switchboard-api`. */
  JWT_AUDIENCE: 'switchboard-api',
  /** `ACCESS_TOKEN_TTL`: lifetime of an access token, in seconds. Default `900` (15 minutes). */
  ACCESS_TOKEN_TTL: 900,
  /** `REFRESH_TOKEN_TTL`: lifetime of a sign-in (refresh-token family), in seconds. Default `2592000` (30 days). */
  REFRESH_TOKEN_TTL: 2_592_000,
  /** `MFA_TOKEN_TTL`: time to enter the 2FA code after the password, in seconds. Default `300`. */
  MFA_TOKEN_TTL: 300,
  /** `EMAIL_VERIFICATION_TTL`: lifetime of an email-verification link, in seconds. Default `86400` (1 day). */
  EMAIL_VERIFICATION_TTL: 86_400,
  /** `PASSWORD_RESET_TTL`: lifetime of a password-reset link, in seconds. Default `3600` (1 hour). */
  PASSWORD_RESET_TTL: 3_600,
  /**
   * `API_KEY_PEPPER`: HMAC key API keys are hashed with, at least 32 characters.
   * Default: unset, which outside production derives one from SECRET_KEYS (or the
   * development key); production refuses to start. Changing it invalidates every key.
   */
  API_KEY_PEPPER: undefined,
  /** `PASSWORD_HASH_MEMORY_KIB`: argon2id memory cost in KiB. Default `19456` (19 MiB, OWASP). */
  PASSWORD_HASH_MEMORY_KIB: 19_456,
  /** `PASSWORD_HASH_ITERATIONS`: argon2id time cost. Default `2` (OWASP, with 19 MiB). */
  PASSWORD_HASH_ITERATIONS: 2,
  /** `PASSWORD_HASH_PARALLELISM`: argon2id lanes. Default `1` (OWASP). */
  PASSWORD_HASH_PARALLELISM: 1,
  /** `AUTH_RATE_LIMIT_PER_MINUTE`: requests per client address per minute to sign-in, registration and reset routes. Default `20`. */
  AUTH_RATE_LIMIT_PER_MINUTE: 20,
  /**
   * `REFRESH_RATE_LIMIT_PER_MINUTE`: token refreshes per client address per minute. Its own budget:
   * a household behind one address refreshes often, but a stolen-token spray must not run free. Default `60`.
   */
  REFRESH_RATE_LIMIT_PER_MINUTE: 60,
  /** `LOGIN_MAX_FAILURES`: failed sign-ins (password or 2FA code) of one account before it is locked. Default `10`. */
  LOGIN_MAX_FAILURES: 10,
  /** `LOGIN_LOCKOUT_SECONDS`: how long a locked account stays locked, and the window failures are counted in. Default `900`. */
  LOGIN_LOCKOUT_SECONDS: 900,
  /** `MAIL_TRANSPORT`: `file` (JSON files under MAIL_DIR) or `smtp` (SMTP_URL). Default `file`. */
  MAIL_TRANSPORT: 'file',
  /** `MAIL_DIR`: folder of the `file` mail transport. Default `./var/mail`. */
  MAIL_DIR: './var/mail',
  /** `SMTP_URL`: `smtp://` or `smtps://` URL of the mail server; required when MAIL_TRANSPORT is `smtp`. Default: unset. */
  SMTP_URL: undefined,
  /** `MAIL_FROM`: sender of the service's mail. Default `Switchboard <no-reply@switchboard.invalid>`. */
  MAIL_FROM: 'Switchboard <no-reply@switchboard.invalid>',
  /** `DISCORD_API_URL`: Discord REST base bot tokens are checked against when linked (tests point it at a fake). Default `https://discord.com/api`. */
  DISCORD_API_URL: 'https://discord.com/api',
  /** `DISCORD_INVALID_REQUEST_LIMIT`: invalid Discord requests (401, 403, 429) a host's bots may make in 10 minutes, all threads and workers together, before they stop sending (Discord bans the IP at 10,000). Default `2500`. */
  DISCORD_INVALID_REQUEST_LIMIT: 2_500,
  /** `TELEGRAM_API_ID`: `api_id` of the Telegram application (my.telegram.org). Default: unset, which leaves Telegram off (linking answers `telegram_unavailable`). */
  TELEGRAM_API_ID: undefined,
  /** `TELEGRAM_API_HASH`: `api_hash` of that application, 32 hex characters. Default: unset. */
  TELEGRAM_API_HASH: undefined,
  /** `TELEGRAM_SERVER`: `host:port` of one MTProto server standing in for every data centre (the fake, in tests and demos). Default: unset, Telegram's own. */
  TELEGRAM_SERVER: undefined,
  /** `TELEGRAM_SERVER_KEY_FILE`: PEM file of that server's RSA public key(s). Default: unset. */
  TELEGRAM_SERVER_KEY_FILE: undefined,
  /** `API_JOBS_INTERVAL_MS`: how often an API process runs the plan expiry and usage flush jobs (one cluster member at a time). Default `60000`. */
  API_JOBS_INTERVAL_MS: 60_000,
  /** `STRIPE_SECRET_KEY`: Stripe secret (`sk_…`) or restricted (`rk_…`) API key. Default: unset, which leaves Stripe off (`billing_not_configured`). */
  STRIPE_SECRET_KEY: undefined,
  /** `STRIPE_WEBHOOK_SECRET`: signing secret (`whsec_…`) of the webhook endpoint registered in Stripe; required with the key. Default: unset. */
  STRIPE_WEBHOOK_SECRET: undefined,
  /** `STRIPE_API_URL`: base URL of the Stripe API (tests point it at the Stripe fake). Default `https://api.stripe.com`. */
  STRIPE_API_URL: 'https://api.stripe.com',
  /** `STRIPE_PRICE_{PRO,ELITE}_{MONTHLY,YEARLY}`: the Stripe price (`price_…`) sold for each plan and period; at least one with the key. Default: unset (not sold). */
  STRIPE_PRICE_PRO_MONTHLY: undefined,
  STRIPE_PRICE_PRO_YEARLY: undefined,
  STRIPE_PRICE_ELITE_MONTHLY: undefined,
  STRIPE_PRICE_ELITE_YEARLY: undefined,
  /** `BILLING_GRACE_DAYS`: days a paid plan is kept after its renewal falls due unpaid (a failed charge, a late webhook) before it moves to Free. Default `7`. */
  BILLING_GRACE_DAYS: 7,
  /** `NOWPAYMENTS_IPN_SECRET`: IPN secret of the NOWPayments account; turns on its webhook. Default: unset. */
  NOWPAYMENTS_IPN_SECRET: undefined,
  /** `PAYPAL_CLIENT_ID`, `PAYPAL_CLIENT_SECRET`, `PAYPAL_WEBHOOK_ID`: the PayPal REST app and the id of its webhook; all three or none. Default: unset. */
  PAYPAL_CLIENT_ID: undefined,
  PAYPAL_CLIENT_SECRET: undefined,
  PAYPAL_WEBHOOK_ID: undefined,
  /** `PAYPAL_API_URL`: base URL of the PayPal REST API (`https://api-m.sandbox.paypal.com` for the sandbox; tests use the fake). Default `https://api-m.paypal.com`. */
  PAYPAL_API_URL: 'https://api-m.paypal.com',
} as const;
