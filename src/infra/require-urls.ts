/**
 * The processes pm2 runs share servers across processes and hosts, so they
 * refuse to start on embedded defaults: a second embedded PostgreSQL per
 * process would split the data.
 */
import type { Config } from '../config/load-config.ts';
import { ServerUrlRequiredError } from '../errors/registry.ts';
import { EXIT_CONFIG } from './process-entry.ts';

export function requireServerUrls(config: Config, processName: string): { databaseUrl: string; redisUrl: string } {
  for (const variable of ['DATABASE_URL', 'REDIS_URL'] as const) {
    if (config[variable] === undefined) {
      process.stderr.write(`${new ServerUrlRequiredError({ variable, process: processName }).message}\n`);
      process.exit(EXIT_CONFIG);
    }
  }
  return { databaseUrl: config.DATABASE_URL as string, redisUrl: config.REDIS_URL as string };
}
