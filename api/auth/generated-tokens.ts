// The laptop default when no tokens are configured: one random token per role in $DATA_DIR/api-tokens.json
// (mode 0600), made on the first start and reused by every later one.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../core/config';
import { log } from '../../core/log';
import { describeZodError } from '../lib/errors';
import { ROLES, type Role } from './roles';
import { tokenSchema } from './token-format';

export const GENERATED_TOKENS_FILE = 'api-tokens.json';

export type RoleTokens = Record<Role, string>;

const generatedSchema = z.strictObject({ predict: tokenSchema, operator: tokenSchema, admin: tokenSchema });

export async function ensureGeneratedTokens(dataDir: string): Promise<{ file: string; tokens: RoleTokens; created: boolean }> {
  const file = path.join(dataDir, GENERATED_TOKENS_FILE);
  const created = await createUnlessPresent(file);
  return { file, tokens: await readGeneratedTokens(file), created };
}

async function createUnlessPresent(file: string): Promise<boolean> {
  if (
    await fs.access(file).then(
      () => true,
      () => false,
    )
  )
    return false;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tokens = Object.fromEntries(ROLES.map((role) => [role, randomBytes(32).toString('base64url')]));
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // Complete or absent, never half-written; link, unlike rename, fails when another start made the file first.
    await fs.link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

async function readGeneratedTokens(file: string): Promise<RoleTokens> {
  const { mode } = await fs.stat(file);
  // Warn rather than refuse: the owner may have loosened it on purpose.
  if ((mode & 0o077) !== 0) log.warn('the API tokens file is readable by other users', { file, mode: (mode & 0o777).toString(8) });
  const again = 'delete it and the next start generates a new one';
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    throw new ConfigError(`${file} is not JSON; ${again}`);
  }
  const parsed = generatedSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${file} is not a generated tokens file (${describeZodError(parsed.error)}); ${again}`);
  return parsed.data;
}
