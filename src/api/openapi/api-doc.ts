/**
 * The OpenAPI 3.1 description of the API, built from what the routers say
 * about themselves: each router calls `doc.route(spec)` next to the handler it
 * mounts, with the same zod schemas it validates with, so the document cannot
 * drift from the code. The test harness checks every response against it.
 */
import { z } from 'zod';
import { ERROR_SCHEMA_NAME, errorSchema, standardErrors } from './standard-errors.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: anyone, any signed-in user (token or API key), or admins only. */
export type RouteAuth = 'none' | 'user' | 'admin';

export interface RouteResponse {
  description: string;
  /** JSON body; omit for bodiless answers such as 204. */
  schema?: z.ZodType;
  /** The body's media type. Default `application/json`; `text/event-stream` for a stream whose events' data `schema` describes. */
  mediaType?: string;
}

export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI style, e.g. `/v1/pairs/{id}`; {@link expressPath} turns it into `/v1/pairs/:id`. */
  path: string;
  summary: string;
  tags: string[];
  auth: RouteAuth;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** A request body as a client would send it, shown in the document and in /docs. */
  example?: Record<string, unknown>;
  /**
   * Responses by status. The usual errors (400 when there is input, 401/403
   * when signed in, 413 with a body, 429, 500) are added unless given here.
   */
  responses: Record<number, RouteResponse>;
}

type JsonSchema = Record<string, unknown>;

/** `/v1/pairs/{id}` → `/v1/pairs/:id`, for `router.get(...)`. */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

export interface ApiDocOptions {
  /** Where this API is reached (the document's `servers`). Default: none, so tools use the document's own origin. */
  servers?: Array<{ url: string; description?: string }>;
}

export class ApiDoc {
  readonly #routes: RouteSpec[] = [];
  readonly #servers: NonNullable<ApiDocOptions['servers']>;

  constructor(options: ApiDocOptions = {}) {
    this.#servers = options.servers ?? [];
  }

  #cached: object | null = null;

  /** Describes one route; a second description of the same method and path is a programming error. */
  route(spec: RouteSpec): void {
    if (this.#routes.some((r) => r.method === spec.method && r.path === spec.path)) {
      throw new TypeError(`ApiDoc: ${spec.method.toUpperCase()} ${spec.path} is described twice`);
    }
    this.#routes.push(spec);
    this.#cached = null;
  }

  /** The routes described so far, in the order they were added. */
  routes(): readonly RouteSpec[] {
    return this.#routes;
  }

  /** The OpenAPI 3.1 document (built once, rebuilt after a new route). */
  document(): object {
    this.#cached ??= this.#build();
    return this.#cached;
  }

  #build(): object {
    const shared: Record<string, JsonSchema> = { [ERROR_SCHEMA_NAME]: toJsonSchema(errorSchema, 'output', {}) };
    const paths: Record<string, Record<string, unknown>> = {};
    for (const spec of this.#routes) {
      (paths[spec.path] ??= {})[spec.method] = operation(spec, shared);
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: '1.0.0',
        description: 'Forwards messages between Telegram and Discord. Errors are `{ error: { code, message, ...details } }`.',
      },
      ...(this.#servers.length > 0 ? { servers: this.#servers } : {}),
      paths,
      components: {
        schemas: shared,
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or sb_ API key' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
    };
  }
}

function operation(spec: RouteSpec, shared: Record<string, JsonSchema>): object {
  const responses: Record<string, unknown> = {};
  const all = { ...standardErrors(spec), ...spec.responses };
  for (const [status, response] of Object.entries(all).sort(([a], [b]) => Number(a) - Number(b))) {
    if (response.schema === undefined) {
      responses[status] = { description: response.description };
      continue;
    }
    const schema = response.schema === errorSchema
      ? { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` }
      : toJsonSchema(response.schema, 'output', shared);
    responses[status] = { description: response.description, content: { [response.mediaType ?? 'application/json']: { schema } } };
  }
  return {
    operationId: `${spec.method}${spec.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: spec.summary,
    tags: spec.tags,
    'x-auth': spec.auth,
    security: spec.auth === 'none' ? [] : [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    parameters: [...parameters(spec.params, 'path', shared), ...parameters(spec.query, 'query', shared)],
    ...(spec.body === undefined
      ? {}
      : {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: toJsonSchema(spec.body, 'input', shared), ...(spec.example === undefined ? {} : { example: spec.example }) } },
        },
      }),
    responses,
  };
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query', shared: Record<string, JsonSchema>): object[] {
  if (schema === undefined) return [];
  const json = toJsonSchema(schema, 'input', shared);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

/**
 * zod's JSON Schema (draft 2020-12, which OpenAPI 3.1 uses) for embedding:
 * no `$schema`, and any `$defs` hoisted into `components.schemas` with their
 * `$ref`s rewritten, since `#/$defs/...` would point at the document root.
 */
function toJsonSchema(schema: z.ZodType, io: 'input' | 'output', shared: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  for (const [name, def] of Object.entries(defs)) shared[name] = rewriteRefs(def) as JsonSchema;
  return rewriteRefs(json) as JsonSchema;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [
    key,
    key === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? `#/components/schemas/${v.slice('#/$defs/'.length)}` : rewriteRefs(v),
  ]));
}
