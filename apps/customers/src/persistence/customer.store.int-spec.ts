import { randomUUID } from 'node:crypto';
import { Database } from '@calm/pg';
import { freshDatabase, TestDatabase } from '@calm/testing';
import { customersMigrations } from '../../../../migrations/customers';
import { CustomerOrmEntity } from './customer.orm-entity';
import { CustomerStore } from './customer.store';

/** The store wakes the relay after each commit that wrote outbox rows, and only then. */
let test: TestDatabase;
let db: Database;
let store: CustomerStore;
let wakes = 0;

beforeAll(async () => {
  test = await freshDatabase('customer_store');
  db = new Database({ name: 'customer-store-test', url: test.url, migrations: customersMigrations, entities: [CustomerOrmEntity] });
  await db.ready;
  store = new CustomerStore(db, { wake: () => void wakes++ });
});
afterAll(async () => {
  await db.close();
  await test.drop();
});

const woken = async (write: () => Promise<unknown>) => {
  const before = wakes;
  await write();
  return wakes - before;
};

it('wakes the relay once per creation and per seal, not for a repeat', async () => {
  const customer = { customerId: randomUUID(), name: 'N', email: 'n@example.com' };
  expect(await woken(() => store.create(customer, new Date()))).toBe(1);
  expect(await woken(() => store.create(customer, new Date()))).toBe(0);
  const sealed = randomUUID();
  expect(await woken(() => store.seal(sealed, new Date()))).toBe(1);
  expect(await woken(() => store.seal(sealed, new Date()))).toBe(0);
});

it('wakes the relay on every resolve: a decision made before is announced again', async () => {
  const customer = { customerId: randomUUID(), name: 'N', email: 'n@example.com' };
  await store.create(customer, new Date());
  expect(await woken(() => store.resolve(customer.customerId, new Date()))).toBe(1);
  expect(await woken(() => store.resolve(randomUUID(), new Date()))).toBe(1);
});
