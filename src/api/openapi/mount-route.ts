/**
 * Describes a route in the OpenAPI document and mounts its handlers in one
 * call, so a route cannot be served undocumented or documented unserved.
 */
import type { RequestHandler, Router } from 'express';
import { requireJsonBody } from '../http/json-content-type.ts';
import { expressPath, type ApiDoc, type RouteSpec } from './api-doc.ts';

export function mountRoute(router: Router, doc: ApiDoc, spec: RouteSpec, ...handlers: RequestHandler[]): void {
  doc.route(spec);
  // A route with a body reads JSON only; its 415 is among its standard errors.
  router[spec.method](expressPath(spec.path), ...(spec.body === undefined ? handlers : [requireJsonBody, ...handlers]));
}
