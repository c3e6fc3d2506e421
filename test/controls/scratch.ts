import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/**
 * A scratch copy of the working tree: every file git tracks or would track (untracked
 * files not ignored, so uncommitted work is what runs), node_modules linked, and the
 * current dist/ copied so that tsc's incremental build recompiles only what a patch
 * changed (its build info compares file contents, so a stale dist/ is rebuilt, not trusted).
 */
export function scratchCopy(root: string, label: string): string {
  const dest = mkdtempSync(join(tmpdir(), `calm-control-${label}-`));
  for (const f of treeFiles(root)) {
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    cpSync(join(root, f), join(dest, f));
  }
  symlinkSync(join(root, 'node_modules'), join(dest, 'node_modules'), 'dir');
  if (existsSync(join(root, 'dist'))) cpSync(join(root, 'dist'), join(dest, 'dist'), { recursive: true });
  return dest;
}

/** The files git tracks or would track; outside a git checkout (a copy), every file but node_modules, dist and .git. */
function treeFiles(root: string): string[] {
  try {
    return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: root,
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString('utf8')
      .split('\0')
      .filter((f) => f && existsSync(join(root, f)));
  } catch {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(root, join(e.parentPath, e.name)))
      .filter((f) => !/^(node_modules|dist|\.git)(\/|$)/.test(f));
  }
}

export const removeScratch = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/**
 * Whether a test runs built code from dist/: it spawns a service process
 * (libs/testing/src/service-process.ts) or a CLI from dist/. The other tests (TestSystem
 * and unit tests) load the sources through Jest's transform and need no build.
 */
export function needsBuild(root: string, testFile: string): boolean {
  return /startServiceProcess|startAccountsProcess|['`]dist\/apps\//.test(readFileSync(join(root, testFile), 'utf8'));
}
