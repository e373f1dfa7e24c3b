/**
 * Which PlatformClientFactory serves an `ActorSpec.platform`. A thread host
 * builds each platform's shared runtime once (for loopback: the network, one
 * poller, one heartbeat batch; for Discord: where the API is and the shared
 * invalid-request window; for Telegram: the endpoint and the timings) and
 * asks here for the factory of every actor it starts. A platform whose
 * runtime the thread lacks (Telegram without an api id and hash configured)
 * is refused with a `platform_unsupported` error.
 */
import type { ActorPlatform } from '../../src/runtime-contracts/actor-contract.ts';
import { PlatformUnsupportedError } from '../../src/errors/registry.ts';
import { discordClientFactory } from './discord/discord-client.ts';
import type { DiscordRuntime } from './discord/discord-runtime.ts';
import { loopbackClientFactory } from './loopback/loopback-client.ts';
import type { LoopbackRuntime } from './loopback/loopback-runtime.ts';
import type { PlatformClientFactory } from './platform-client.ts';
import { telegramClientFactory } from './telegram/telegram-client.ts';
import type { TelegramRuntime } from './telegram/telegram-runtime.ts';

/** The shared per-thread runtimes the factories draw on; null when the thread could not build one (e.g. no Redis). */
export interface PlatformRuntimes {
  loopback: LoopbackRuntime | null;
  discord: DiscordRuntime | null;
  telegram: TelegramRuntime | null;
}

const PLATFORMS: readonly ActorPlatform[] = ['telegram', 'discord', 'loopback'];

/** The factory for `platform`; throws `PlatformUnsupportedError` when this build or thread cannot run it. */
export function clientFactoryFor(platform: string, runtimes: PlatformRuntimes): PlatformClientFactory {
  if (!(PLATFORMS as readonly string[]).includes(platform)) {
    throw new PlatformUnsupportedError({ platform, reason: `unknown platform; expected one of ${PLATFORMS.join(', ')}` });
  }
  switch (platform as ActorPlatform) {
    case 'loopback':
      if (runtimes.loopback === null) {
        throw new PlatformUnsupportedError({ platform, reason: 'the loopback network needs Redis, and this worker has no redisUrl' });
      }
      return loopbackClientFactory(runtimes.loopback);
    case 'discord':
      if (runtimes.discord === null) {
        throw new PlatformUnsupportedError({ platform, reason: 'this thread has no Discord runtime' });
      }
      return discordClientFactory(runtimes.discord);
    case 'telegram':
      if (runtimes.telegram === null) {
        throw new PlatformUnsupportedError({ platform, reason: 'this thread has no Telegram runtime (TELEGRAM_API_ID and TELEGRAM_API_HASH are not configured)' });
      }
      return telegramClientFactory(runtimes.telegram);
  }
}
