import { Socket } from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from './http-app';
import { readLimits } from '@calm/config';

/** A slow or silent client cannot hold a connection for ever: each timeout closes it. */
@Controller('ping')
class PingController {
  @Get()
  ping(): string {
    return 'pong';
  }
}
@Module({ controllers: [PingController] })
class PingModule {}

let app: NestFastifyApplication;
let port: number;

beforeAll(async () => {
  const { limits, problems } = readLimits({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_CONNECTION_TIMEOUT_MS: '1500', HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' });
  expect(problems).toEqual([]);
  app = await createHttpApp(PingModule, limits.http);
  app.useLogger(false);
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(await app.getUrl()).port);
});
afterAll(() => app.close());

/** Opens a socket, lets `talk` write to it, and resolves with what the server sent once it closed the socket. */
function closedByServer(talk: (s: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    let received = '';
    s.on('data', (d) => (received += d.toString()));
    s.on('error', reject);
    s.on('close', () => resolve(received));
    s.connect(port, '127.0.0.1', () => talk(s));
  });
}

it('closes a connection whose request never finishes arriving (requestTimeout)', async () => {
  let drip: NodeJS.Timeout | undefined;
  const answer = await closedByServer((s) => {
    s.write('GET /ping HTTP/1.1\r\nHost: x\r\n');
    // A header every 200 ms keeps the socket busy (no idle timeout) but never ends the request.
    drip = setInterval(() => s.writable && s.write(`X-Slow-${Date.now()}: 1\r\n`), 200);
  });
  clearInterval(drip);
  expect(answer).toMatch(/^HTTP\/1.1 408|^$/);
});

it('closes a connection that never sends a byte', async () => {
  expect(await closedByServer(() => undefined)).toMatch(/^$|^HTTP\/1.1 408/);
});

it('closes a kept-alive connection after its idle time, having answered its request', async () => {
  const answer = await closedByServer((s) => s.write('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n'));
  expect(answer).toMatch(/^HTTP\/1.1 200[\s\S]*pong$/);
});

it('names a bad timeout variable', () => {
  expect(readLimits({ HTTP_REQUEST_TIMEOUT_MS: '0', METRICS_REFRESH_SECONDS: 'often' }).problems.map((p) => p.variable)).toEqual([
    'HTTP_REQUEST_TIMEOUT_MS',
    'METRICS_REFRESH_SECONDS',
  ]);
});

it('closes a socket beyond HTTP_MAX_CONNECTIONS at once, and serves the ones within it', async () => {
  const { limits } = readLimits({ HTTP_MAX_CONNECTIONS: '2', HTTP_CONNECTION_TIMEOUT_MS: '5000' });
  const small = await createHttpApp(PingModule, limits.http);
  small.useLogger(false);
  await small.listen({ port: 0, host: '127.0.0.1' });
  const smallPort = Number(new URL(await small.getUrl()).port);
  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = new Socket();
      s.on('error', reject);
      s.connect(smallPort, '127.0.0.1', () => resolve(s));
    });
  const answerOf = (s: Socket): Promise<string> =>
    new Promise((resolve) => {
      let received = '';
      s.on('data', (d) => {
        received += d.toString();
        if (received.includes('pong')) resolve(received);
      });
      s.on('close', () => resolve(received));
      s.write('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n');
    });
  const held = [await open(), await open()];
  try {
    // Let the server count the two before the third arrives.
    await new Promise((r) => setTimeout(r, 100));
    const third = await open();
    expect(await answerOf(third)).toBe('');
    for (const s of held) expect(await answerOf(s)).toMatch(/^HTTP\/1.1 200[\s\S]*pong$/);
  } finally {
    held.forEach((s) => s.destroy());
    await small.close();
  }
});
