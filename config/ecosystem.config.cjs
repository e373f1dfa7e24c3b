// pm2 process file:
//   npx pm2 start config/ecosystem.config.cjs      (daemon)
//   npx pm2-runtime config/ecosystem.config.cjs    (foreground, for containers)
// Both apps need DATABASE_URL and REDIS_URL (and SECRET_KEYS in production):
// embedded servers are for `npm start` on one machine only.
// Every app runs on the project's own Node 24 with tsx, not whatever node pm2 found.
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const node = path.join(root, 'node_modules', '.bin', 'node');

const common = {
  cwd: root,
  interpreter: node,
  interpreter_args: '--import tsx',
  // Graceful shutdown gets SHUTDOWN_TIMEOUT_MS (default 15 s) before pm2's SIGKILL.
  kill_timeout: 20_000,
  // Only the app's own process is signalled: the supervisor stops its workers in order
  // (they also leave by themselves once its IPC channel closes).
  treekill: false,
  // 78 (EX_CONFIG) is a configuration error: restarting cannot fix it, so pm2 stops the app.
  stop_exit_codes: [78],
  exp_backoff_restart_delay: 1_000,
  env: { NODE_ENV: 'production' },
};

module.exports = {
  apps: [
    {
      ...common,
      // One per host: it owns the worker processes, their leases and migrations.
      // Exits 1 when restart intensity is exceeded, so pm2 restarts it.
      name: 'switchboard-supervisor',
      script: 'supervisor/supervisor-main.ts',
      exec_mode: 'fork',
      instances: 1,
      max_restarts: 10,
      min_uptime: 10_000,
    },
    {
      ...common,
      // Stateless: pm2's cluster mode shares the port across one process per core.
      name: 'switchboard-api',
      script: 'src/api/api-main.ts',
      exec_mode: 'cluster',
      instances: 'max',
    },
    {
      ...common,
      // One in the whole deployment: every gateway session of a Discord bot gets every
      // interaction, Telegram hands each update to one connection of a bot, and only one
      // may answer. With neither CONTROL_BOT_DISCORD_TOKEN nor CONTROL_BOT_TELEGRAM_TOKEN
      // it exits 0 at once, and stays stopped.
      name: 'switchboard-bot',
      script: 'src/commands/bot-main.ts',
      exec_mode: 'fork',
      instances: 1,
      stop_exit_codes: [0, 78],
    },
  ],
};
