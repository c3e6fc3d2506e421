import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { consumers } from '@calm/contracts';
import { queryDatabase, ServiceProcess, startAccountsProcess, waitFor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

/**
 * A crash loop (a bad deploy restarting every few seconds): the built account service is
 * SIGKILLed each time it holds a customer.created it has not acknowledged, on a consumer
 * with few deliveries. Each kill spends a delivery and writes nothing; after the last
 * one the server stops offering the message and says so only on its max-deliveries
 * advisory. The message must end applied or in the dead letters (reason "max
 * deliveries", recorded once), never neither. The handler is held by a lock on the
 * customer replica, so that the message is certainly in hand at each kill.
 * Reproduce: npm run build && npx jest test/e2e/faults-crash-loop.e2e-spec.ts --selectProjects integration
 */
jest.setTimeout(180_000);

const MAX_DELIVER = 3;
const { stream, durable } = consumers.validateAccountsWhenCustomerCreated;
let system: TestSystem;
let svc: ServiceProcess;

beforeAll(async () => {
  system = await TestSystem.start('crashloop');
  svc = await startAccountsProcess({
    natsUrl: system.nats.url,
    databaseUrl: system.accountsDb.url,
    extra: { CONSUMER_MAX_DELIVER: String(MAX_DELIVER), CONSUMER_ACK_WAIT_SECONDS: '1' },
  });
});
afterAll(async () => {
  await svc?.stop();
  await system?.stop();
});

const consumerInfo = () => system.jsm.consumers.info(stream, durable);

it(`a message held through ${MAX_DELIVER} crashes ends applied or dead-lettered once, never neither`, async () => {
  const [accountId, customerId] = [randomUUID(), randomUUID()];
  expect((await http(svc.url, 'POST', '/accounts', { accountId, customerId })).status).toBe(201);
  const locker = new Client({ connectionString: system.accountsDb.url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE known_customer IN ACCESS EXCLUSIVE MODE');
  const event = await system.publishCustomerCreated(customerId);
  const seq = (await system.jsm.streams.info(stream)).state.last_seq;

  const heldAtKill: number[] = [];
  for (let kill = 1; kill <= MAX_DELIVER; kill++) {
    // Delivered `kill` times and unacknowledged: the service holds it now.
    await waitFor(
      `delivery ${kill}`,
      async () => {
        const info = await consumerInfo();
        return info.delivered.consumer_seq >= kill && info.num_ack_pending >= 1;
      },
      60_000,
      50,
    );
    heldAtKill.push((await consumerInfo()).num_ack_pending);
    await svc.signal('SIGKILL');
    await svc.restart();
  }
  await locker.query('COMMIT');
  await locker.end();

  const outcome = async () => {
    const letters = await queryDatabase<{ reason: string; event_id: string | null }>(
      system.accountsDb.url,
      `SELECT reason, event_id FROM dead_letter WHERE stream = $1 AND stream_seq = $2`,
      [stream, seq],
    );
    const account = await http(svc.url, 'GET', `/accounts/${accountId}`);
    return { letters, applied: account.body?.status === 'valid' };
  };
  const end = await waitFor(
    'the message to be applied or dead-lettered',
    async () => {
      const o = await outcome();
      return (o.applied || o.letters.length > 0) && o;
    },
    30_000,
    250,
  );
  // Settled: another advisory or instance must not add a second letter.
  await new Promise((r) => setTimeout(r, 3000));
  const final = await outcome();
  process.stdout.write(
    `crash loop: ${MAX_DELIVER} SIGKILLs, messages held at each: ${heldAtKill.join(', ')}; deliveries ${(await consumerInfo()).delivered.consumer_seq}; applied ${final.applied}; dead letters ${final.letters.map((l) => l.reason).join(', ') || 'none'}\n`,
  );
  expect(heldAtKill.every((n) => n >= 1)).toBe(true);
  expect(end.applied || end.letters.length > 0).toBe(true);
  expect(final.letters.length).toBeLessThanOrEqual(1);
  if (!final.applied) expect(final.letters).toEqual([{ reason: 'max deliveries', event_id: event.id }]);
});
