/**
 * The Telegram runtime options every worker gets, from the configuration:
 * `TELEGRAM_API_ID` and `TELEGRAM_API_HASH` (the application), and for a
 * stand-in server (the fake, a demo) `TELEGRAM_SERVER` and the PEM public
 * keys in `TELEGRAM_SERVER_KEY_FILE`, read once here at start-up so workers
 * receive the keys themselves. No api id: Telegram is not configured, and
 * no telegram actors run.
 */
import { readFileSync } from 'node:fs';
import type { TelegramRuntimeOptions } from '../src/runtime-contracts/platform-options.ts';
import type { Config } from '../src/config/load-config.ts';
import { ConfigInvalidError } from '../src/errors/registry.ts';

type TelegramConfig = Pick<Config, 'TELEGRAM_API_ID' | 'TELEGRAM_API_HASH' | 'TELEGRAM_SERVER' | 'TELEGRAM_SERVER_KEY_FILE'>;

const PEM = /-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g;

/** The PEM blocks of a key file, in order. */
export function pemBlocks(text: string): string[] {
  return [...text.matchAll(PEM)].map((m) => `${m[0]}\n`);
}

/** Telegram options for the workers, or undefined when Telegram is not configured. Throws `ConfigInvalidError` for an unreadable key file. */
export function telegramOptionsFromConfig(config: TelegramConfig, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): TelegramRuntimeOptions | undefined {
  if (config.TELEGRAM_API_ID === undefined || config.TELEGRAM_API_HASH === undefined) return undefined;
  let serverPublicKeys: string[] = [];
  const file = config.TELEGRAM_SERVER_KEY_FILE;
  if (file !== undefined) {
    let text: string;
    try {
      text = readFile(file);
    } catch (error) {
      throw new ConfigInvalidError({ problems: [`TELEGRAM_SERVER_KEY_FILE ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`] });
    }
    serverPublicKeys = pemBlocks(text);
    if (serverPublicKeys.length === 0) throw new ConfigInvalidError({ problems: [`TELEGRAM_SERVER_KEY_FILE ${file} holds no PEM public key`] });
  }
  return {
    endpoint: {
      apiId: config.TELEGRAM_API_ID,
      apiHash: config.TELEGRAM_API_HASH,
      ...(config.TELEGRAM_SERVER === undefined ? {} : { server: config.TELEGRAM_SERVER }),
      serverPublicKeys,
    },
  };
}
