// The code version recorded in model lineage: CODE_VERSION when set (images), else the git commit.
import { execFileSync } from 'node:child_process';
import type { Config } from './config';

export function codeVersion(config: Pick<Config, 'CODE_VERSION'>): string {
  if (config.CODE_VERSION !== 'dev') return config.CODE_VERSION;
  try {
    return `git:${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim()}`;
  } catch {
    return 'dev';
  }
}
