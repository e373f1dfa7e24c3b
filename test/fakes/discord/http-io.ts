/**
 * Request bodies and answers of the fake's HTTP server: JSON and the
 * multipart form discord.js sends with files (`payload_json` plus
 * `files[n]`), parsed with the platform's own `Request.formData()`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiCode } from './protocol.ts';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface ParsedBody {
  json: Record<string, unknown> | null;
  files: UploadedFile[];
  /** A JSON array body (a bulk overwrite of commands); `json` is then null. */
  array?: unknown[];
}

/** A REST failure the routes raise: it becomes `{ message, code, errors?, ...fields }` with `status` and `headers`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly errors: unknown;
  /** More fields of the JSON body (a 429's `retry_after`, `global`). */
  readonly fields: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, code: number, message: string, errors?: unknown, extra: { fields?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.fields = extra.fields ?? {};
    this.headers = extra.headers ?? {};
  }
}

/** A 400 Invalid Form Body naming one field, as Discord words it. */
export function formError(field: string, code: string, message: string): ApiError {
  return formErrors({ [field]: { code, message } });
}

/** A 400 Invalid Form Body naming every bad field at once, as Discord reports a body with several. */
export function formErrors(fields: Record<string, { code: string; message: string }>): ApiError {
  const errors = Object.fromEntries(Object.entries(fields).map(([field, error]) => [field, { _errors: [error] }]));
  return new ApiError(400, ApiCode.InvalidFormBody, 'Invalid Form Body', errors);
}

/**
 * A 400 Invalid Form Body for a field deep in the body, nested as Discord
 * nests them: `[0, 'options', 2, 'name']` becomes
 * `{ "0": { "options": { "2": { "name": { "_errors": [...] } } } } }`;
 * an empty path puts the error on the body itself.
 */
export function formErrorAt(path: ReadonlyArray<string | number>, code: string, message: string): ApiError {
  let errors: Record<string, unknown> = { _errors: [{ code, message }] };
  for (let i = path.length - 1; i >= 0; i -= 1) errors = { [String(path[i])]: errors };
  return new ApiError(400, ApiCode.InvalidFormBody, 'Invalid Form Body', errors);
}

/** Discord's answer to an action the channel's type does not allow (a webhook or a thread in a thread). */
export function wrongChannelType(): ApiError {
  return new ApiError(400, ApiCode.CannotExecuteOnChannelType, 'Cannot execute action on this channel type');
}

export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ApiError(413, 40005, 'Request entity too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function parseBody(request: IncomingMessage, raw: Buffer): Promise<ParsedBody> {
  const type = request.headers['content-type'] ?? '';
  if (raw.length === 0) return { json: null, files: [] };
  if (type.startsWith('application/json')) {
    try {
      const json = JSON.parse(raw.toString('utf8')) as unknown;
      if (Array.isArray(json)) return { json: null, files: [], array: json };
      if (typeof json !== 'object' || json === null) throw new Error('not an object');
      return { json: json as Record<string, unknown>, files: [] };
    } catch {
      throw new ApiError(400, 50109, 'The request body contains invalid JSON.');
    }
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    const files: UploadedFile[] = [];
    let json: Record<string, unknown> | null = null;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') json = JSON.parse(value) as Record<string, unknown>;
        continue;
      }
      files.push({ field, filename: value.name, contentType: value.type || 'application/octet-stream', content: Buffer.from(await value.arrayBuffer()) });
    }
    return { json, files };
  }
  throw new ApiError(400, 50035, 'Invalid Form Body');
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204) {
    response.writeHead(204, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}
