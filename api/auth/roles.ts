// The API's roles, lowest first: a role may do everything the roles before it may.
export const ROLES = ['predict', 'operator', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export const roleAllows = (held: Role, required: Role): boolean => ROLES.indexOf(held) >= ROLES.indexOf(required);
