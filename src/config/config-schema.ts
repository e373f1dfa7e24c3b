/**
 * The validated shape of Switchboard's environment. Each variable carries its
 * own exact message, so a bad deployment says which variable to fix and why.
 */
import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.ts';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Treats an empty variable as unset: `FOO=` in a .env file means "use the default". */
const optionalText = z.string().trim().transform((v) => (v === '' ? undefined : v)).optional();

function port(name: string) {
  return z.coerce
    .number({ error: `${name} must be a whole number from 1 to 65535` })
    .int({ error: `${name} must be a whole number from 1 to 65535` })
    .min(1, { error: `${name} must be a whole number from 1 to 65535` })
    .max(65535, { error: `${name} must be a whole number from 1 to 65535` });
}

function positiveInt(name: string) {
  return z.coerce
    .number({ error: `${name} must be a positive whole number` })
    .int({ error: `${name} must be a positive whole number` })
    .positive({ error: `${name} must be a positive whole number` });
}

function fraction(name: string) {
  const message = `${name} must be a number between 0 and 1`;
  return z.coerce.number({ error: message }).gt(0, { error: message }).lte(1, { error: message });
}

function optionalPositiveInt(name: string) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), positiveInt(name).optional());
}

function url(name: string, protocols: string[]) {
  const expected = protocols.map((p) => `${p}//`).join(' or ');
  return optionalText.refine((v) => {
    if (v === undefined) return true;
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, { error: `${name} must be a ${expected} URL` });
}

function oneOf<const T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.enum(values, { error: `${name} must be one of ${values.join(', ')}` });
}

const keyEntry = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]{43}=)$/;

export const configSchema = z
  .object({
    NODE_ENV: oneOf('NODE_ENV', ['development', 'test', 'production']).default(DEFAULTS.NODE_ENV),
    DATABASE_URL: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'DATABASE_SCHEMA must be a lower-case SQL identifier (letters, digits, _)' })
      .default(DEFAULTS.DATABASE_SCHEMA),
    REDIS_URL: url('REDIS_URL', ['redis:', 'rediss:']),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: 'REDIS_KEY_PREFIX must be 1 to 64 of A-Z a-z 0-9 _ . : -' })
      .default(DEFAULTS.REDIS_KEY_PREFIX),
    DATA_DIR: z.string().min(1, { error: 'DATA_DIR must not be empty' }).default(DEFAULTS.DATA_DIR),
    EMBEDDED_PG_PORT: port('EMBEDDED_PG_PORT').default(DEFAULTS.EMBEDDED_PG_PORT),
    EMBEDDED_REDIS_PORT: port('EMBEDDED_REDIS_PORT').default(DEFAULTS.EMBEDDED_REDIS_PORT),
    API_HOST: z.string().min(1, { error: 'API_HOST must not be empty' }).default(DEFAULTS.API_HOST),
    API_PORT: port('API_PORT').default(DEFAULTS.API_PORT),
    LOG_LEVEL: oneOf('LOG_LEVEL', LEVELS).default(DEFAULTS.LOG_LEVEL),
    LOG_DIR: z.string().min(1, { error: 'LOG_DIR must not be empty' }).default(DEFAULTS.LOG_DIR),
    LOG_PRETTY: oneOf('LOG_PRETTY', ['auto', 'true', 'false']).default(DEFAULTS.LOG_PRETTY),
    LOG_ROTATE_SIZE: z
      .string()
      .regex(/^[1-9][0-9]*[kmg]$/, { error: 'LOG_ROTATE_SIZE must be a size such as 500k, 50m or 1g' })
      .default(DEFAULTS.LOG_ROTATE_SIZE),
    LOG_ROTATE_FREQUENCY: oneOf('LOG_ROTATE_FREQUENCY', ['daily', 'hourly']).default(DEFAULTS.LOG_ROTATE_FREQUENCY),
    LOG_RETAIN_FILES: positiveInt('LOG_RETAIN_FILES').default(DEFAULTS.LOG_RETAIN_FILES),
    SECRET_KEYS: optionalText
      .refine((v) => v === undefined || v.split(',').every((e) => keyEntry.test(e.trim())), {
        error: 'SECRET_KEYS must be comma-separated keyId:base64 entries, each key 32 bytes (openssl rand -base64 32)',
      })
      .refine((v) => {
        if (v === undefined) return true;
        const ids = v.split(',').map((e) => e.trim().split(':')[0]);
        return new Set(ids).size === ids.length;
      }, { error: 'SECRET_KEYS names a key id twice' }),
    SECRET_KEY_CURRENT: optionalText,
    SUPERVISOR_ID: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9_.-]{1,64}$/.test(v), {
      error: 'SUPERVISOR_ID must be 1 to 64 of A-Z a-z 0-9 _ . -',
    }),
    SUPERVISOR_WORKERS: optionalPositiveInt('SUPERVISOR_WORKERS'),
    SUPERVISOR_MAX_WORKERS: optionalPositiveInt('SUPERVISOR_MAX_WORKERS'),
    SUPERVISOR_THREADS_PER_WORKER: positiveInt('SUPERVISOR_THREADS_PER_WORKER').default(DEFAULTS.SUPERVISOR_THREADS_PER_WORKER),
    SUPERVISOR_SESSIONS_PER_WORKER: positiveInt('SUPERVISOR_SESSIONS_PER_WORKER').default(DEFAULTS.SUPERVISOR_SESSIONS_PER_WORKER),
    SUPERVISOR_THREAD_HEAP_MB: positiveInt('SUPERVISOR_THREAD_HEAP_MB').default(DEFAULTS.SUPERVISOR_THREAD_HEAP_MB),
    PRESSURE_HIGH_WATERMARK: fraction('PRESSURE_HIGH_WATERMARK').default(DEFAULTS.PRESSURE_HIGH_WATERMARK),
    PRESSURE_LOW_WATERMARK: fraction('PRESSURE_LOW_WATERMARK').default(DEFAULTS.PRESSURE_LOW_WATERMARK),
    PRESSURE_PAUSE_ELITE: oneOf('PRESSURE_PAUSE_ELITE', ['true', 'false']).default(DEFAULTS.PRESSURE_PAUSE_ELITE),
    LEASE_TTL_MS: positiveInt('LEASE_TTL_MS').default(DEFAULTS.LEASE_TTL_MS),
    HEALTH_INTERVAL_MS: positiveInt('HEALTH_INTERVAL_MS').default(DEFAULTS.HEALTH_INTERVAL_MS),
    METRICS_HOST: z.string().min(1, { error: 'METRICS_HOST must not be empty' }).default(DEFAULTS.METRICS_HOST),
    METRICS_PORT: z.coerce
      .number({ error: 'METRICS_PORT must be a whole number from 0 (off) to 65535' })
      .int({ error: 'METRICS_PORT must be a whole number from 0 (off) to 65535' })
      .min(0, { error: 'METRICS_PORT must be a whole number from 0 (off) to 65535' })
      .max(65535, { error: 'METRICS_PORT must be a whole number from 0 (off) to 65535' })
      .default(DEFAULTS.METRICS_PORT),
    SCALE_OUT_WEBHOOK_URL: url('SCALE_OUT_WEBHOOK_URL', ['http:', 'https:']),
    SHUTDOWN_TIMEOUT_MS: positiveInt('SHUTDOWN_TIMEOUT_MS').default(DEFAULTS.SHUTDOWN_TIMEOUT_MS),
  })
  .superRefine((c, ctx) => {
    if (c.SECRET_KEY_CURRENT !== undefined) {
      const ids = (c.SECRET_KEYS ?? '').split(',').map((e) => e.trim().split(':')[0]);
      if (!ids.includes(c.SECRET_KEY_CURRENT)) {
        ctx.addIssue({ code: 'custom', path: ['SECRET_KEY_CURRENT'], message: 'SECRET_KEY_CURRENT must name a key id listed in SECRET_KEYS' });
      }
    }
    if (c.PRESSURE_LOW_WATERMARK >= c.PRESSURE_HIGH_WATERMARK) {
      ctx.addIssue({ code: 'custom', path: ['PRESSURE_LOW_WATERMARK'], message: 'PRESSURE_LOW_WATERMARK must be less than PRESSURE_HIGH_WATERMARK' });
    }
    if (c.SUPERVISOR_WORKERS !== undefined && c.SUPERVISOR_MAX_WORKERS !== undefined && c.SUPERVISOR_MAX_WORKERS < c.SUPERVISOR_WORKERS) {
      ctx.addIssue({ code: 'custom', path: ['SUPERVISOR_MAX_WORKERS'], message: 'SUPERVISOR_MAX_WORKERS must be at least SUPERVISOR_WORKERS' });
    }
    if (c.NODE_ENV === 'production' && c.SECRET_KEYS === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SECRET_KEYS'], message: 'SECRET_KEYS is required when NODE_ENV is production' });
    }
  });

/** Switchboard's configuration after validation and defaults. */
export type Config = Readonly<z.infer<typeof configSchema>>;
