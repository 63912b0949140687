// Which tokens the API accepts: the configured ones; else, on a loopback address only, the generated file's.
// Never an API without tokens on the network.
import { ConfigError, type Config } from '../../core/config';
import { configuredTokens } from './configured-tokens';
import { ensureGeneratedTokens } from './generated-tokens';
import { isLoopback } from './loopback';
import { roleTokenEntries, TokenSet } from './token-set';

export interface ApiTokens {
  tokens: TokenSet;
  /** Set when the tokens are the generated ones: where they are. */
  generatedFile?: string;
}

export async function resolveApiTokens(config: Pick<Config, 'API_TOKENS' | 'API_TOKENS_FILE' | 'API_HOST' | 'DATA_DIR'>): Promise<ApiTokens> {
  const configured = await configuredTokens(config);
  if (configured.length > 0) return { tokens: new TokenSet(configured) };
  if (!isLoopback(config.API_HOST)) {
    throw new ConfigError(
      `API_HOST ${config.API_HOST} is not a loopback address and no API tokens are configured: set API_TOKENS_FILE or API_TOKENS ` +
        '(README, Security), or listen on 127.0.0.1. Generated tokens are used on loopback only.',
    );
  }
  const generated = await ensureGeneratedTokens(config.DATA_DIR);
  return { tokens: new TokenSet(roleTokenEntries(generated.tokens)), generatedFile: generated.file };
}
