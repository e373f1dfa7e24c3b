/**
 * A local PayPal REST API serving the two calls webhook verification makes:
 * `POST /v1/oauth2/token` (Basic client id and secret, `grant_type=
 * client_credentials`; 401 `invalid_client` otherwise) and `POST
 * /v1/notifications/verify-webhook-signature` (Bearer token; 400
 * `VALIDATION_ERROR` for a missing field). Like PayPal, it checks the
 * transmission signature: RSA-SHA256 over
 * `<transmission_id>|<transmission_time>|<webhook_id>|<crc32 of the event>`
 * with the key behind `cert_url`; tests sign with {@link PayPalFake.sign}.
 *
 * Unlike PayPal: the event's CRC32 is of the event as re-serialised from the
 * JSON the caller sent (PayPal's is of the bytes it sent; the same for
 * JSON.stringify output), and `cert_url` must be this fake's own.
 */
import { createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

export interface PayPalFakeOptions {
  clientId: string;
  clientSecret: string;
}

export class PayPalFake {
  readonly #server: Server;
  readonly #o: PayPalFakeOptions;
  readonly #keys: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly #tokens = new Set<string>();
  /** Verification requests answered, with their status. */
  readonly verifications: string[] = [];

  private constructor(server: Server, options: PayPalFakeOptions) {
    this.#server = server;
    this.#o = options;
  }

  static async start(options: PayPalFakeOptions): Promise<PayPalFake> {
    let fake: PayPalFake | null = null;
    const server = createServer((req, res) => { void fake!.#handle(req, res); });
    fake = new PayPalFake(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get certUrl(): string {
    return `${this.url}/v1/notifications/certs/CERT-fake`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The headers PayPal would send with `body` for the webhook `webhookId`. */
  sign(body: string, webhookId: string): Record<string, string> {
    const transmissionId = randomBytes(16).toString('hex');
    const time = new Date().toISOString();
    const signer = createSign('RSA-SHA256');
    signer.update(`${transmissionId}|${time}|${webhookId}|${crc32(Buffer.from(body))}`);
    return {
      'paypal-auth-algo': 'SHA256withRSA',
      'paypal-cert-url': this.certUrl,
      'paypal-transmission-id': transmissionId,
      'paypal-transmission-sig': signer.sign(this.#keys.privateKey, 'base64'),
      'paypal-transmission-time': time,
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const answer = this.#serve(req, path, text);
    res.writeHead(answer.status, { 'content-type': 'application/json', 'paypal-debug-id': randomBytes(6).toString('hex') });
    res.end(JSON.stringify(answer.body));
  }

  #serve(req: IncomingMessage, path: string, text: string): { status: number; body: object } {
    if (req.method === 'POST' && path === '/v1/oauth2/token') {
      const basic = `Basic ${Buffer.from(`${this.#o.clientId}:${this.#o.clientSecret}`).toString('base64')}`;
      if (req.headers.authorization !== basic) return { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } };
      if (new URLSearchParams(text).get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' } };
      const token = `A21AA${randomBytes(24).toString('base64url')}`;
      this.#tokens.add(token);
      return { status: 200, body: { scope: 'https://uri.paypal.com/services/applications/webhooks', access_token: token, token_type: 'Bearer', app_id: 'APP-FAKE', expires_in: 32400, nonce: randomBytes(8).toString('hex') } };
    }
    if (req.method === 'POST' && path === '/v1/notifications/verify-webhook-signature') {
      if (!this.#tokens.has(String(req.headers.authorization ?? '').replace(/^Bearer /, ''))) {
        return { status: 401, body: { error: 'invalid_token', error_description: 'Token signature verification failed' } };
      }
      const body = JSON.parse(text) as Record<string, unknown>;
      const missing = ['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id', 'webhook_event'].filter((k) => body[k] === undefined);
      if (missing.length > 0) {
        return { status: 400, body: { name: 'VALIDATION_ERROR', message: 'Invalid request - see details', details: missing.map((field) => ({ field, issue: 'Required field cannot be blank' })) } };
      }
      const verifier = createVerify('RSA-SHA256');
      verifier.update(`${String(body.transmission_id)}|${String(body.transmission_time)}|${String(body.webhook_id)}|${crc32(Buffer.from(JSON.stringify(body.webhook_event)))}`);
      const ok = body.cert_url === this.certUrl && body.auth_algo === 'SHA256withRSA' && verifier.verify(this.#keys.publicKey, String(body.transmission_sig), 'base64');
      this.verifications.push(ok ? 'SUCCESS' : 'FAILURE');
      return { status: 200, body: { verification_status: ok ? 'SUCCESS' : 'FAILURE' } };
    }
    return { status: 404, body: { name: 'RESOURCE_NOT_FOUND', message: 'The specified resource does not exist.' } };
  }
}
