import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { LoadRequest, LoadResult } from './load-generator';

/** Sends `req` to a forked `script` (a load generator: never on the bench's or a service's thread) and returns its one answer. */
export function runForked<Req, Res>(script: string, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let answered = false;
    child.once('message', (m: { ok: boolean; result?: Res; error?: string }) => {
      answered = true;
      if (m.ok) resolve(m.result!);
      else reject(new Error(`${script}: ${m.error}`));
    });
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`${script} exited with ${code} before answering`));
    });
    child.send(req as object);
  });
}

/** Runs one autocannon load in a forked child process and returns its summary. */
export const runLoad = (req: LoadRequest): Promise<LoadResult> => runForked(join(__dirname, 'load-generator.js'), req);

/** Saturation: every connection sends its next request as soon as the last one is answered. */
export async function saturate(url: string, connections: number, durationS: number): Promise<LoadResult> {
  const r = await runLoad({ url, connections, durationS });
  if (r.ok === 0) throw new Error(`POST /accounts answered no 2xx (non2xx ${r.non2xx}, errors ${r.errors})`);
  return r;
}

/** Latency at a fixed offered rate (half the saturation rate), evenly paced unless `rateGenerator` says autocannon (load-generator.ts). */
export function atRate(url: string, connections: number, durationS: number, rate: number, rateGenerator?: LoadRequest['rateGenerator']): Promise<LoadResult> {
  return runLoad({ url, connections, durationS, overallRate: Math.max(1, Math.round(rate)), rateGenerator });
}
