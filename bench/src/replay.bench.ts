import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPLAY_NODE_FLAGS } from '@calm/config';

export type ReplayResult = { eventsPerS: number; raw: unknown } | { eventsPerS: null; reason: string };

/** Finds an events-per-second figure in the replay tool's --json output, whatever its exact shape. */
function eventsPerSecond(doc: unknown): number | null {
  if (!doc || typeof doc !== 'object') return null;
  const o = doc as Record<string, unknown>;
  for (const key of ['events_per_s', 'eventsPerS', 'eventsPerSecond', 'events_per_second', 'rate']) {
    if (typeof o[key] === 'number') return o[key];
  }
  const events = o.events ?? o.eventCount ?? o.folded;
  const ms = o.elapsed_ms ?? o.elapsedMs ?? o.durationMs ?? o.ms;
  if (typeof events === 'number' && typeof ms === 'number' && ms > 0) return events / (ms / 1000);
  for (const v of Object.values(o)) {
    const nested = typeof v === 'object' ? eventsPerSecond(v) : null;
    if (nested !== null) return nested;
  }
  return null;
}

/** `replay rebuild accounts --json` on the bench's history (the account service is stopped first). */
export async function replayRebuild(env: Record<string, string>): Promise<ReplayResult> {
  const script = join(__dirname, '..', '..', 'apps', 'replay', 'src', 'main.js');
  if (!existsSync(script)) return { eventsPerS: null, reason: 'dist/apps/replay/src/main.js does not exist (the replay tool is not built yet)' };
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [...REPLAY_NODE_FLAGS, script, 'rebuild', 'accounts', '--json'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  if (code !== 0) return { eventsPerS: null, reason: `replay rebuild exited with ${code}: ${(stderr || stdout).trim().split('\n').slice(-3).join(' | ')}` };
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.trim().startsWith('{'));
  let doc: unknown;
  try {
    doc = JSON.parse(line ?? stdout);
  } catch {
    return { eventsPerS: null, reason: `replay --json printed no JSON: ${stdout.slice(0, 200)}` };
  }
  const rate = eventsPerSecond(doc);
  return rate === null
    ? { eventsPerS: null, reason: `no events/s figure in replay output: ${JSON.stringify(doc).slice(0, 300)}` }
    : { eventsPerS: rate, raw: doc };
}
