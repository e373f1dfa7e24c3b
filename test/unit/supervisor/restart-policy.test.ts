import assert from 'node:assert/strict';
import type { RestartType } from '../../../src/runtime-contracts/actor-contract.ts';
import { afterExit, type ActorExit, type AfterExit } from '../../../supervisor/restart-policy.ts';

describe('restart policy (OTP restart types)', () => {
  const table: Array<[RestartType, ActorExit, AfterExit]> = [
    ['permanent', 'failed', 'restart'],
    ['permanent', 'stopped', 'restart'],
    ['permanent', 'revoked', 'retire'],
    ['transient', 'failed', 'restart'],
    ['transient', 'stopped', 'retire'],
    ['transient', 'revoked', 'retire'],
    ['temporary', 'failed', 'forget'],
    ['temporary', 'stopped', 'forget'],
    ['temporary', 'revoked', 'forget'],
  ];
  for (const [type, exit, expected] of table) {
    it(`${type} actor that ${exit}: ${expected}`, () => assert.equal(afterExit(type, exit), expected));
  }
});
