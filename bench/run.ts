/**
 * `npm run bench -- NAME [args]`: runs bench/NAME.ts. Each benchmark prints
 * progress as it goes and one JSON line of figures as its last line.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';

const here = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const [name, ...args] = process.argv.slice(2);

if (name === undefined || !available.includes(name) || !existsSync(`${here}${name}.ts`)) {
  console.error(`usage: npm run bench -- NAME [args]   (NAME: ${available.join(', ')})`);
  process.exit(2);
}

const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', `${here}${name}.ts`, ...args], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
