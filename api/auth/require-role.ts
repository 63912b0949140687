// A route's role check, run before its input is validated: 403 naming the role the route needs.
import type { MiddlewareHandler } from 'hono';
import type { AppBindings } from '../lib/types';
import { unauthorized } from './authenticate';
import { roleAllows, type Role } from './roles';
import type { Principal } from './token-set';

export function requireRole(required: Role): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    const principal = c.get('principal') as Principal | undefined;
    // Only an app built without authenticate() gets here without one: fail closed.
    if (!principal) return unauthorized(c, 'this API needs a bearer token: send Authorization: Bearer <token>');
    if (!roleAllows(principal.role, required)) {
      const error = `this needs the ${required} role; the token of ${principal.name} has the ${principal.role} role`;
      return c.json({ error, details: { requiredRole: required, role: principal.role } }, 403);
    }
    await next();
  };
}
