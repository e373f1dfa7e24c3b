/**
 * A TCP relay in front of a server that a test can cut, to partition one
 * process from it (say a supervisor from Redis) while the others keep
 * reaching it directly. Cut, it drops every open connection and takes new
 * ones without answering, as a network that lost the route would; healed,
 * it relays again.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class TcpCut {
  readonly port: number;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #cut = false;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.port = port;
  }

  /** Relays 127.0.0.1:<port> (a free one) to `target`. */
  static async start(target: { host: string; port: number }): Promise<TcpCut> {
    let relay: TcpCut | null = null;
    const server = createServer((client) => {
      if (relay === null) client.destroy();
      else relay.#accept(client, target);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    relay = new TcpCut(server, (server.address() as { port: number }).port);
    return relay;
  }

  get isCut(): boolean {
    return this.#cut;
  }

  #accept(client: Socket, target: { host: string; port: number }): void {
    this.#sockets.add(client);
    client.on('close', () => this.#sockets.delete(client));
    client.on('error', () => {});
    // Cut: the connection is taken and never answered.
    if (this.#cut) return;
    const upstream = createConnection(target);
    this.#sockets.add(upstream);
    upstream.on('close', () => { this.#sockets.delete(upstream); client.destroy(); });
    upstream.on('error', () => {});
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Drops every connection; new ones hang until `heal`. */
  cut(): void {
    this.#cut = true;
    for (const s of this.#sockets) s.destroy();
  }

  /** Relays new connections again (the hung ones are dropped, so clients reconnect). */
  heal(): void {
    this.#cut = false;
    for (const s of this.#sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
