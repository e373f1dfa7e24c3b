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
