/**
 * Every error code Switchboard answers with, in one place, as fastify's
 * `lib/errors.js` keeps them. Codes are part of the public contract: add new
 * ones freely, never rename or reuse one.
 */
import { defineError } from './switchboard-error.ts';

// --- configuration -------------------------------------------------------
export const ConfigInvalidError = defineError<{ problems: string[] }>(
  'ConfigInvalidError', 'config_invalid', 500,
  (d) => `Invalid configuration:\n  - ${d.problems.join('\n  - ')}`,
);

// --- plans and quotas (status 402: upgrading the plan is the remedy) ------
export const QuotaExceededError = defineError<{ resource: string; current: number; limit: number; plan: string }>(
  'QuotaExceededError', 'quota_exceeded', 402,
  (d) => `The ${d.plan} plan allows ${d.limit} ${d.resource.replaceAll('_', ' ')}; you have ${d.current}`,
);
export const FeatureNotInPlanError = defineError<{ feature: string; plan: string }>(
  'FeatureNotInPlanError', 'feature_not_in_plan', 402,
  (d) => `The ${d.plan} plan does not include ${d.feature.replaceAll('_', ' ')}`,
);
export const AccountInactiveError = defineError<{ status: string }>(
  'AccountInactiveError', 'account_inactive', 403,
  (d) => `This account is ${d.status}`,
);
export const CommandNotAllowedError = defineError<{ command: string; role: string }>(
  'CommandNotAllowedError', 'command_not_allowed', 403,
  (d) => `The /${d.command} command is not available to ${d.role} users`,
);
export const UnknownPlanError = defineError<{ plan: string }>(
  'UnknownPlanError', 'unknown_plan', 400,
  (d) => `There is no plan named "${d.plan}"`,
);

// --- secrets at rest -----------------------------------------------------
export const SecretMalformedError = defineError<Record<string, never>>(
  'SecretMalformedError', 'secret_malformed', 500,
  () => 'Stored secret is not a Switchboard envelope',
);
export const SecretKeyUnknownError = defineError<{ keyId: string }>(
  'SecretKeyUnknownError', 'secret_key_unknown', 500,
  (d) => `Stored secret was sealed with key "${d.keyId}", which is not configured in SECRET_KEYS`,
);
export const SecretTamperedError = defineError<{ keyId: string }>(
  'SecretTamperedError', 'secret_tampered', 500,
  (d) => `Stored secret sealed with key "${d.keyId}" failed authentication: it was altered or the key is wrong`,
);

// --- infrastructure ------------------------------------------------------
export const DependencyUnavailableError = defineError<{ dependency: string; reason: string }>(
  'DependencyUnavailableError', 'dependency_unavailable', 503,
  (d) => `${d.dependency} is unavailable: ${d.reason}`,
);

/**
 * REDIS_PERSISTENCE_CHECK=strict and the server would lose or evict accepted
 * work, or hides its settings; one line, the process exits 78.
 */
export const RedisPersistenceUnsafeError = defineError<{ redis: string; reason: string }>(
  'RedisPersistenceUnsafeError', 'redis_persistence_unsafe', 500,
  (d) => `REDIS_PERSISTENCE_CHECK is strict and ${d.redis} is not safe to keep forwarding work in: ${d.reason}`,
);

// --- options and measurements (programming or deployment mistakes) -------
/** An options object failed its up-front check; `message` names the option and the rule, as piscina's do. */
export const InvalidOptionError = defineError<{ option: string; message: string }>(
  'InvalidOptionError', 'invalid_option', 500,
  (d) => d.message,
);
/** A measurement handed to a supervisor policy is unusable (negative, not a whole number of bytes, duplicated...). */
export const InvalidMeasurementError = defineError<{ field: string; message: string }>(
  'InvalidMeasurementError', 'invalid_measurement', 500,
  (d) => d.message,
);

// --- secret rotation -----------------------------------------------------
/** Row a rotation cannot re-encrypt; never carries the stored value. */
type BlockedSecret = { table: string; column: string; id: string; code: string; keyId?: string };
/** Rotation found stored secrets it cannot open (unknown key, malformed, tampered); it rotated none of them. */
export const SecretRotationBlockedError = defineError<{ rows: BlockedSecret[]; total: number }>(
  'SecretRotationBlockedError', 'secret_rotation_blocked', 500,
  (d) => `Cannot rotate secrets: ${d.total} stored secret(s) cannot be opened with SECRET_KEYS:\n  - ${d.rows
    .map((r) => `${r.table}.${r.column} id=${r.id}: ${r.code}${r.keyId === undefined ? '' : ` (key "${r.keyId}")`}`)
    .join('\n  - ')}${d.total > d.rows.length ? `\n  - ... and ${d.total - d.rows.length} more` : ''}`,
);
/** A column listed for rotation is absent from the schema or cannot hold an envelope. */
export const SecretColumnInvalidError = defineError<{ schema: string; table: string; column: string; reason: string }>(
  'SecretColumnInvalidError', 'secret_column_invalid', 500,
  (d) => `${d.schema}.${d.table}.${d.column} ${d.reason}`,
);

// --- database and migrations ---------------------------------------------
/** A command that needs an external PostgreSQL ran without DATABASE_URL. */
export const DatabaseUrlMissingError = defineError<Record<string, never>>(
  'DatabaseUrlMissingError', 'database_url_missing', 500,
  () => 'DATABASE_URL is not set; npm start runs migrations on its embedded PostgreSQL',
);
/** A port the process is configured to listen on is taken (or not allowed), found before anything started. */
export const PortInUseError = defineError<{ variable: string; host: string; port: number; reason: string }>(
  'PortInUseError', 'port_in_use', 500,
  (d) => (d.reason === 'EACCES'
    ? `${d.variable}: this process may not listen on ${d.host}:${d.port}; choose a port above 1023 or another ${d.variable}`
    : `${d.variable}: ${d.host}:${d.port} is already in use by another process; stop it or set ${d.variable} to a free port`),
);
/** `migrate down --to NAME` named a migration that is not applied in this schema (a typo must not revert everything). */
export const UnknownMigrationError = defineError<{ migration: string; executed: string[] }>(
  'UnknownMigrationError', 'unknown_migration', 400,
  (d) => `Migration "${d.migration}" is not applied in this schema; applied: ${d.executed.length === 0 ? '(none)' : d.executed.join(', ')}`,
);

// --- forwarding scheduler (src/scheduler/core) ---------------------------
/** A task handed to the scheduler (enqueue or restore) breaks its shape; `message` names the field. */
export const ForwardTaskInvalidError = defineError<{ taskId: string; field: string; message: string }>(
  'ForwardTaskInvalidError', 'forward_task_invalid', 500,
  (d) => `Forwarding task "${d.taskId}": ${d.message}`,
);
/** `restore` was called on a scheduler that already holds tasks, whose pair order it cannot merge with. */
export const SchedulerNotEmptyError = defineError<{ held: number }>(
  'SchedulerNotEmptyError', 'scheduler_not_empty', 500,
  (d) => `Cannot restore into a scheduler that holds ${d.held} task(s); restore into a new one`,
);

// --- admin channel and the switchboard CLI (src/cluster/admin-channel.ts, src/cli/switchboard.ts)
/** An admin command got no reply in time: the supervisor is down, hung or busy. */
export const SupervisorUnreachableError = defineError<{ supervisorId: string; timeoutMs: number }>(
  'SupervisorUnreachableError', 'supervisor_unreachable', 504,
  (d) => `Supervisor "${d.supervisorId}" did not answer within ${d.timeoutMs} ms`,
);
/** No supervisor has a fresh status snapshot in Redis. */
export const NoSupervisorRunningError = defineError<{ redis: string }>(
  'NoSupervisorRunningError', 'no_supervisor_running', 503,
  (d) => `No supervisor is running: no fresh status snapshot in Redis at ${d.redis}`,
);
export const SupervisorNotFoundError = defineError<{ supervisorId: string }>(
  'SupervisorNotFoundError', 'supervisor_not_found', 404,
  (d) => `no supervisor "${d.supervisorId}" is running`,
);
/** A watermark change that, with the watermarks it keeps, would leave low at or above high. */
export const PressureConflictError = defineError<{ supervisorId: string; highWatermark: number; lowWatermark: number }>(
  'PressureConflictError', 'pressure_conflict', 409,
  (d) => `supervisor "${d.supervisorId}" would have lowWatermark ${d.lowWatermark} at or above highWatermark ${d.highWatermark}: change both together`,
);
export const SessionNotFoundError = defineError<{ sessionId: string }>(
  'SessionNotFoundError', 'session_not_found', 404,
  (d) => `no session "${d.sessionId}" in any running supervisor`,
);
/** A shortened session or worker id that begins more than one id. */
export const IdAmbiguousError = defineError<{ kind: 'session' | 'worker'; prefix: string; matches: string[] }>(
  'IdAmbiguousError', 'id_ambiguous', 400,
  (d) => `"${d.prefix}" begins more than one ${d.kind} id (${d.matches.slice(0, 5).join(', ')}${d.matches.length > 5 ? ', …' : ''}); give more of it`,
);
export const WorkerNotFoundError = defineError<{ workerId: string }>(
  'WorkerNotFoundError', 'worker_not_found', 404,
  (d) => `no worker "${d.workerId}" in any running supervisor`,
);
/** A request on a supervisor's command stream that is not an admin command (wrong shape, unknown command). */
export const AdminCommandInvalidError = defineError<{ reason: string }>(
  'AdminCommandInvalidError', 'admin_command_invalid', 400,
  (d) => `Invalid admin command: ${d.reason}`,
);
/** A failure that is not a SwitchboardError, reported with its message under one stable code. */
export const InternalError = defineError<{ message: string }>(
  'InternalError', 'internal_error', 500,
  (d) => d.message,
);
/** A CLI was given arguments it cannot run with; `message` is commander's, naming the option. */
export const CliUsageError = defineError<{ message: string }>(
  'CliUsageError', 'invalid_arguments', 400,
  (d) => d.message,
);

// --- loopback platform (actors/platform/loopback) -------------------------
/** `createLoopbackClient` was called in a thread where no loopback runtime (network, poller, heartbeats) was installed. */
export const LoopbackNotInstalledError = defineError<Record<string, never>>(
  'LoopbackNotInstalledError', 'loopback_not_installed', 500,
  () => 'No loopback runtime is installed in this thread; call installLoopbackRuntime first',
);

// --- supervisor (supervisor/) ------------------------------------------------
/** A call to a worker process that exited (or exits) before answering. */
export const WorkerUnavailableError = defineError<{ workerId: string; reason: string }>(
  'WorkerUnavailableError', 'worker_unavailable', 503,
  (d) => `Worker ${d.workerId} is unavailable: ${d.reason}`,
);
/** An admin action on a session the supervisor cannot perform in its current state. */
export const SessionStateConflictError = defineError<{ sessionId: string; state: string; action: string }>(
  'SessionStateConflictError', 'session_state_conflict', 409,
  (d) => `Cannot ${d.action} session "${d.sessionId}" while it is ${d.state}`,
);
/** A session id that is already managed by this supervisor. */
export const SessionExistsError = defineError<{ sessionId: string }>(
  'SessionExistsError', 'session_exists', 409,
  (d) => `Session "${d.sessionId}" is already running under this supervisor`,
);
/** The supervisor is shutting down and takes no new work. */
export const SupervisorStoppingError = defineError<Record<string, never>>(
  'SupervisorStoppingError', 'supervisor_stopping', 503,
  () => 'The supervisor is shutting down',
);

// --- file relay (supervisor/file-relay.ts): a source's file read for another platform's copy ---
/** A file link that was not made by this supervisor, or was altered. */
export const FileLinkInvalidError = defineError<Record<string, never>>(
  'FileLinkInvalidError', 'file_link_invalid', 404,
  () => 'This file link is not valid here',
);
/** A file link past its lifetime. */
export const FileLinkExpiredError = defineError<Record<string, never>>(
  'FileLinkExpiredError', 'file_link_expired', 410,
  () => 'This file link has expired',
);
/** The source account cannot serve the file any more (unlinked, revoked, the file deleted or no longer readable). */
export const FileSourceGoneError = defineError<{ reason: string }>(
  'FileSourceGoneError', 'file_source_gone', 404,
  (d) => `The file can no longer be read from its source: ${d.reason}`,
);
/** The source account is not connected here right now (starting, paused, moving); the file can be read later. */
export const FileSourceUnavailableError = defineError<{ reason: string }>(
  'FileSourceUnavailableError', 'file_source_unavailable', 503,
  (d) => `The file's source cannot be read right now: ${d.reason}`,
);

// --- actor runtime (actors/: session actors, thread hosts, worker process) ---
/** `ActorSpec.platform` names a platform this build cannot run (unknown, not built yet, or missing what it needs). */
export const PlatformUnsupportedError = defineError<{ platform: string; reason: string }>(
  'PlatformUnsupportedError', 'platform_unsupported', 400,
  (d) => `Platform "${d.platform}" is not supported: ${d.reason}`,
);
/** A lifecycle call the transition table of src/runtime-contracts/actor-state.ts does not allow in the actor's state. */
export const ActorTransitionInvalidError = defineError<{ actorId: string; event: string; state: string }>(
  'ActorTransitionInvalidError', 'actor_transition_invalid', 409,
  (d) => `Actor "${d.actorId}" cannot take "${d.event}" while ${d.state}`,
);
/** No actor with this id runs where the call was sent. */
export const ActorNotFoundError = defineError<{ actorId: string; where: string }>(
  'ActorNotFoundError', 'actor_not_found', 404,
  (d) => `No actor "${d.actorId}" runs on ${d.where}`,
);
/** `startActor` for an actor that is already live there (stop it first). */
export const ActorExistsError = defineError<{ actorId: string; state: string; where: string }>(
  'ActorExistsError', 'actor_exists', 409,
  (d) => `Actor "${d.actorId}" is already on ${d.where} (${d.state})`,
);
/** An actor was to start under a lease its worker does not hold (never acquired, taken over, or expired). */
export const LeaseNotHeldError = defineError<{ sessionId: string; owner: string; token: number }>(
  'LeaseNotHeldError', 'lease_not_held', 409,
  (d) => `Lease of session "${d.sessionId}" with token ${d.token} is not held by "${d.owner}"`,
);
/** A call to a thread host whose thread died (or dies) before answering. */
export const ThreadUnavailableError = defineError<{ workerId: string; threadIndex: number; reason: string }>(
  'ThreadUnavailableError', 'thread_unavailable', 503,
  (d) => `Thread ${d.threadIndex} of worker ${d.workerId} is unavailable: ${d.reason}`,
);
/** A worker process that is shutting down takes no new actors. */
export const WorkerStoppingError = defineError<{ workerId: string }>(
  'WorkerStoppingError', 'worker_stopping', 503,
  (d) => `Worker ${d.workerId} is shutting down`,
);
/** A process started by pm2 needs real servers: embedded defaults are for `npm start` on one machine. */
export const ServerUrlRequiredError = defineError<{ variable: string; process: string }>(
  'ServerUrlRequiredError', 'server_url_required', 500,
  (d) => `${d.variable} must be set for the ${d.process} process (embedded servers are only for npm start)`,
);

// --- forwarding scheduler store (src/scheduler/store, src/scheduler/durable-scheduler.ts)
/** A stored pending task or dead letter is not the JSON the store writes (tampered with, or written by another program). */
export const TaskRecordCorruptError = defineError<{ owner: string; id: string; reason: string }>(
  'TaskRecordCorruptError', 'task_record_corrupt', 500,
  (d) => `Stored record "${d.id}" of scheduler shard "${d.owner}" is unreadable: ${d.reason}`,
);
/** Another live supervisor is already claiming the same dead supervisor's tasks. */
export const OrphanClaimConflictError = defineError<{ deadOwner: string; claimant: string; holder: string }>(
  'OrphanClaimConflictError', 'orphan_claim_conflict', 409,
  (d) => `Tasks of supervisor "${d.deadOwner}" are being claimed by "${d.holder}"; "${d.claimant}" cannot claim them too`,
);
/** A write handed to a closed write batcher (its scheduler is shutting down). */
export const WriteBatcherClosedError = defineError<Record<string, never>>(
  'WriteBatcherClosedError', 'write_batcher_closed', 503,
  () => 'The scheduler store is closed and takes no more writes',
);
/** A durable-scheduler call made in the wrong phase: before `restore()`, or `restore()` a second time. */
export const DurableSchedulerStateError = defineError<{ action: string; state: 'not_restored' | 'restored' }>(
  'DurableSchedulerStateError', 'durable_scheduler_state', 409,
  (d) => (d.state === 'not_restored'
    ? `Cannot ${d.action} before restore(): the pending tasks must be loaded first`
    : `Cannot ${d.action}: the durable scheduler is already restored`),
);
/** A queue command reached a supervisor that runs no forwarding queue. */
export const QueueUnavailableError = defineError<{ supervisorId: string }>(
  'QueueUnavailableError', 'queue_unavailable', 503,
  (d) => `Supervisor ${d.supervisorId} runs no forwarding queue`,
);

// --- api and auth ------------------------------------------------------------
/** One problem of a refused request: `path` is the dotted field path inside the body, query or params (`''` for the whole). */
export type ValidationIssue = { path: string; message: string };
/** A request body, query or path parameter broke its schema. */
export const ValidationFailedError = defineError<{ details: ValidationIssue[] }>(
  'ValidationFailedError', 'validation_failed', 400,
  (d) => `The request is invalid: ${d.details.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ')}`,
);
export const InvalidJsonError = defineError<Record<string, never>>(
  'InvalidJsonError', 'invalid_json', 400,
  () => 'The request body is not valid JSON',
);
export const PayloadTooLargeError = defineError<{ limitBytes: number }>(
  'PayloadTooLargeError', 'payload_too_large', 413,
  (d) => `The request body is larger than ${d.limitBytes} bytes`,
);
/** A body this route cannot read: not JSON, or JSON in a charset or content encoding other than UTF-8 / identity, gzip, deflate, br. */
export const UnsupportedMediaTypeError = defineError<{ contentType: string; accepted: string }>(
  'UnsupportedMediaTypeError', 'unsupported_media_type', 415,
  (d) => `This route reads ${d.accepted}, not ${d.contentType === '' ? 'a body without a Content-Type' : d.contentType}`,
);
export const RouteNotFoundError = defineError<{ method: string; path: string }>(
  'RouteNotFoundError', 'route_not_found', 404,
  (d) => `No route ${d.method} ${d.path}`,
);
/** Too many requests in a rate-limited scope (`auth_ip`, `login_account`, `api_user`...). */
export const RateLimitedError = defineError<{ scope: string; retryAfterSeconds: number }>(
  'RateLimitedError', 'rate_limited', 429,
  (d) => `Too many requests; retry in ${d.retryAfterSeconds} s`,
);
export const AuthenticationRequiredError = defineError<Record<string, never>>(
  'AuthenticationRequiredError', 'authentication_required', 401,
  () => 'This route needs an access token or an API key',
);
/** An access token that is malformed, badly signed, of the wrong type, audience or issuer, or not yet valid. */
export const InvalidTokenError = defineError<{ reason: string }>(
  'InvalidTokenError', 'invalid_token', 401,
  (d) => `The access token is invalid: ${d.reason}`,
);
export const TokenExpiredError = defineError<Record<string, never>>(
  'TokenExpiredError', 'token_expired', 401,
  () => 'The access token has expired; refresh it',
);
/** Signed out everywhere, password changed, or its session was ended. */
export const TokenRevokedError = defineError<Record<string, never>>(
  'TokenRevokedError', 'token_revoked', 401,
  () => 'The access token was revoked; sign in again',
);
export const ApiKeyInvalidError = defineError<{ reason: 'unknown' | 'revoked' | 'expired' }>(
  'ApiKeyInvalidError', 'api_key_invalid', 401,
  (d) => (d.reason === 'unknown' ? 'The API key is not valid' : `The API key is ${d.reason}`),
);
export const ForbiddenRoleError = defineError<{ role: string; required: string[] }>(
  'ForbiddenRoleError', 'forbidden_role', 403,
  (d) => `This route needs the role ${d.required.join(' or ')}; you are ${d.role}`,
);
export const InsufficientScopeError = defineError<{ scope: string }>(
  'InsufficientScopeError', 'insufficient_scope', 403,
  (d) => `The API key lacks the "${d.scope}" scope`,
);
/** Credential management (keys, passwords, 2FA, sessions) needs a signed-in session, not an API key. */
export const SessionRequiredError = defineError<Record<string, never>>(
  'SessionRequiredError', 'session_required', 403,
  () => 'This route needs a signed-in session; API keys cannot use it',
);
/** Unknown email or wrong password: deliberately the same answer for both. */
export const InvalidCredentialsError = defineError<Record<string, never>>(
  'InvalidCredentialsError', 'invalid_credentials', 401,
  () => 'The email or password is wrong',
);
export const EmailNotVerifiedError = defineError<Record<string, never>>(
  'EmailNotVerifiedError', 'email_not_verified', 403,
  () => 'Confirm your email address first; the link was sent when you registered',
);
export const RefreshTokenInvalidError = defineError<Record<string, never>>(
  'RefreshTokenInvalidError', 'refresh_token_invalid', 401,
  () => 'The refresh token is invalid, expired or revoked; sign in again',
);
/** An already-rotated refresh token came back: it was stolen or copied, so its whole session was ended. */
export const RefreshTokenReusedError = defineError<Record<string, never>>(
  'RefreshTokenReusedError', 'refresh_token_reused', 401,
  () => 'The refresh token was already used; the session was ended for safety, sign in again',
);
export const MfaTokenInvalidError = defineError<Record<string, never>>(
  'MfaTokenInvalidError', 'mfa_token_invalid', 401,
  () => 'The two-factor sign-in has expired or was already completed; sign in again',
);
/** A wrong, stale or already used TOTP or recovery code at sign-in. */
export const MfaCodeInvalidError = defineError<Record<string, never>>(
  'MfaCodeInvalidError', 'mfa_code_invalid', 401,
  () => 'The authentication code is wrong or was already used',
);
/** A wrong TOTP code while confirming the authenticator during setup. */
export const TotpCodeInvalidError = defineError<Record<string, never>>(
  'TotpCodeInvalidError', 'totp_code_invalid', 400,
  () => 'The authenticator code is wrong or was already used',
);
export const TotpStateConflictError = defineError<{ state: 'enabled' | 'not_enabled' | 'not_set_up' }>(
  'TotpStateConflictError', 'totp_state_conflict', 409,
  (d) => ({
    enabled: 'Two-factor authentication is already enabled',
    not_enabled: 'Two-factor authentication is not enabled',
    not_set_up: 'Start two-factor setup first',
  })[d.state],
);
/** The password or code a signed-in user gave to confirm a sensitive change was wrong. */
export const ReauthenticationFailedError = defineError<Record<string, never>>(
  'ReauthenticationFailedError', 'reauthentication_failed', 403,
  () => 'The password or authentication code given to confirm this change is wrong',
);
/** An email-verification or password-reset token that is unknown, expired or already used. */
export const OneTimeTokenInvalidError = defineError<{ purpose: 'email_verification' | 'password_reset' }>(
  'OneTimeTokenInvalidError', 'one_time_token_invalid', 400,
  (d) => `The ${d.purpose.replace('_', ' ')} link is invalid, expired or already used`,
);
export const AuthSessionNotFoundError = defineError<{ sessionId: string }>(
  'AuthSessionNotFoundError', 'auth_session_not_found', 404,
  (d) => `You have no session "${d.sessionId}"`,
);
export const ApiKeyNotFoundError = defineError<{ apiKeyId: string }>(
  'ApiKeyNotFoundError', 'api_key_not_found', 404,
  (d) => `You have no API key "${d.apiKeyId}"`,
);

// --- filters -------------------------------------------------------------
/** A pair's filter list breaks its schema; `index` is the filter's position (null: the list itself), `field` a dotted path in it. */
export const FilterInvalidError = defineError<{ index: number | null; field: string; problem: string }>(
  'FilterInvalidError', 'filter_invalid', 400,
  (d) => (d.index === null
    ? `Invalid filters: ${d.problem}`
    : `Filter ${d.index}${d.field === '' ? '' : ` (${d.field})`}: ${d.problem}`),
);
/** A regex of a filter does not compile, or has a shape that can backtrack catastrophically; `position` is a 0-based offset in the pattern. */
export const FilterRegexInvalidError = defineError<{
  index: number; field: string; pattern: string; flags: string; position: number; reason: string;
  problem: 'syntax' | 'catastrophic_backtracking';
}>(
  'FilterRegexInvalidError', 'filter_regex_invalid', 400,
  (d) => `Filter ${d.index} (${d.field}): invalid regex at position ${d.position}: ${d.reason}`,
);

// --- api resources and admin -----------------------------------------------
/** A pair id that is not one of the caller's pairs (another user's answers exactly the same). */
export const PairNotFoundError = defineError<{ pairId: string }>(
  'PairNotFoundError', 'pair_not_found', 404,
  (d) => `You have no pair "${d.pairId}"`,
);
/** A linked account id that is not one of the caller's accounts of that platform. */
export const LinkedAccountNotFoundError = defineError<{ platform: string; accountId: string; field?: string }>(
  'LinkedAccountNotFoundError', 'linked_account_not_found', 404,
  (d) => `You have no linked ${d.platform} account "${d.accountId}"${d.field === undefined ? '' : ` (${d.field})`}`,
);
/** The bot or phone number is already linked to this user. */
export const AccountAlreadyLinkedError = defineError<{ platform: string; accountId: string }>(
  'AccountAlreadyLinkedError', 'account_already_linked', 409,
  (d) => `This ${d.platform} account is already linked as "${d.accountId}"`,
);
/** A pause or resume asked of an account in a state that cannot take it (revoked, failed, login pending). */
export const AccountStateConflictError = defineError<{ accountId: string; status: string; requested: string }>(
  'AccountStateConflictError', 'account_state_conflict', 409,
  (d) => `Account "${d.accountId}" is ${d.status}; it cannot be set ${d.requested}`,
);
/** The same source chat already forwards to the same destination chat. */
export const PairExistsError = defineError<{ pairId: string }>(
  'PairExistsError', 'pair_exists', 409,
  (d) => `Pair "${d.pairId}" already forwards this source chat to this destination chat`,
);
/**
 * A pair end names a Discord channel of a kind it cannot be (a destination
 * nobody can post to: a category, voice or stage channel, a directory; a
 * source holding no messages), as the end's bot read it from Discord when
 * the pair was saved. `field` is the end's chatId path, `channelType` Discord's type.
 */
export const DiscordChannelKindError = defineError<{ field: string; channelType: number; kind: string; reason: string }>(
  'DiscordChannelKindError', 'discord_channel_kind_unsupported', 400,
  (d) => `${d.field}: ${d.reason}`,
);
/** A pair end names a Discord channel its bot cannot find (Discord 404, Unknown Channel) when the pair is saved. */
export const DiscordChannelUnknownError = defineError<{ field: string; chatId: string }>(
  'DiscordChannelUnknownError', 'discord_channel_unknown', 400,
  (d) => `${d.field}: the bot finds no Discord channel ${d.chatId} (Unknown Channel): check the id, and that the bot is in that server`,
);
/** A pair end names a Discord channel its bot may not see (Discord 403, Missing Access) when the pair is saved. */
export const DiscordChannelForbiddenError = defineError<{ field: string; chatId: string }>(
  'DiscordChannelForbiddenError', 'discord_channel_forbidden', 400,
  (d) => `${d.field}: the bot may not see Discord channel ${d.chatId} (Missing Access): give it View Channel there, or pick another`,
);
/** A chat link id that is not one of the caller's linked chat identities. */
export const ChatLinkNotFoundError = defineError<{ chatLinkId: string }>(
  'ChatLinkNotFoundError', 'chat_link_not_found', 404,
  (d) => `You have no linked chat "${d.chatLinkId}"`,
);
/** A `/link` code that was never issued, has expired or was used already. */
export const ChatLinkCodeInvalidError = defineError<Record<string, never>>(
  'ChatLinkCodeInvalidError', 'chat_link_code_invalid', 400,
  () => 'This link code is not valid: it expired, was used already, or was mistyped. Get a new one from the dashboard (POST /v1/me/chat-links)',
);
/** The chat identity redeeming a code is already tied to another Switchboard user. */
export const ChatAlreadyLinkedError = defineError<{ platform: string }>(
  'ChatAlreadyLinkedError', 'chat_already_linked', 409,
  (d) => `This ${d.platform} identity is already linked to another Switchboard account: /unlink it there first`,
);
export const UserNotFoundError = defineError<{ userId: string }>(
  'UserNotFoundError', 'user_not_found', 404,
  (d) => `There is no user "${d.userId}"`,
);
/** Admins cannot be impersonated (that would be a way to act as a peer), nor can suspended or deleted users. */
export const ImpersonationRefusedError = defineError<{ reason: 'target_is_admin' | 'target_inactive' }>(
  'ImpersonationRefusedError', 'impersonation_refused', 403,
  (d) => (d.reason === 'target_is_admin' ? 'Administrators cannot be impersonated' : 'Only active users can be impersonated'),
);
/** An admin action an admin may not take on their own account (suspend, delete). */
export const AdminSelfActionError = defineError<{ action: string }>(
  'AdminSelfActionError', 'admin_self_action', 409,
  (d) => `Administrators cannot ${d.action} their own account`,
);
/** Several supervisors run a forwarding queue and the request did not say which one it is for. */
export const SupervisorAmbiguousError = defineError<{ candidates: string[] }>(
  'SupervisorAmbiguousError', 'supervisor_ambiguous', 400,
  (d) => `${d.candidates.length} supervisors run a forwarding queue (${d.candidates.join(', ')}): name one with supervisorId`,
);

// --- discord ---
/** Linking a Discord bot: Discord refused the token (REST 401). Nothing was stored or started. */
export const DiscordTokenInvalidError = defineError<Record<string, never>>(
  'DiscordTokenInvalidError', 'discord_token_invalid', 400,
  () => 'Discord rejected this bot token; copy it again from the Developer Portal (Bot → Reset Token)',
);
/** A Discord bot could not get a working gateway session (a refusing close code, or no READY in time). */
export const DiscordConnectFailedError = defineError<{ reason: string }>(
  'DiscordConnectFailedError', 'discord_connect_failed', 502,
  (d) => `Could not connect to the Discord gateway: ${d.reason}`,
);
/**
 * A Discord bot whose application does not allow the privileged intents it
 * asks for (gateway close 4014): retrying cannot help until its owner
 * changes the setting, so the account stops like a revoked one.
 */
export const DiscordIntentsDisallowedError = defineError<Record<string, never>>(
  'DiscordIntentsDisallowedError', 'discord_intents_disallowed', 400,
  () => 'Discord refused the bot\'s gateway intents (close 4014): enable the Message Content intent for this bot in the Discord developer portal '
    + '(Applications → your bot → Bot → Privileged Gateway Intents), then link the bot again',
);

/**
 * A Discord bot with (almost) no gateway session starts left today: identifying
 * anyway would burn the last ones, and past zero Discord resets the token, so
 * the account stops with this error instead of reconnecting in a loop.
 */
export const DiscordSessionStartsExhaustedError = defineError<{ remaining: number; total: number; resetsAt: string }>(
  'DiscordSessionStartsExhaustedError', 'discord_session_starts_exhausted', 429,
  (d) => `Discord allows this bot only ${d.remaining} more gateway session starts of ${d.total} until ${d.resetsAt}; `
    + 'it was stopped so a reconnect loop cannot use them up (Discord resets the token past zero): start it again after that time',
);

// --- format ---
/** A message part cannot fit its destination's length limit even as one unstyled character: the limit is unusably small. */
export const FormatLimitTooSmallError = defineError<{ limit: number; needed: number }>(
  'FormatLimitTooSmallError', 'format_limit_too_small', 500,
  (d) => `A length limit of ${d.limit} cannot hold even one character of this message (needs ${d.needed})`,
);

// --- telegram login (src/api/telegram-login, POST /v1/telegram-accounts and its steps) ---
/**
 * Telegram is not configured on this server (TELEGRAM_API_ID/HASH unset). A
 * 4xx, not a 503: the request is fine, but this deployment cannot serve it
 * until an operator configures it, and 409 says "not in this server's
 * current state" without inviting the automatic retries a 503 does.
 */
export const TelegramUnavailableError = defineError<Record<string, never>>(
  'TelegramUnavailableError', 'telegram_unavailable', 409,
  () => 'Telegram is not configured on this server (TELEGRAM_API_ID and TELEGRAM_API_HASH); ask its operator',
);
/** Talking to Telegram failed on the network (refused, dropped, timed out) or Telegram failed internally: not the request's fault. */
export const TelegramUnreachableError = defineError<{ reason: string }>(
  'TelegramUnreachableError', 'telegram_unreachable', 503,
  (d) => `Telegram could not be reached: ${d.reason}; try again shortly`,
);
/** PHONE_CODE_INVALID or PHONE_CODE_EMPTY: the login stays as it was, another code may be tried. */
export const TelegramCodeInvalidError = defineError<{ accountId: string | null }>(
  'TelegramCodeInvalidError', 'telegram_code_invalid', 400,
  () => 'Telegram says this code is wrong; check it and send it again',
);
/** PHONE_CODE_EXPIRED (`reason: code_expired`), or the login itself is over: its state expired or is gone (`login_expired`). */
export const TelegramCodeExpiredError = defineError<{ accountId: string | null; reason: 'code_expired' | 'login_expired' }>(
  'TelegramCodeExpiredError', 'telegram_code_expired', 400,
  (d) => (d.reason === 'code_expired'
    ? 'The code has expired; ask for a new one (POST /v1/telegram-accounts/{id}/resend)'
    : 'This login has expired; start again with POST /v1/telegram-accounts'),
);
/** PASSWORD_HASH_INVALID: the two-step verification password is wrong; the login still waits for it. */
export const TelegramPasswordInvalidError = defineError<{ accountId: string | null }>(
  'TelegramPasswordInvalidError', 'telegram_password_invalid', 400,
  () => 'Telegram says this two-step verification password is wrong',
);
/** PHONE_NUMBER_INVALID: Telegram does not take this number. */
export const TelegramPhoneInvalidError = defineError<{ phone: string }>(
  'TelegramPhoneInvalidError', 'telegram_phone_invalid', 400,
  (d) => `Telegram does not accept the phone number ${d.phone}`,
);
/** PHONE_NUMBER_BANNED. */
export const TelegramPhoneBannedError = defineError<{ phone: string }>(
  'TelegramPhoneBannedError', 'telegram_phone_banned', 403,
  (d) => `Telegram has banned the phone number ${d.phone}; only Telegram support can lift it`,
);
/** PHONE_NUMBER_UNOCCUPIED (or a sign-up request): no Telegram account uses this number. */
export const TelegramPhoneUnregisteredError = defineError<{ phone: string }>(
  'TelegramPhoneUnregisteredError', 'telegram_phone_unregistered', 400,
  (d) => `No Telegram account uses ${d.phone}; sign up in a Telegram app first`,
);
/** FLOOD_WAIT_X: Telegram asks to wait; answered with `Retry-After`, like `rate_limited`. */
export const TelegramFloodWaitError = defineError<{ retryAfterSeconds: number }>(
  'TelegramFloodWaitError', 'telegram_flood_wait', 429,
  (d) => `Telegram asks to wait ${d.retryAfterSeconds} s before trying again`,
);
/**
 * A login step that does not fit the login's state: `/password` while it waits
 * for the code, a step on a login already done, or a step while another step
 * of the same login is running (`waitingFor: busy`).
 */
export const TelegramLoginStepError = defineError<{
  accountId: string; attempted: 'code' | 'password' | 'resend'; waitingFor: 'code' | 'password' | 'nothing' | 'busy';
}>(
  'TelegramLoginStepError', 'telegram_login_step', 409,
  (d) => ({
    code: `This login waits for the code, not ${d.attempted === 'resend' ? 'a resend' : `the ${d.attempted}`}`,
    password: `This login waits for the two-step verification password, not ${d.attempted === 'resend' ? 'a resend' : `the ${d.attempted}`}`,
    nothing: `Account "${d.accountId}" has no login in progress`,
    busy: 'Another step of this login is in progress; send this one again once it has answered',
  })[d.waitingFor],
);
/** Any other error Telegram answers a login step with (e.g. PHONE_NUMBER_FLOOD); `telegramError` is Telegram's name for it. */
export const TelegramRefusedError = defineError<{ telegramError: string }>(
  'TelegramRefusedError', 'telegram_refused', 400,
  (d) => `Telegram refused the request: ${d.telegramError}`,
);

// --- billing (src/api/billing, /v1/billing and the payment providers' webhooks) ---
/**
 * The payment provider a request needs is not configured on this server.
 * 409 like `telegram_unavailable`: the request is fine, this deployment
 * cannot serve it until an operator sets the provider's variables.
 */
export const BillingNotConfiguredError = defineError<{ provider: string; variables: string[] }>(
  'BillingNotConfiguredError', 'billing_not_configured', 409,
  (d) => `Payments through ${d.provider} are not configured on this server (${d.variables.join(', ')}); ask its operator`,
);
/** A plan and period with no price configured; `available` lists what is sold. */
export const PriceNotConfiguredError = defineError<{ plan: string; period: string; available: Array<{ plan: string; period: string }> }>(
  'PriceNotConfiguredError', 'price_not_configured', 400,
  (d) => `The ${d.plan} plan is not sold ${d.period}; available: ${d.available.length === 0 ? '(none)' : d.available.map((a) => `${a.plan} ${a.period}`).join(', ')}`,
);
/** The customer portal of a user who never started a checkout: the provider has no customer for them. */
export const BillingAccountMissingError = defineError<{ provider: string }>(
  'BillingAccountMissingError', 'billing_account_missing', 409,
  (d) => `You have no ${d.provider} billing account yet; subscribe first (POST /v1/billing/checkout)`,
);
/** A webhook whose signature does not verify (wrong secret, altered body, too old a timestamp): nothing was changed. */
export const InvalidSignatureError = defineError<{ provider: string; reason: string }>(
  'InvalidSignatureError', 'invalid_signature', 400,
  (d) => `The ${d.provider} webhook signature does not verify: ${d.reason}`,
);
/** A signed webhook whose content is not what the provider documents (a field missing, an unknown price or order). */
export const WebhookPayloadInvalidError = defineError<{ provider: string; reason: string }>(
  'WebhookPayloadInvalidError', 'webhook_payload_invalid', 400,
  (d) => `The ${d.provider} webhook cannot be applied: ${d.reason}`,
);
/** The payment provider could not be reached, or failed on its side; nothing was changed. */
export const BillingProviderUnavailableError = defineError<{ provider: string; reason: string }>(
  'BillingProviderUnavailableError', 'billing_provider_unavailable', 503,
  (d) => `${d.provider} could not be reached: ${d.reason}; try again shortly`,
);
/**
 * The provider refused a call the service made on the user's behalf (a price
 * or customer it no longer has): 409, the deployment's state is at fault, not the request.
 */
export const BillingProviderRefusedError = defineError<{ provider: string; providerCode: string; reason: string }>(
  'BillingProviderRefusedError', 'billing_provider_refused', 409,
  (d) => `${d.provider} refused the request (${d.providerCode}): ${d.reason}`,
);
/** A checkout link (from `GET /v1/upgrade` or a bot's `/upgrade`) that this API did not sign, or altered. */
export const CheckoutLinkInvalidError = defineError<Record<string, never>>(
  'CheckoutLinkInvalidError', 'checkout_link_invalid', 400,
  () => 'This checkout link is not valid: ask for a new one with /upgrade or GET /v1/upgrade',
);
/** A checkout link older than a day. */
export const CheckoutLinkExpiredError = defineError<Record<string, never>>(
  'CheckoutLinkExpiredError', 'checkout_link_expired', 410,
  () => 'This checkout link has expired: ask for a new one with /upgrade or GET /v1/upgrade',
);
/** A checkout while the user already pays for a plan through this provider: plan changes and cancelling go through its portal. */
export const AlreadySubscribedError = defineError<{ provider: string; plan: string }>(
  'AlreadySubscribedError', 'already_subscribed', 409,
  (d) => `You already pay for the ${d.plan} plan through ${d.provider}; change or cancel it in the customer portal (POST /v1/billing/portal)`,
);
