/**
 * `npm run secrets:generate`: prints new SECRET_KEYS, JWT_SECRET and
 * API_KEY_PEPPER as `.env` lines (`--json` for tooling). Printed, never
 * written anywhere: where secrets live is the operator's call.
 */
import { Command } from 'commander';
import { generateSecrets } from '../crypto/generate-secrets.ts';

new Command('secrets:generate')
  .description('Print new SECRET_KEYS, JWT_SECRET and API_KEY_PEPPER values (e.g. npm run -s secrets:generate >> .env)')
  .option('--json', 'print one JSON object')
  .action((options: { json?: boolean }) => {
    const secrets = generateSecrets();
    console.log(options.json ? JSON.stringify(secrets) : Object.entries(secrets).map(([name, value]) => `${name}=${value}`).join('\n'));
  })
  .parse();
