/**
 * Checks an HTTP answer against the OpenAPI document the app serves: the
 * method and path must match a described operation (path templates such as
 * `/v1/pairs/{id}`), the status must be one it lists, and the JSON body must
 * satisfy that status's schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1
 * uses). Unknown routes may only answer 404 with the Error schema.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;
interface Operation {
  responses?: Record<string, { content?: { 'application/json'?: { schema?: Json } } }>;
}

// ajv-formats is CommonJS with a default export; under nodenext its type is the module namespace.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export class OpenApiValidator {
  readonly #doc: Json;
  readonly #ajv: Ajv2020;
  readonly #templates: Array<{ template: string; pattern: RegExp }>;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(doc: Json) {
    this.#doc = doc;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    // The whole document as one schema, so `#/components/schemas/...` refs resolve.
    this.#ajv.addSchema({ ...doc, $id: 'openapi' });
    this.#templates = Object.keys((doc.paths ?? {}) as Json).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  /** The described template a concrete path matches (literal segments win over parameters). */
  templateOf(path: string): string | null {
    const matches = this.#templates.filter((t) => t.pattern.test(path)).map((t) => t.template);
    matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
    return matches[0] ?? null;
  }

  /** Returns a problem description, or null when the answer is as documented. */
  check(method: string, rawPath: string, status: number, contentType: string | null, body: unknown): string | null {
    const path = rawPath.split('?')[0] as string;
    const where = `${method.toUpperCase()} ${path} → ${status}`;
    const template = this.templateOf(path);
    const operation = template === null
      ? undefined
      : ((this.#doc.paths as Record<string, Record<string, Operation>>)[template]?.[method.toLowerCase()]);
    if (operation === undefined) {
      if (status !== 404 && status !== 405) return `${where}: no operation ${method.toUpperCase()} ${path} in the OpenAPI document`;
      return this.#validate('openapi#/components/schemas/Error', body, where);
    }
    const response = operation.responses?.[String(status)];
    if (response === undefined) {
      const listed = Object.keys(operation.responses ?? {}).join(', ');
      return `${where}: status ${status} is not described for ${method.toUpperCase()} ${template} (described: ${listed}); body ${JSON.stringify(body)}`;
    }
    const schema = response.content?.['application/json']?.schema;
    if (schema === undefined) {
      return body === null || body === '' ? null : `${where}: the document describes no body, but got ${JSON.stringify(body)}`;
    }
    if (contentType === null || !contentType.startsWith('application/json')) return `${where}: expected JSON, got content-type ${contentType}`;
    const pointer = `openapi#/paths/${escape(template as string)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    return this.#validate(pointer, body, where);
  }

  #validate(ref: string, body: unknown, where: string): string | null {
    let validate = this.#compiled.get(ref);
    if (validate === undefined) {
      validate = this.#ajv.compile({ $ref: ref });
      this.#compiled.set(ref, validate);
    }
    if (validate(body)) return null;
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    return `${where}: body does not match the OpenAPI document:\n  ${errors.join('\n  ')}\n  body: ${JSON.stringify(body)}`;
  }
}

/** A path template as a JSON pointer segment inside a URI fragment (`{` and `}` percent-encoded). */
function escape(template: string): string {
  return encodeURIComponent(template.replaceAll('~', '~0').replaceAll('/', '~1'));
}
