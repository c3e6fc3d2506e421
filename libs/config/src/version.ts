import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project's version, from the root package.json (found by walking up from this file,
 * so it holds from the sources, from dist/ and in the image); never a git call at run time.
 */
export function projectVersion(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'calm-accounts' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

/** What `--version` prints: the program, the project's version and the Node.js it runs on. */
export const versionLine = (program: string): string => `${program} ${projectVersion()} (calm-accounts, node ${process.versions.node})`;
