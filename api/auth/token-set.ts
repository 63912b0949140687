// The tokens the API accepts, kept only as SHA-256 digests; a presented token is matched in constant time.
import { hash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../../core/config';
import { ROLES, type Role } from './roles';

/** Who holds a token: the name recorded in the audit history, and what the token may do. */
export interface Principal {
  name: string;
  role: Role;
}

/** A configured token: the token itself, or only its SHA-256 digest (hex). */
export type TokenEntry = Principal & ({ token: string } | { sha256: string });

// One-shot: no Hash object per request.
export const sha256 = (token: string): Buffer => hash('sha256', token, 'buffer');

/** One principal per role, named after it: the shape of the generated tokens file. */
export const roleTokenEntries = (tokens: Partial<Record<Role, string>>): TokenEntry[] =>
  ROLES.flatMap((role) => (tokens[role] === undefined ? [] : [{ name: role, role, token: tokens[role] }]));

/** The audit history's actor for a change made over the API: the token's principal, never a header. */
export const auditActor = (principal: Principal): string => `token:${principal.name}`;

export class TokenSet {
  private readonly digests: { principal: Principal; digest: Buffer }[];

  constructor(entries: readonly TokenEntry[]) {
    this.digests = entries.map((entry) => ({
      principal: { name: entry.name, role: entry.role },
      digest: 'token' in entry ? sha256(entry.token) : Buffer.from(entry.sha256, 'hex'),
    }));
    const seen = new Map<string, string>();
    for (const { principal, digest } of this.digests) {
      const other = seen.get(digest.toString('hex'));
      // One token must name one principal, or the audit history could not say who acted.
      if (other !== undefined) throw new ConfigError(`API tokens: ${other} and ${principal.name} have the same token`);
      seen.set(digest.toString('hex'), principal.name);
    }
  }

  get size(): number {
    return this.digests.length;
  }

  /** Every digest is compared, so the time taken does not tell which one (or how much of one) matched. */
  find(token: string): Principal | undefined {
    const presented = sha256(token);
    let found: Principal | undefined;
    for (const { principal, digest } of this.digests) {
      if (timingSafeEqual(presented, digest)) found = principal;
    }
    return found;
  }
}
