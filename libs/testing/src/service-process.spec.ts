import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answersOk, startServiceProcess } from './service-process';

/** The readiness check the tests and the bench spawn services with, against a loopback server that is not ready at first. */
let server: Server;
let url: string;
let notReadyFor = 0;
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url!);
    res.statusCode = notReadyFor-- > 0 ? 503 : req.url === '/health/ready' ? 200 : 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => void asked.splice(0));

it('waits while the path answers anything but 200', async () => {
  notReadyFor = 3;
  await answersOk('/health/ready', 5_000)(url);
  expect(asked).toEqual(Array(4).fill('/health/ready'));
});

it('fails after its timeout, saying what the path last answered', async () => {
  notReadyFor = 0;
  await expect(answersOk('/nope', 300)(url)).rejects.toThrow(/GET \/nope to answer 200.*answered 404/);
});

describe('startServiceProcess', () => {
  // A stand-in service: listens on its port at once, answers 200 on /ready only after 300 ms.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'calm-spawn-'));
    writeFileSync(
      join(dir, 'slow-ready.js'),
      `const t0 = Date.now();
       require('node:http').createServer((req, res) => { res.statusCode = req.url === '/ready' && Date.now() - t0 > 300 ? 200 : 503; res.end(); })
         .listen(Number(process.env.SLOW_PORT), '127.0.0.1');`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hands over each spawned process before it is ready, so a caller can measure it from its first instruction', async () => {
    const seen: { pid: number; readyYet: boolean }[] = [];
    let ready = false;
    const svc = await startServiceProcess({
      entry: join(dir, 'slow-ready.js'),
      env: {},
      portVariable: 'SLOW_PORT',
      onSpawn: (child) => seen.push({ pid: child.pid!, readyYet: ready }),
      ready: async (u) => {
        await answersOk('/ready', 10_000)(u);
        ready = true;
      },
    });
    try {
      expect(seen).toEqual([{ pid: svc.process.pid, readyYet: false }]);
      await svc.signal('SIGKILL');
      await svc.restart();
      expect(seen).toHaveLength(2);
      expect(seen[1]).toEqual({ pid: svc.process.pid, readyYet: true });
      expect(seen[1].pid).not.toBe(seen[0].pid);
    } finally {
      await svc.stop();
    }
  });
});
