/**
 * Reads the environment (and an optional `.env`) once, validates it and hands
 * out a frozen object, so no module parses `process.env` on its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { ConfigInvalidError } from '../errors/registry.ts';
import { configSchema, type Config } from './config-schema.ts';

export type { Config } from './config-schema.ts';

/** Variables in the real environment win over the `.env` file, as dotenv does. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env, dotenvPath = '.env'): Record<string, string | undefined> {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...env };
}

/**
 * Validates `env` and returns the configuration, or throws a
 * {@link ConfigInvalidError} that lists every bad variable with its message.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => i.message);
    throw new ConfigInvalidError({ problems });
  }
  return Object.freeze(result.data);
}

/** Loads the process configuration: environment plus `.env`. */
export function loadConfig(): Config {
  return parseConfig(readEnvironment());
}
