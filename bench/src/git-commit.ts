import { execFileSync } from 'node:child_process';

/** The commit the bench ran at (with "+dirty" for uncommitted changes); null outside a git checkout. */
export function gitCommit(): string | null {
  try {
    const run = (args: string[]) => execFileSync('git', args, { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return run(['rev-parse', '--short', 'HEAD']) + (run(['status', '--porcelain', '--untracked-files=no']) ? '+dirty' : '');
  } catch {
    return null;
  }
}
