// pm2 process file: `npx pm2 start config/ecosystem.config.cjs` (daemon) or
// `npx pm2-runtime config/ecosystem.config.cjs` (foreground, for containers).
// Every app runs on the project's own Node 24 with tsx, not whatever node pm2 found.
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const node = path.join(root, 'node_modules', '.bin', 'node');

module.exports = {
  apps: [
    {
      // One per host: it owns embedded servers, migrations and (later) the
      // supervisor cluster, so it must never run in cluster mode.
      name: 'switchboard',
      cwd: root,
      script: 'src/main.ts',
      interpreter: node,
      interpreter_args: '--import tsx',
      exec_mode: 'fork',
      instances: 1,
      // Graceful shutdown gets SHUTDOWN_TIMEOUT_MS (default 15 s) before pm2's SIGKILL.
      kill_timeout: 20_000,
      max_restarts: 10,
      min_uptime: 10_000,
      exp_backoff_restart_delay: 1_000,
      env: { NODE_ENV: 'production' },
    },
  ],
};
