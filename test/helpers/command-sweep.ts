/**
 * Every catalogue command once, as a linked admin would use it on a quiet
 * deployment (no supervisor running), with what the reply must say: the
 * control bot suites run it through each platform's real client, so no
 * command goes untested end to end. `{email}` stands for a user the suite
 * made to act on.
 */
import { COMMANDS } from '../../src/commands/command-catalogue.ts';

export interface SweepStep {
  command: string;
  args: string[];
  /** What the reply says (as plain text, markup aside). */
  expect: RegExp;
}

const SESSION = '00000000-0000-4000-8000-000000000001';

export const COMMAND_SWEEP: readonly SweepStep[] = [
  { command: 'start', args: [], expect: /lets you steer it from here/ },
  { command: 'help', args: [], expect: /\/setplan EMAIL free\|pro\|elite/ },
  { command: 'plan', args: [], expect: /^Your plan: Pro \(no expiry\)/ },
  { command: 'usage', args: [], expect: /^Usage, .*\nForwarding pairs: 0 \/ unlimited/ },
  { command: 'upgrade', args: [], expect: /^Your plan: Pro\n\nElite\n[\s\S]*messages waiting to be forwarded: 5,000 → 20,000/ },
  { command: 'pairs', args: [], expect: /You have no forwarding pairs yet/ },
  { command: 'accounts', args: [], expect: /^You have no linked accounts yet/ },
  { command: 'status', args: [], expect: /^Accounts: 0 of 0 running\. Pairs: 0 of 0 active\.\nNothing needs your attention\.$/ },
  { command: 'users', args: ['{email}'], expect: /^Users matching "[^"]+": 1\n/ },
  { command: 'workers', args: [], expect: /No supervisor is running/ },
  { command: 'stats', args: [], expect: /Switchboard now/ },
  { command: 'session', args: [SESSION, 'pause'], expect: /^No supervisor is running/ },
  { command: 'reassign', args: [SESSION, 'w-1'], expect: /^No supervisor is running/ },
  { command: 'dead_letters', args: [], expect: /^No supervisor is running/ },
  { command: 'suspend', args: ['{email}'], expect: /is suspended now/ },
  { command: 'reactivate', args: ['{email}'], expect: /is active now/ },
  { command: 'setplan', args: ['{email}', 'elite'], expect: /is on elite now\.$/ },
  { command: 'resend', args: [], expect: /No Telegram login here waits for a code/ },
  { command: 'code', args: ['1 2 3 4 5'], expect: /No Telegram login here waits for a code/ },
  { command: 'password', args: ['x'], expect: /No Telegram login here waits for a password/ },
  { command: 'login', args: ['12'], expect: /That is not a phone number/ },
  { command: 'link', args: ['ZZZZ-ZZZZ'], expect: /^This link code is not valid/ },
  { command: 'unlink', args: [], expect: /^Unlinked/ },
];

/** The sweep's steps with `{email}` filled in; checks that it covers the whole catalogue. */
export function commandSweep(email: string): SweepStep[] {
  const missing = COMMANDS.map((c) => c.name).filter((name) => !COMMAND_SWEEP.some((s) => s.command === name));
  if (missing.length > 0) throw new Error(`the command sweep misses ${missing.join(', ')}`);
  return COMMAND_SWEEP.map((s) => ({ ...s, args: s.args.map((a) => a.replace('{email}', email)) }));
}
