/**
 * comlink's Node adapter (`comlink/dist/umd/node-adapter`), which turns a
 * worker_threads MessagePort into a comlink Endpoint. The package ships it as
 * UMD: Node's ESM loader hands over the CommonJS `module.exports` (the
 * function itself) as the default export, while TypeScript, reading the
 * d.ts's `export default`, expects it one level further in. Both are accepted.
 */
import type { Endpoint } from 'comlink';
import * as adapter from 'comlink/dist/umd/node-adapter.js';
import type { NodeEndpoint } from 'comlink/dist/umd/node-adapter.js';

type NodeEndpointFn = (nep: NodeEndpoint) => Endpoint;

const loaded = (adapter as unknown as { default: NodeEndpointFn | { default: NodeEndpointFn } }).default;
const nodeEndpointFn: NodeEndpointFn = typeof loaded === 'function' ? loaded : loaded.default;

/** A comlink Endpoint over a worker_threads MessagePort (anything with postMessage/on/off). */
export function nodeEndpoint(port: { postMessage(message: unknown, transfer?: unknown[]): void; on(type: 'message', listener: (data: unknown) => void): unknown; off(type: 'message', listener: (data: unknown) => void): unknown }): Endpoint {
  return nodeEndpointFn(port as unknown as NodeEndpoint);
}
