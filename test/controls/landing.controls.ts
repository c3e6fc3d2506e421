import type { Control } from './control';

/**
 * The landing checks of the fault and race tests can fail: each control aims the test's
 * fault (or its race) where there is no work to hit, or forgets what it hit, and the
 * landing check must then fail. These patch the tests themselves: what they break is
 * the test's aim, not the product.
 */
const controls: Control[] = [
  {
    name: 'write-skew-load-without-race',
    breaks: "each POST is sent only after its customer's event was consumed, so the write-skew load never races",
    patches: [
      {
        file: 'test/e2e/write-skew.e2e-spec.ts',
        find: "await Promise.all([http(httpOnly, 'POST', '/accounts', { accountId, customerId }), system.publishCustomerCreated(customerId)]);",
        replace:
          "await system.publishCustomerCreated(customerId).then(async (e) => [await waitFor('the customer known', async () => (await queryDatabase(system.accountsDb.url, 'SELECT 1 FROM known_customer WHERE customer_id = $1', [customerId])).length > 0, 60_000, 20).then(() => http(httpOnly, 'POST', '/accounts', { accountId, customerId })), e] as const);",
      },
    ],
    tests: ['test/e2e/write-skew.e2e-spec.ts'],
  },
  {
    name: 'mixed-case-load-without-race',
    breaks: "each mixed-case POST is sent only after its customer's event was consumed, so the load never races",
    patches: [
      {
        file: 'test/e2e/canonical-input.e2e-spec.ts',
        find: "await Promise.all([\n              http(httpOnly, 'POST', '/accounts', { accountId, customerId: spelled }),\n              skew.publishCustomerCreated(customerId),\n            ]);",
        replace:
          "await skew.publishCustomerCreated(customerId).then(async (e) => [await waitFor('the customer known', async () => (await queryDatabase(skew.accountsDb.url, 'SELECT 1 FROM known_customer WHERE customer_id = $1', [customerId])).length > 0, 60_000, 20).then(() => http(httpOnly, 'POST', '/accounts', { accountId, customerId: spelled })), e] as const);",
      },
    ],
    tests: ['test/e2e/canonical-input.e2e-spec.ts'],
    testNamePattern: 'case variants',
  },
  {
    name: 'cluster-kill-forgets-held-work',
    breaks: 'the cluster kill counts nothing it caught (no rows recorded before it, no unacked messages)',
    patches: [
      {
        file: 'test/e2e/faults-cluster.e2e-spec.ts',
        find: '    window = { unpublishedRows: (await caughtAt(db.url, rowsBefore, killedAt)).length, unackedMessages };',
        replace: '    window = { unpublishedRows: (await caughtAt(db.url, new Set(), killedAt)).length, unackedMessages: 0 * unackedMessages };',
      },
    ],
    tests: ['test/e2e/faults-cluster.e2e-spec.ts'],
  },
  {
    name: 'broker-kill-forgets-held-rows',
    breaks: 'the broker kills record no unpublished rows before the kill, so none counts as caught',
    patches: [
      {
        file: 'test/e2e/faults-broker.e2e-spec.ts',
        find: 'const ids = await stillUnpublished(system.accountsDb.url, before);',
        replace: 'const ids = await stillUnpublished(system.accountsDb.url, new Set(before.size < 0 ? before : []));',
      },
    ],
    tests: ['test/e2e/faults-broker.e2e-spec.ts'],
    testNamePattern: 'kill -9',
  },
  {
    name: 'shutdown-signal-at-idle-consumer',
    breaks: 'SIGTERM is sent at a moment when the consumer holds no message',
    patches: [
      {
        file: 'test/e2e/faults-shutdown.e2e-spec.ts',
        find: '(await consumer()).num_ack_pending > 0, 15_000, 20);',
        replace: '(await consumer()).num_ack_pending === 0, 15_000, 1);',
      },
    ],
    tests: ['test/e2e/faults-shutdown.e2e-spec.ts'],
  },
  {
    name: 'consumer-close-when-drained',
    breaks: 'each close comes after the inflow stopped and the consumer drained, so nothing is in hand to give back',
    patches: [
      {
        file: 'libs/jetstream/src/transport/jetstream.server.int-spec.ts',
        find: "    await waitFor('events applied before the close', async () => applied >= 200);\n    await server.close();",
        replace:
          "    await waitFor('events applied before the close', async () => applied >= 200);\n    publishing = false;\n    await publisher;\n    await waitFor('the consumer to drain', async () => (await client.jsm.consumers.info('CLOSE', durable)).num_pending === 0 && applied === published);\n    await new Promise((r) => setTimeout(r, 500));\n    await server.close();",
      },
    ],
    tests: ['libs/jetstream/src/transport/jetstream.server.int-spec.ts'],
    testNamePattern: 'steady inflow',
  },
];
export default controls;
