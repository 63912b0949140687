// What a token, a configured token entry and a tokens file look like; messages never echo a token.
import { z } from 'zod';
import { ConfigError } from '../../core/config';
import { describeZodError } from '../lib/errors';
import { ROLES } from './roles';
import { roleTokenEntries, type TokenEntry } from './token-set';

export const MIN_TOKEN_LENGTH = 32;

// RFC 6750's token68 characters: any client can send the token in an Authorization header as it is.
export const tokenSchema = z
  .string({ error: 'must be a string' })
  .min(MIN_TOKEN_LENGTH, `must be at least ${MIN_TOKEN_LENGTH} random characters (e.g. openssl rand -hex 32)`)
  .regex(/^[A-Za-z0-9._~+/-]+=*$/, 'may hold only letters, digits and - . _ ~ + / (then =)');

const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

const entrySchema = z
  .strictObject({
    name: z.string({ error: 'required' }).regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'must be 1 to 64 letters, digits and . _ @ -'),
    role: roleSchema,
    token: tokenSchema.optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits: the SHA-256 of the token')
      .optional(),
  })
  .refine((entry) => (entry.token === undefined) !== (entry.sha256 === undefined), 'needs exactly one of token and sha256');

/** `{ "predict": token, "operator": token, "admin": token }` (any of them), as the main job generates it. */
export const roleTokensSchema = z.partialRecord(roleSchema, tokenSchema, {
  error: 'must be a list of { name, role, token | sha256 } or an object of role to token',
});

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${where}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export function parseTokenEntry(value: unknown, where: string): TokenEntry {
  const { name, role, token, sha256 } = parseOrThrow(entrySchema, value, where);
  return token !== undefined ? { name, role, token } : { name, role, sha256: sha256! };
}

/** A tokens file: a list of named entries `{ name, role, token | sha256 }`, or the role map. */
export function parseTokensFile(json: unknown, where: string): TokenEntry[] {
  if (Array.isArray(json)) return json.map((entry, i) => parseTokenEntry(entry, `${where} [${i}]`));
  return roleTokenEntries(parseOrThrow(roleTokensSchema, json, where));
}
