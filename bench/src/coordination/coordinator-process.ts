import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceProcess, answersOk, startServiceProcess } from '@calm/testing';
import { SERVICE_NODE_FLAGS } from '@calm/config';

/** The built onboarding service: beside this file once compiled, under dist/ when this runs from source (jest). */
const builtDir = (): string => (__filename.endsWith('.js') ? __dirname : join(__dirname, '..', '..', '..', 'dist', 'bench', 'src', 'coordination'));

/**
 * The onboarding coordinator (design sync or twopc) as a child process (the tests'
 * spawner) on a free loopback port, with the services' Node flags; ready once its
 * /health/ready answers. `terminate()` stops it cleanly, `stop()` kills it.
 */
export async function startCoordinator(
  kind: 'sync' | 'twopc',
  env: Record<string, string>,
  opts: { logFile?: string; cpuProfDir?: string; onSpawn?: (pid: number) => void } = {},
): Promise<ServiceProcess> {
  const script = join(builtDir(), 'onboarding', 'onboarding.main.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
  return startServiceProcess({
    entry: script,
    nodeArgs: [...SERVICE_NODE_FLAGS, ...(opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [])],
    logFile: opts.logFile,
    env: { ...env, ONBOARDING_DESIGN: kind },
    portVariable: 'ONBOARDING_HTTP_PORT',
    ready: answersOk('/health/ready'),
    onSpawn: (child) => opts.onSpawn?.(child.pid!),
  }).catch((err: Error) => {
    throw new Error(`${kind} coordinator: ${err.message}`);
  });
}
