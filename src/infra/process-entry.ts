/**
 * The frame every Switchboard process runs in: configuration read once (a bad
 * value exits 78, EX_CONFIG, since restarting cannot fix it), a root logger
 * writing to its own file, and an ordered shutdown on SIGINT/SIGTERM. The
 * process's `start` registers a shutdown step for each resource it brings up.
 */
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/load-config.ts';
import { ConfigInvalidError, PortInUseError, RedisPersistenceUnsafeError } from '../errors/registry.ts';
import { componentLogger, createLogger } from '../logging/logger.ts';
import { assertPortsFree, type PortClaim } from './port-check.ts';
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

/**
 * Exits 1 with one line naming the variable when a port the process will
 * listen on is taken, before anything started. Not 78: another process may
 * let it go, so a supervisor such as pm2 may rightly try again.
 */
async function checkPorts(claims: readonly PortClaim[]): Promise<void> {
  try {
    await assertPortsFree(claims);
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/**
 * Runs `start` as the body of a process whose logs go to `<LOG_DIR>/<logFile>.log`,
 * once the ports `ports` names (from the configuration) are known to be free.
 */
export async function runProcess(logFile: string, start: ProcessStart, ports: (config: Config) => PortClaim[] = () => []): Promise<void> {
  const config = readConfig();
  await checkPorts(ports(config));
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
    // A shutdown ended the start (a wait for a server, say): it decides the exit code.
    if (shutdown.inProgress) return;
    // The operator asked for this refusal (REDIS_PERSISTENCE_CHECK=strict): restarting cannot help, so 78 and one line.
    if (error instanceof RedisPersistenceUnsafeError) {
      root.fatal(error.message);
      process.stderr.write(`${error.message}\n`);
      await shutdown.run('Redis persistence unsafe', EXIT_CONFIG);
      return;
    }
    root.fatal({ err: error }, 'Startup failed');
    await shutdown.run('startup failed', 1);
  }
}
