/**
 * The process logger: JSON lines to rotated files under LOG_DIR and to stdout
 * (pretty only on a terminal), with secrets redacted before either sees them.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino, { type DestinationStream, type Logger, type TransportTargetOptions } from 'pino';
import type { Config } from '../config/load-config.ts';
import { REDACTED, REDACT_PATHS } from './redaction.ts';

/** Components that get their own child logger, named in every line they write. */
export type Component = 'supervisor' | 'worker' | 'actor' | 'api' | 'bot' | 'scheduler' | 'cli' | 'db' | 'infra';

export type LogConfig = Pick<
  Config,
  'LOG_LEVEL' | 'LOG_DIR' | 'LOG_PRETTY' | 'LOG_ROTATE_SIZE' | 'LOG_ROTATE_FREQUENCY' | 'LOG_RETAIN_FILES'
>;

/** pino options shared by the file logger and the in-memory logger tests use. */
export function baseOptions(level: string): pino.LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

function wantsPretty(setting: LogConfig['LOG_PRETTY']): boolean {
  return setting === 'true' || (setting === 'auto' && process.stdout.isTTY === true);
}

/**
 * Creates the root logger of a process. `file` names the log file (one per
 * process kind: supervisor, api, ...), rotated by size and by age by pino-roll.
 * Pass `destination` to log to a stream instead (tests).
 */
export function createLogger(config: LogConfig, file: string, destination?: DestinationStream): Logger {
  if (destination) return pino(baseOptions(config.LOG_LEVEL), destination);
  const dir = resolve(config.LOG_DIR);
  mkdirSync(dir, { recursive: true });
  const targets: TransportTargetOptions[] = [
    {
      target: 'pino-roll',
      level: config.LOG_LEVEL,
      options: {
        file: join(dir, file),
        extension: '.log',
        size: config.LOG_ROTATE_SIZE,
        frequency: config.LOG_ROTATE_FREQUENCY,
        limit: { count: config.LOG_RETAIN_FILES },
        mkdir: true,
        dateFormat: 'yyyy-MM-dd',
      },
    },
    wantsPretty(config.LOG_PRETTY)
      ? { target: 'pino-pretty', level: config.LOG_LEVEL, options: { destination: 1, translateTime: 'SYS:standard' } }
      : { target: 'pino/file', level: config.LOG_LEVEL, options: { destination: 1 } },
  ];
  return pino({ ...baseOptions(config.LOG_LEVEL), transport: { targets } });
}

/** A component's child logger: every line it writes names the component. */
export function componentLogger(root: Logger, component: Component, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ component, ...bindings });
}
