// Every request but the public paths must carry a token the API accepts (401 otherwise); its principal
// is kept for the route's role check and for the audit history.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppBindings } from '../lib/types';

/** Liveness for probes, and the API's description: neither holds data, and the first has no client to give a token. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health', '/openapi.json']);

const CHALLENGE = 'Bearer realm="adclick"';

/** 401 with the challenge RFC 6750 asks for; invalid_token when a token was sent but is not accepted. */
export function unauthorized(c: Context, error: string, invalidToken = false): Response {
  return c.json({ error }, 401, { 'WWW-Authenticate': invalidToken ? `${CHALLENGE}, error="invalid_token"` : CHALLENGE });
}

/** The token of an Authorization header, if it is a bearer one. */
export const bearerToken = (header: string | undefined): string | undefined => /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];

export const authenticate: MiddlewareHandler<AppBindings> = async (c, next) => {
  // The routers are not strict about a trailing slash, so neither is this.
  if (PUBLIC_PATHS.has(c.req.path.replace(/(.)\/+$/, '$1'))) return next();
  const token = bearerToken(c.req.header('authorization'));
  if (token === undefined) return unauthorized(c, 'this API needs a bearer token: send Authorization: Bearer <token>');
  const principal = c.var.deps.tokens.find(token);
  if (!principal) return unauthorized(c, 'the bearer token is not one this API accepts', true);
  c.set('principal', principal);
  await next();
};
