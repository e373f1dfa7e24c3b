/**
 * `npm run demo`: the whole service (`npm start`, unchanged) with the local
 * Discord and Telegram fakes as its platforms, one user per plan seeded
 * through the API, and steady traffic with a burst now and then. Prints the
 * sign-ins and, every few seconds, how far each pair has got: under a burst
 * Free falls behind (its plan allows 20 messages a minute) while Elite keeps
 * up. Ctrl-C stops it all.
 *
 * State lives under DATA_DIR/demo and is wiped on each start (the fakes'
 * bots and users are new each time). With DATABASE_URL / REDIS_URL set, those
 * servers are used instead of embedded ones, under DATABASE_SCHEMA + `_demo`
 * and REDIS_KEY_PREFIX + `demo:`, wiped likewise.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { setAdmin } from '../src/cli/admin-role.ts';
import { openAdminDatabase } from '../src/cli/admin-database.ts';
import { parseConfig } from '../src/config/load-config.ts';
import { DiscordFake } from '../test/fakes/discord/discord-fake.ts';
import { TelegramFake } from '../test/fakes/telegram/telegram-fake.ts';
import { DemoApi, waitForApi } from './demo-api.ts';
import { seedDemo, type DemoPair } from './demo-world.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TELEGRAM_APP = { apiId: 12345, apiHash: '0123456789abcdef0123456789abcdef' };

const { values } = parseArgs({
  options: {
    'every-ms': { type: 'string', default: '2000' },
    'burst-every-s': { type: 'string', default: '30' },
    burst: { type: 'string', default: '20' },
    seconds: { type: 'string' },
  },
});
const EVERY_MS = Number(values['every-ms']);
const BURST_EVERY_MS = Number(values['burst-every-s']) * 1_000;
const BURST = Number(values.burst);
const RUN_MS = values.seconds === undefined ? null : Number(values.seconds) * 1_000;

const say = (line: string): void => void process.stdout.write(`${line}\n`);

const baseEnv = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
const demoDir = resolve(ROOT, parseConfig(baseEnv).DATA_DIR, 'demo');
rmSync(demoDir, { recursive: true, force: true });
mkdirSync(join(demoDir, 'mail'), { recursive: true });

const discord = await DiscordFake.start();
const telegram = await TelegramFake.start();
const keyFile = join(demoDir, 'telegram-server.pem');
writeFileSync(keyFile, telegram.publicKeyPem);

const env: NodeJS.ProcessEnv = {
  ...baseEnv,
  DATA_DIR: demoDir,
  // On servers the demo did not start, a schema and key prefix of its own, wiped on each start.
  ...(process.env.DATABASE_URL === undefined ? {} : { DATABASE_SCHEMA: `${process.env.DATABASE_SCHEMA ?? 'switchboard'}_demo` }),
  ...(process.env.REDIS_URL === undefined ? {} : { REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX ?? 'switchboard:'}demo:` }),
  DISCORD_API_URL: discord.apiUrl,
  TELEGRAM_API_ID: String(TELEGRAM_APP.apiId),
  TELEGRAM_API_HASH: TELEGRAM_APP.apiHash,
  TELEGRAM_SERVER: `${telegram.host}:${telegram.port}`,
  TELEGRAM_SERVER_KEY_FILE: keyFile,
  MAIL_TRANSPORT: 'file',
  MAIL_DIR: join(demoDir, 'mail'),
  LOG_DIR: join(demoDir, 'log'),
  LOG_PRETTY: 'false',
};
const config = parseConfig(env);
await resetExternalState();

/** On servers the demo did not start, its schema and keys from an earlier run go, so every run starts clean. */
async function resetExternalState(): Promise<void> {
  if (config.DATABASE_URL !== undefined) {
    const client = new pg.Client({ connectionString: config.DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${config.DATABASE_SCHEMA}" cascade`);
    await client.end();
  }
  if (config.REDIS_URL !== undefined) {
    const redis = new Redis(config.REDIS_URL);
    for await (const batch of redis.scanStream({ match: `${config.REDIS_KEY_PREFIX}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (batch.length > 0) await redis.del(...batch);
    }
    redis.disconnect();
  }
}
const log = openSync(join(demoDir, 'service.log'), 'a');
say(`demo: starting the service (its output goes to ${join(demoDir, 'service.log')})`);
const service = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], { cwd: ROOT, env, stdio: ['ignore', log, log] });
let serviceExited = false;
service.once('exit', () => { serviceExited = true; });

let traffic: NodeJS.Timeout | undefined;
let progress: NodeJS.Timeout | undefined;
async function stop(code: number): Promise<never> {
  clearInterval(traffic);
  clearInterval(progress);
  if (!serviceExited) {
    const exited = new Promise((r) => service.once('exit', r));
    service.kill('SIGINT');
    await exited;
  }
  await discord.close();
  await telegram.close();
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

try {
  const baseUrl = `http://${config.API_HOST}:${config.API_PORT}`;
  await waitForApi(baseUrl, 120_000, () => !serviceExited);
  const api = new DemoApi(baseUrl, join(demoDir, 'mail'));
  const asAdmin = async (email: string, password: string): Promise<string> => {
    const token = await api.signUp(email, password);
    const orm = await openAdminDatabase(config);
    try {
      await setAdmin(orm.em.fork(), email, true, new Date());
    } finally {
      await orm.close(true);
    }
    return token;
  };
  const { pairs, signIns } = await seedDemo({ discord, telegram, api }, asAdmin);
  say(`demo: ${pairs.length} pairs for ${signIns.length - 1} users; waiting for the first forward on each`);
  const started = Date.now();
  let sent = 0;
  const posted = new Map<DemoPair, number>();
  const post = (pair: DemoPair): void => {
    sent += 1;
    posted.set(pair, (posted.get(pair) ?? 0) + 1);
    pair.post(`${pair.label} message ${posted.get(pair)}`);
  };
  // A session that starts after a message was posted begins at the newest message (it has no cursor yet):
  // knock until each pair has forwarded once.
  for (let round = 0; pairs.some((p) => p.delivered() === 0); round += 1) {
    const silent = pairs.filter((p) => p.delivered() === 0);
    if (Date.now() - started > 60_000 || serviceExited) {
      throw new Error(`demo: ${silent.map((p) => `${p.tier} ${p.label}`).join(', ')} forwarded nothing within 60 s (see service.log)`);
    }
    if (round % 10 === 0) for (const pair of silent) post(pair);
    await new Promise((r) => setTimeout(r, 200));
  }
  say(`demo: forwarding in every direction, ${(performance.now() / 1_000).toFixed(1)} s after the demo started`);
  say(`demo: dashboard ${baseUrl}/, API ${baseUrl}/v1 (documented at ${baseUrl}/docs); sign in with:`);
  for (const s of signIns) say(`  ${s.tier.padEnd(5)}  ${s.email}  /  ${s.password}`);
  say('demo: watch the supervisors with `npm run switchboard -- top` (same environment); Ctrl-C stops the demo');
  say('demo: as admin, lower the RAM watermarks on the dashboard\'s Runtime page and Free sessions pause first; raise them and they resume and catch up');
  say('demo: under a burst Free falls behind (20 messages a minute on its plan) while Elite keeps up; into Telegram groups every plan drains at Telegram\'s own pace (20 a minute)');

  let lastBurst = Date.now();
  traffic = setInterval(() => {
    for (const pair of pairs) post(pair);
    if (Date.now() - lastBurst >= BURST_EVERY_MS) {
      lastBurst = Date.now();
      say(`demo: burst of ${BURST} messages into every source`);
      for (const pair of pairs) for (let i = 0; i < BURST; i++) post(pair);
    }
  }, EVERY_MS);
  progress = setInterval(() => {
    const parts = pairs.map((p) => `${p.tier} ${p.label} ${p.delivered()}/${posted.get(p) ?? 0}`);
    say(`demo: delivered/posted  ${parts.join('  ')}  (${sent} posted)`);
  }, 5_000);
  if (RUN_MS !== null) setTimeout(() => void stop(0), RUN_MS);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  await stop(1);
}
