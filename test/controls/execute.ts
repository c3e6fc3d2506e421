import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Control } from './control';
import { applyPatches } from './patch';
import { needsBuild, removeScratch, scratchCopy } from './scratch';

/** What a control did: `caught` (every listed test failed: the claim is guarded) or why not. */
export interface ControlResult {
  name: string;
  tests: string[];
  result: 'caught' | 'not caught' | 'error';
  seconds: number;
  /** The first failure message (caught), the tests that passed (not caught), or the error. */
  detail: string;
}

interface JestJson {
  testResults: { name: string; message: string; assertionResults: { status: string; failureMessages: string[] }[] }[];
}

/** A control runs for at most this long (its build and its tests); then it is an error. */
const CONTROL_TIMEOUT_MS = 20 * 60_000;

const ESC = String.fromCharCode(27);
/** Without the terminal's colour codes. */
const plain = (s: string) =>
  s
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');

/**
 * What a failure says, shortly: its first lines without the stack, the matcher's call
 * and a diff's legend (a diff's own - and + lines stay: they are the values).
 */
export function firstMessage(messages: string[]): string {
  const lines = plain(messages.join('\n'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !/^(Error: )?expect\(/.test(l) && !/^- Expected\s+- \d+$|^\+ Received\s+\+ \d+$/.test(l));
  return lines.slice(0, 4).join(' ').replace(/\s+/g, ' ').slice(0, 240);
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    const keep = (b: Buffer) => (out = (out + b.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      out += `\nstopped after ${CONTROL_TIMEOUT_MS / 60_000} min`;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, CONTROL_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** The verdict on Jest's JSON report: every listed file must have a failed test. */
export function verdict(root: string, tests: readonly string[], report: JestJson): Pick<ControlResult, 'result' | 'detail'> {
  const byFile = new Map(report.testResults.map((r) => [r.name, r]));
  const passed: string[] = [];
  const messages: string[] = [];
  for (const t of tests) {
    const r = byFile.get(join(root, t));
    if (!r) return { result: 'error', detail: `${t}: did not run` };
    const failed = r.assertionResults.filter((a) => a.status === 'failed');
    // A suite that fails to load (a syntax error the patch made) is not the test catching it.
    if (failed.length === 0 && r.message) return { result: 'error', detail: `${t}: the suite failed to run: ${firstMessage([r.message])}` };
    if (failed.length === 0) passed.push(t);
    else messages.push(`${t.split('/').pop()}: ${firstMessage(failed[0].failureMessages)}`);
  }
  if (passed.length > 0) return { result: 'not caught', detail: `passed under the patch: ${passed.join(', ')}` };
  return { result: 'caught', detail: messages.join(' / ') };
}

/** Applies the control in a scratch copy of `root`, builds if a test needs dist/, runs its tests and judges. */
export async function executeControl(root: string, control: Control, options: { keep?: boolean } = {}): Promise<ControlResult> {
  const started = Date.now();
  const done = (r: Pick<ControlResult, 'result' | 'detail'>): ControlResult => ({
    name: control.name,
    tests: control.tests,
    seconds: Math.round((Date.now() - started) / 1000),
    ...r,
  });
  const dir = scratchCopy(root, control.name);
  try {
    try {
      applyPatches(dir, control.patches);
    } catch (e) {
      return done({ result: 'error', detail: (e as Error).message });
    }
    if (control.tests.some((t) => needsBuild(dir, t))) {
      const build = await run('npm', ['run', 'build'], dir);
      if (build.code !== 0) return done({ result: 'error', detail: `build failed under the patch: ${plain(build.out).slice(-400)}` });
    }
    const out = join(dir, '.control-results.json');
    const args = ['node_modules/jest/bin/jest.js', '--runTestsByPath', ...control.tests, '--json', `--outputFile=${out}`, '--forceExit', '--silent'];
    // One argument with '=': a pattern such as '--force' would otherwise be read as an option.
    if (control.testNamePattern) args.push(`--testNamePattern=${control.testNamePattern}`);
    const jest = await run(process.execPath, args, dir);
    if (!existsSync(out)) return done({ result: 'error', detail: `jest wrote no report (exit ${jest.code}): ${plain(jest.out).slice(-400)}` });
    return done(verdict(dir, control.tests, JSON.parse(readFileSync(out, 'utf8')) as JestJson));
  } finally {
    if (options.keep) console.log(`${control.name}: scratch copy kept in ${dir}`);
    else removeScratch(dir);
  }
}
