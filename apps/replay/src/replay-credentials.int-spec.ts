import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { customerCreated } from '@calm/contracts';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { CliIo } from './cli/cli-io';
import { run } from './main';

/**
 * The replay tool reaches a broker that demands credentials with the same variables as
 * the services, and never prints a credential: not when the broker or the database is
 * unreachable, not when a URL is malformed, not when its percent-encoding is bad.
 */
const SECRET = 'pw-SECRET-4711';
let nats: TestNatsServer;

beforeAll(async () => {
  nats = await startNatsServer(['--user', 'operator', '--pass', SECRET]);
  const nc = await connect({ servers: nats.url, user: 'operator', pass: SECRET });
  await (await jetstreamManager(nc)).streams.add({ name: 'CUSTOMERS', subjects: ['customer.>'] });
  const customerId = randomUUID();
  const h = headers();
  const event = customerCreated({ customerId, name: 'Ada', email: 'ada@example.com' }, '2024-01-01T00:00:00.000Z');
  h.set('Nats-Msg-Id', event.id);
  await jetstream(nc).publish(`customer.created.${customerId}`, JSON.stringify(event), { headers: h });
  await nc.close();
});
afterAll(() => nats.stop());

async function cli(env: Record<string, string>, ...argv: string[]): Promise<{ code: number; printed: string }> {
  const printed: string[] = [];
  const io: CliIo = { out: (t) => printed.push(t), err: (t) => printed.push(t), isTTY: false, env };
  const code = await run(argv, io);
  return { code, printed: printed.join('\n') };
}

it('connects with the credentials in NATS_URL, like the services', async () => {
  const { code, printed } = await cli(
    { NATS_URL: `nats://operator:${SECRET}@127.0.0.1:${nats.port}` },
    'tail',
    '--all',
    '--count',
    '1',
    '--type',
    'customer.created',
  );
  expect(code).toBe(0);
  expect(printed).toMatch(/customer\.created .*Ada/);
  expect(printed).not.toContain(SECRET);
});

it.each([
  ['a wrong password', `nats://operator:${SECRET}x@127.0.0.1:PORT`],
  ['an unreachable broker', `nats://operator:${SECRET}@127.0.0.1:1`],
  ['a raw @ in the password', `nats://operator:${SECRET}@x@127.0.0.1:1`],
  ['a malformed URL', `nats://operator:${SECRET}@[127.0.0.1:1`],
  ['a bad percent-escape', `nats://operator:${SECRET}%zz@127.0.0.1:1`],
  ['a wrong scheme', `http://operator:${SECRET}@127.0.0.1:1`],
])('NATS_URL with %s: exit 2, one clear error, no credential printed', async (_what, url) => {
  const { code, printed } = await cli({ NATS_URL: url.replace('PORT', String(nats.port)) }, 'tail', '--count', '1');
  expect(code).toBe(2);
  expect(printed).toMatch(/NATS/);
  expect(printed).not.toContain(SECRET);
  expect(printed).not.toMatch(/URIError|URI malformed/);
});

it.each([
  ['an unreachable database', `postgres://admin:${SECRET}@127.0.0.1:1/accounts`],
  ['a raw @ in the password', `postgres://admin:${SECRET}@x@127.0.0.1:1/accounts`],
  ['a bad percent-escape', `postgres://admin:${SECRET}%zz@127.0.0.1:1/accounts`],
  ['a malformed URL', `postgres://admin:${SECRET}@[::1/accounts`],
])('ACCOUNTS_DATABASE_URL with %s: exit 2, no credential printed', async (_what, url) => {
  const { code, printed } = await cli({ ACCOUNTS_DATABASE_URL: url }, 'dlq', 'list');
  expect(code).toBe(2);
  expect(printed).toMatch(/ACCOUNTS_DATABASE_URL|accounts database/);
  expect(printed).not.toContain(SECRET);
});
