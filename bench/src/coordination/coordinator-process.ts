import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceProcess, startServiceProcess } from '@calm/testing';

/** The built coordinators: beside this file once compiled, under dist/ when this runs from source (jest). */
const builtDir = (): string => (__filename.endsWith('.js') ? __dirname : join(__dirname, '..', '..', '..', 'dist', 'bench', 'src', 'coordination'));

/**
 * A coordinator (sync or twopc) as a child process (the tests' spawner) on a free loopback
 * port; ready once it listens. `terminate()` stops it cleanly, `stop()` kills it.
 */
export async function startCoordinator(kind: 'sync' | 'twopc', env: Record<string, string>): Promise<ServiceProcess> {
  const script = join(builtDir(), `${kind}-coordinator.main.js`);
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
  return startServiceProcess({ entry: script, env, portVariable: `${kind.toUpperCase()}_HTTP_PORT` }).catch((err: Error) => {
    throw new Error(`${kind} coordinator: ${err.message}`);
  });
}
