import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPLAY_NODE_FLAGS, SERVICE_NODE_FLAGS } from './node-flags';

/** Every way of starting a service runs it with the same heap settings (node-flags.ts). */
const root = join(__dirname, '..', '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('the services start with SERVICE_NODE_FLAGS everywhere', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  it.each(['start:accounts', 'start:customers'])('npm run %s', (name) => {
    const service = name.split(':')[1];
    expect(scripts[name]).toBe(`node ${SERVICE_NODE_FLAGS.join(' ')} dist/apps/${service}/src/main.js`);
  });

  it('the Dockerfile and both services of docker-compose.yml', () => {
    const exec = (service: string) => JSON.stringify(['node', ...SERVICE_NODE_FLAGS, `dist/apps/${service}/src/main.js`]).replace(/,/g, ', ');
    expect(read('Dockerfile')).toContain(`CMD ${exec('accounts')}`);
    const compose = read('docker-compose.yml');
    for (const service of ['accounts', 'customers']) expect(compose).toContain(`command: ${exec(service)}`);
  });

  it('npm start and the bench take the list itself', () => {
    expect(read('apps/launcher/src/launch.ts')).toContain('...SERVICE_NODE_FLAGS');
    expect(read('bench/src/service-process.ts')).toContain('...SERVICE_NODE_FLAGS');
  });
});

describe('the replay CLI starts with REPLAY_NODE_FLAGS everywhere', () => {
  it('npm run replay', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.replay).toBe(`node scripts/build-if-needed.js && node ${REPLAY_NODE_FLAGS.join(' ')} dist/apps/replay/src/main.js`);
  });

  it('the bench and the replay soak test take the list itself', () => {
    expect(read('bench/src/replay.bench.ts')).toContain('...REPLAY_NODE_FLAGS');
    expect(read('test/faults/replay-memory.soak-spec.ts')).toContain('...REPLAY_NODE_FLAGS');
  });
});
