/**
 * PlatformCallbacks that record what an adapter client reported, for the
 * adapter suites of every platform.
 */
import type { ResumeCursor } from '../../src/runtime-contracts/actor-contract.ts';
import type { PlatformCallbacks } from '../../actors/platform/platform-client.ts';
import type { InboundMessage } from '../../src/runtime-contracts/inbound-message.ts';

/** What an adapter client reported through its callbacks. */
export interface Reports {
  inbound: InboundMessage[];
  disconnects: string[];
  rejected: string[];
  positions: ResumeCursor[];
}

export function recordingCallbacks(): { callbacks: PlatformCallbacks; reports: Reports } {
  const reports: Reports = { inbound: [], disconnects: [], rejected: [], positions: [] };
  return {
    reports,
    callbacks: {
      onMessage: (m) => reports.inbound.push(m),
      onDisconnect: (reason) => reports.disconnects.push(reason),
      onCredentialsRejected: (reason) => reports.rejected.push(reason),
      onPositions: (positions) => reports.positions.push(positions),
    },
  };
}
