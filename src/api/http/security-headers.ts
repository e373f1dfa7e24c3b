/**
 * Headers every API answer carries. Responses hold tokens and personal data,
 * so nothing may be cached by browsers or proxies (ASVS 14.3), and no body
 * may be sniffed into something executable.
 */
import type { RequestHandler } from 'express';

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  });
  next();
};
