/**
 * Each supervisor's share of the accounts as the status snapshot and the
 * `switchboard status` CLI show it: two supervisor processes on one world,
 * each reporting its own capacity, the users and accounts it owns and runs,
 * and the same two live members.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { readSnapshots } from '../../../src/cluster/snapshot-store.ts';
import type { OwnershipSnapshot } from '../../../src/cluster/status-snapshot.ts';
import type { Tier } from '../../../src/domain/plans/plan-types.ts';
import { testEnv } from '../../helpers/namespace.ts';
import { CAPACITY, OwnershipWorld, waitFor } from './ownership-fixture.ts';

const CLI = fileURLToPath(new URL('../../../src/cli/switchboard.ts', import.meta.url));
const TIERS: Tier[] = ['elite', 'pro', 'free', 'elite', 'pro', 'free'];

describe('ownership in the status snapshot and the CLI (two supervisor processes)', function () {
  this.timeout(60_000);
  let w: OwnershipWorld;

  after(async () => {
    await w?.close();
  });

  it('each supervisor shows its own share, its capacity and the same live members', async () => {
    w = await OwnershipWorld.create('own_status', TIERS);
    const all = w.accounts.map((a) => a.accountId);
    await w.start('own-a', all.length);
    const bId = w.secondHostId('own-a');
    const ids = ['own-a', bId];
    const shares = new Map(ids.map((id) => [id, w.share(id, ids).length]));
    await w.start(bId, shares.get(bId)!);
    // Each account is its own user's, so a share counts as many users as accounts.
    const expected = (id: string): OwnershipSnapshot => ({
      capacity: CAPACITY,
      owned: { users: shares.get(id)!, accounts: shares.get(id)! },
      running: { users: shares.get(id)!, accounts: shares.get(id)! },
      members: ids.map((m) => ({ supervisorId: m, capacity: CAPACITY })).sort((x, y) => x.supervisorId.localeCompare(y.supervisorId)),
    });
    const ownership = async () => Object.fromEntries((await readSnapshots(w.world.redis)).map((s) => [s.supervisorId, s.ownership]));
    await waitFor('both snapshots to show the settled shares', async () => {
      const seen = await ownership();
      return ids.every((id) => JSON.stringify(seen[id]) === JSON.stringify(expected(id)));
    }, 15_000);
    assert.equal(shares.get('own-a')! + shares.get(bId)!, all.length, 'the shares add up to every account');
    assert.ok(shares.get(bId)! > 0 && shares.get('own-a')! > 0);

    const env = testEnv({ REDIS_KEY_PREFIX: w.world.prefix });
    const run = (args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'status', ...args], { env });
    const json = JSON.parse((await run(['--json'])).stdout) as Array<{ supervisorId: string; ownership: OwnershipSnapshot | null }>;
    assert.deepEqual(Object.fromEntries(json.map((s) => [s.supervisorId, s.ownership])), Object.fromEntries(ids.map((id) => [id, expected(id)])));
    const lines = (await run([])).stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /CAPACITY\s+OWNS\s+MEMBERS$/);
    for (const id of ids) {
      const n = shares.get(id)!;
      const row = lines.find((l) => l.startsWith(`${id} `));
      const plural = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
      assert.match(row ?? '', new RegExp(`${CAPACITY} of ${2 * CAPACITY}\\s+${plural(n, 'account')} of ${plural(n, 'user')}, ${n} running\\s+${[...ids].sort().join(', ')}$`));
    }
    process.stdout.write(`      shares: ${ids.map((id) => `${id} ${shares.get(id)}`).join(', ')} of ${all.length}\n`);
  });
});
