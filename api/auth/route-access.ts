// What a route declares about access: the role it needs (checked before its body is read) and the
// OpenAPI entries that say so.
import { errorResponse } from '../lib/errors';
import { readJsonBody } from '../lib/request-body';
import { requireRole } from './require-role';
import type { Role } from './roles';

export const BEARER_SCHEME = 'bearer';

/** Spread into createRoute(). */
export function access(role: Role) {
  return {
    security: [{ [BEARER_SCHEME]: [] }],
    middleware: [requireRole(role), readJsonBody],
    description: `Needs a bearer token with the ${role} role or a higher one.`,
  };
}

/** Spread into a protected route's responses. */
export const accessErrors = {
  401: errorResponse('No bearer token, or one the API does not accept (with WWW-Authenticate: Bearer)'),
  403: errorResponse("The token's role is lower than the one this route needs; the error names both"),
};
