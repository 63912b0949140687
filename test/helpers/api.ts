// Calling an API under test over real HTTP as a token's holder, and the tokens tests hand out.
import { randomBytes } from 'node:crypto';
import type { Role } from '../../api/auth/roles';
import { TokenSet } from '../../api/auth/token-set';

export const newToken = (): string => randomBytes(32).toString('base64url');

/** Fresh tokens for the named principals: the set an app accepts, and each principal's token. */
export function testTokens<Name extends string>(principals: Record<Name, Role>): { set: TokenSet; token: Record<Name, string> } {
  const names = Object.keys(principals) as Name[];
  const token = Object.fromEntries(names.map((name) => [name, newToken()])) as Record<Name, string>;
  return { set: new TokenSet(names.map((name) => ({ name, role: principals[name], token: token[name] }))), token };
}

export type ApiCall = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: T }>;

/** JSON requests to the server at url, with the token (none: anonymous); a string body is sent as it is. */
export function apiCaller(url: string, token?: string): ApiCall {
  return async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...auth, ...headers } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${url}${path}`, init);
    const json = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, body: (json ? await response.json() : await response.text()) as T };
  };
}
