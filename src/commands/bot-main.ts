/**
 * The control bot as pm2 runs it: one process (fork mode, one in the whole
 * deployment), since every gateway session of a Discord bot receives every
 * interaction and only one may answer. Needs DATABASE_URL and REDIS_URL, and
 * CONTROL_BOT_DISCORD_TOKEN; without the token it says so and stops (exit
 * 0, which the ecosystem file does not restart). It also delivers the
 * notices the API and the supervisors queue for users' linked chats. The
 * Telegram control bot is still to come (issue 14).
 */
import { createApiContext } from '../api/api-context.ts';
import { chatLinksOf } from '../api/routes/chat-links.ts';
import { openDatabase } from '../db/open-database.ts';
import { runProcess } from '../infra/process-entry.ts';
import { provideRedis } from '../infra/redis-provider.ts';
import { requireServerUrls } from '../infra/require-urls.ts';
import { componentLogger } from '../logging/logger.ts';
import { CommandRunner } from './command-runner.ts';
import { DiscordControlBot } from './discord-control-bot.ts';
import { NoticeDelivery } from './notices/notice-delivery.ts';
import { NoticeOutbox } from './notices/notice-outbox.ts';

await runProcess('bot', async (config, root, shutdown) => {
  const log = componentLogger(root, 'bot');
  const token = config.CONTROL_BOT_DISCORD_TOKEN;
  if (token === undefined) {
    log.warn('CONTROL_BOT_DISCORD_TOKEN is not set: there is no control bot to run');
    await shutdown.run('no control bot configured', 0);
    return;
  }
  const { databaseUrl } = requireServerUrls(config, 'bot');
  const orm = await openDatabase({ databaseUrl, schema: config.DATABASE_SCHEMA, logger: componentLogger(root, 'db') });
  shutdown.register('database pool', () => orm.close());
  const redis = await provideRedis({ config, logger: componentLogger(root, 'infra') });
  shutdown.register('Redis', redis.stop);
  if (shutdown.inProgress) return;
  const ctx = createApiContext({ orm, redis: redis.redis, config, logger: log });
  shutdown.register('mailer', () => ctx.mailer.close());
  shutdown.register('Telegram login threads', () => ctx.telegramLogin.close());
  const links = chatLinksOf(ctx);
  const bot = await DiscordControlBot.start({ token, apiUrl: config.DISCORD_API_URL, runner: new CommandRunner(ctx, links), logger: log });
  shutdown.register('Discord control bot', () => bot.stop());
  // Its own connection: a blocking read would hold up the commands' Redis calls behind it.
  const outboxRedis = redis.redis.duplicate();
  shutdown.register('notice outbox connection', async () => { await outboxRedis.quit(); });
  const notices = new NoticeDelivery({ outbox: new NoticeOutbox(outboxRedis), links, senders: { discord: (user, text) => bot.notify(user, text) }, logger: log });
  await notices.start();
  // Registered last, so it stops first: no notice is sent through a bot already stopped.
  shutdown.register('notice delivery', () => notices.stop());
  log.info('bot ready');
});
