/**
 * Host memory as the pressure policy reads it. `available` (what the kernel
 * can hand out without swapping), not `free`: Linux keeps free memory near
 * zero by caching files, which would read as permanent pressure.
 */
import si from 'systeminformation';
import type { HostMemory } from './policy/pressure-policy.ts';

export async function readHostMemory(): Promise<HostMemory> {
  const mem = await si.mem();
  return { totalBytes: mem.total, availableBytes: mem.available };
}
