// The tokens the configuration names: API_TOKENS (name:role:token, comma-separated) and the file at API_TOKENS_FILE.
import fs from 'node:fs/promises';
import { ConfigError, type Config } from '../../core/config';
import { parseTokenEntry, parseTokensFile } from './token-format';
import type { TokenEntry } from './token-set';

export async function configuredTokens(config: Pick<Config, 'API_TOKENS' | 'API_TOKENS_FILE'>): Promise<TokenEntry[]> {
  const listed = config.API_TOKENS === undefined ? [] : parseTokenList(config.API_TOKENS);
  const filed = config.API_TOKENS_FILE === undefined ? [] : await readTokensFile(config.API_TOKENS_FILE);
  return [...listed, ...filed];
}

function parseTokenList(text: string): TokenEntry[] {
  return text.split(',').flatMap((item, i) => {
    if (item.trim() === '') return [];
    const where = `API_TOKENS entry ${i + 1}`;
    const [name, role, token, ...rest] = item.split(':').map((part) => part.trim());
    if (token === undefined || rest.length > 0) throw new ConfigError(`${where}: expected name:role:token`);
    return [parseTokenEntry({ name, role, token }, where)];
  });
}

async function readTokensFile(file: string): Promise<TokenEntry[]> {
  const where = `API_TOKENS_FILE ${file}`;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${where} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text, which holds tokens.
    throw new ConfigError(`${where} is not JSON`);
  }
  const entries = parseTokensFile(json, where);
  if (entries.length === 0) throw new ConfigError(`${where} holds no tokens`);
  return entries;
}
