/**
 * The Telegram endpoint the API logs accounts in through, from the
 * configuration: null when TELEGRAM_API_ID/HASH are unset (linking then
 * answers `telegram_unavailable`). The server key file is read here, once,
 * at start-up; an unreadable or empty one stops start-up like a bad variable.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/load-config.ts';
import { ConfigInvalidError } from '../../errors/registry.ts';
import { createTelegramEndpoint, type TelegramEndpoint } from '../../telegram/telegram-endpoint.ts';

type TelegramConfig = Pick<Config, 'TELEGRAM_API_ID' | 'TELEGRAM_API_HASH' | 'TELEGRAM_SERVER' | 'TELEGRAM_SERVER_KEY_FILE'>;

const PEM_BLOCK = /-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g;

/** The PEM blocks of a key file (it may hold several keys). */
export function pemBlocks(text: string): string[] {
  return text.match(PEM_BLOCK) ?? [];
}

function readKeys(path: string, read: (path: string) => string): string[] {
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new ConfigInvalidError({ problems: [`TELEGRAM_SERVER_KEY_FILE ${path} cannot be read (${typeof code === 'string' ? code : 'error'})`] });
  }
  const keys = pemBlocks(text);
  if (keys.length === 0) throw new ConfigInvalidError({ problems: [`TELEGRAM_SERVER_KEY_FILE ${path} holds no PEM key`] });
  return keys;
}

export function telegramEndpointFromConfig(
  config: TelegramConfig,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): TelegramEndpoint | null {
  if (config.TELEGRAM_API_ID === undefined || config.TELEGRAM_API_HASH === undefined) return null;
  return createTelegramEndpoint({
    apiId: config.TELEGRAM_API_ID,
    apiHash: config.TELEGRAM_API_HASH,
    server: config.TELEGRAM_SERVER ?? null,
    serverPublicKeys: config.TELEGRAM_SERVER_KEY_FILE === undefined ? [] : readKeys(config.TELEGRAM_SERVER_KEY_FILE, read),
  });
}
