/**
 * The control bots as pm2 runs them: one process (fork mode, one in the
 * whole deployment), since every gateway session of a Discord bot receives
 * every interaction and Telegram hands each update to one connection of a
 * bot: only one may answer. Needs DATABASE_URL and REDIS_URL, and
 * CONTROL_BOT_DISCORD_TOKEN, CONTROL_BOT_TELEGRAM_TOKEN or both; with
 * neither it says so and stops (exit 0, which the ecosystem file does not
 * restart). It also delivers the notices the API and the supervisors queue
 * for users' linked chats, on each platform whose bot it runs.
 */
import { createApiContext } from '../api/api-context.ts';
import { chatLinksOf } from '../api/routes/chat-links.ts';
import { telegramEndpointFromConfig } from '../api/telegram-login/login-endpoint.ts';
import { openDatabase } from '../db/open-database.ts';
import { awaitDependency } from '../infra/await-dependency.ts';
import { EXIT_CONFIG, runProcess } from '../infra/process-entry.ts';
import { blockingClient } from '../infra/blocking-client.ts';
import { provideRedis } from '../infra/redis-provider.ts';
import { requireServerUrls } from '../infra/require-urls.ts';
import { componentLogger } from '../logging/logger.ts';
import { BotSessionStore } from './bot-session-store.ts';
import { CommandRunner } from './command-runner.ts';
import { discordTokenRefusal, telegramTokenRefusal } from './token-refusal.ts';
import { DiscordControlBot } from './discord-control-bot.ts';
import { NoticeDelivery, type NoticeDeliveryOptions } from './notices/notice-delivery.ts';
import { NoticeOutbox } from './notices/notice-outbox.ts';

await runProcess('bot', async (config, root, shutdown) => {
  const log = componentLogger(root, 'bot');
  const discordToken = config.CONTROL_BOT_DISCORD_TOKEN;
  const telegramToken = config.CONTROL_BOT_TELEGRAM_TOKEN;
  if (discordToken === undefined && telegramToken === undefined) {
    log.warn('neither CONTROL_BOT_DISCORD_TOKEN nor CONTROL_BOT_TELEGRAM_TOKEN is set: there is no control bot to run');
    await shutdown.run('no control bot configured', 0);
    return;
  }
  const { databaseUrl } = requireServerUrls(config, 'bot');
  const wait = { logger: componentLogger(root, 'infra'), limitMs: config.STARTUP_WAIT_MS, signal: shutdown.signal };
  const orm = await awaitDependency(() => openDatabase({ databaseUrl, schema: config.DATABASE_SCHEMA, logger: componentLogger(root, 'db') }), { ...wait, what: 'PostgreSQL' });
  shutdown.register('database pool', () => orm.close());
  const redis = await awaitDependency(
    () => provideRedis({ config, logger: componentLogger(root, 'infra'), commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS }),
    { ...wait, what: 'Redis' },
  );
  shutdown.register('Redis', redis.stop);
  if (shutdown.inProgress) return;
  const ctx = createApiContext({ orm, redis: redis.redis, config, logger: log });
  shutdown.register('mailer', () => ctx.mailer.close());
  shutdown.register('Telegram login threads', () => ctx.telegramLogin.close());
  const links = chatLinksOf(ctx);
  const runner = new CommandRunner(ctx, links);
  const senders: NoticeDeliveryOptions['senders'] = {};
  /**
   * Starts a bot; null when its platform refused the token: restarting
   * cannot help, so the process stops with 78 (pm2 leaves it stopped).
   */
  const startOrStop = <B>(variable: string, platform: string, refusal: (error: unknown) => string | null, start: () => Promise<B>): Promise<B | null> =>
    start().catch(async (error: unknown) => {
      const reason = refusal(error);
      if (reason === null) throw error;
      const message = `${variable} was refused by ${platform} (${reason}): set the bot's current token`;
      log.error(message);
      process.stderr.write(`${message}\n`);
      await shutdown.run('control bot token refused', EXIT_CONFIG);
      return null;
    });
  if (discordToken !== undefined) {
    const bot = await startOrStop('CONTROL_BOT_DISCORD_TOKEN', 'Discord', discordTokenRefusal,
      () => DiscordControlBot.start({ token: discordToken, apiUrl: config.DISCORD_API_URL, runner, logger: log }));
    if (bot === null) return;
    shutdown.register('Discord control bot', () => bot.stop());
    senders.discord = (user, text) => bot.notify(user, text);
  }
  if (telegramToken !== undefined && !shutdown.inProgress) {
    // The config check guarantees the application id and hash a bot logs in with.
    const endpoint = telegramEndpointFromConfig(config)!;
    // Loaded only here: gramjs is heavy, and a Discord-only deployment never needs it.
    const { TelegramControlBot } = await import('./telegram-control-bot.ts');
    const sessions = new BotSessionStore(redis.redis, ctx.keyring, telegramToken.split(':')[0]!);
    const bot = await startOrStop('CONTROL_BOT_TELEGRAM_TOKEN', 'Telegram', telegramTokenRefusal,
      () => TelegramControlBot.start({ token: telegramToken, endpoint, runner, logger: log, sessions }));
    if (bot === null) return;
    shutdown.register('Telegram control bot', () => bot.stop());
    senders.telegram = (user, text) => bot.notify(user, text);
  }
  if (shutdown.inProgress) return;
  // Its own connection: a blocking read would hold up the commands' Redis calls behind it.
  const outboxRedis = blockingClient(redis.redis);
  shutdown.register('notice outbox connection', async () => { await outboxRedis.quit(); });
  const notices = new NoticeDelivery({ outbox: new NoticeOutbox(outboxRedis), links, senders, logger: log });
  await notices.start();
  // Registered last, so it stops first: no notice is sent through a bot already stopped.
  shutdown.register('notice delivery', () => notices.stop());
  log.info({ discord: senders.discord !== undefined, telegram: senders.telegram !== undefined }, 'bot ready');
});
