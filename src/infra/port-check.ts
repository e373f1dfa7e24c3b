/**
 * Before a process starts anything (embedded servers, migrations, workers),
 * it checks that the ports it will listen on are free, so a port in use is
 * one clear line naming the variable, not a failure after a minute of
 * start-up and a shutdown of everything already running.
 */
import { createServer } from 'node:net';
import { PortInUseError } from '../errors/registry.ts';

export interface PortClaim {
  /** The setting the port comes from, e.g. `API_PORT`. */
  variable: string;
  host: string;
  /** 0 (pick any, or off) is never checked. */
  port: number;
}

function probe(claim: PortClaim): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') reject(new PortInUseError({ ...claim, reason: error.code }));
      else reject(error);
    });
    // Not exclusive: in a cluster worker (pm2 cluster mode) the probe goes through the primary, as the real listen will.
    server.listen({ port: claim.port, host: claim.host }, () => server.close(() => resolve()));
  });
}

/** Resolves when every port is free; rejects with `port_in_use` for the first that is not. */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  for (const claim of claims) if (claim.port !== 0) await probe(claim);
}
