import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { answersOk } from './service-process';

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
