/**
 * The frame every Switchboard process runs in: configuration read once (a bad
 * value exits 78, EX_CONFIG, since restarting cannot fix it), a root logger
 * writing to its own file, and an ordered shutdown on SIGINT/SIGTERM. The
 * process's `start` registers a shutdown step for each resource it brings up.
 */
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/load-config.ts';
import { ConfigInvalidError } from '../errors/registry.ts';
import { componentLogger, createLogger } from '../logging/logger.ts';
import { Shutdown } from './shutdown.ts';

/** sysexits.h EX_CONFIG: the configuration is wrong, so restarting will not help. */
export const EXIT_CONFIG = 78;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigInvalidError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

/** Exits once the logger's transports have written what they hold, or after 2 s regardless. */
function exitAfterFlush(logger: Logger, code: number): void {
  setTimeout(() => process.exit(code), 2_000).unref();
  logger.flush(() => process.exit(code));
}

export type ProcessStart = (config: Config, root: Logger, shutdown: Shutdown) => Promise<void>;

/** Runs `start` as the body of a process whose logs go to `<LOG_DIR>/<logFile>.log`. */
export async function runProcess(logFile: string, start: ProcessStart): Promise<void> {
  const config = readConfig();
  const root = createLogger(config, logFile);
  const shutdown = new Shutdown({
    logger: componentLogger(root, 'infra'),
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    exit: (code) => exitAfterFlush(root, code),
  });
  shutdown.listen();
  try {
    await start(config, root, shutdown);
  } catch (error) {
    root.fatal({ err: error }, 'Startup failed');
    await shutdown.run('startup failed', 1);
  }
}
