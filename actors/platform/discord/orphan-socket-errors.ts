/**
 * @discordjs/ws clears a gateway socket's `onerror` when it destroys a shard,
 * even while that socket is still connecting. If the connect then fails
 * (ECONNREFUSED after Discord, or the test fake, went away), `ws` emits
 * 'error' with no listener, which Node throws as an uncaught exception: in a
 * thread host that would take every actor of the thread down with it.
 * An 'error' nobody listens for on a `ws` socket is therefore dropped here:
 * the shard that owned the socket has already been destroyed and wants no
 * news of it. Sockets with a listener are untouched.
 */
import { WebSocket } from 'ws';

let installed = false;

export function dropOrphanSocketErrors(): void {
  if (installed) return;
  installed = true;
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error' && this.listenerCount('error') === 0) return false;
    return emit.call(this, event, ...args);
  };
}
