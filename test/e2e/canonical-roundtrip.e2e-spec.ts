import fc from 'fast-check';
import { ISO_4217_CODES, createCustomerBody, customerCreated, customerCreatedData, decodeEvent, fastDecodeEvent, openAccountBody } from '@calm/contracts';
import { fuzzSeed, instantSpelling, queryDatabase, waitFor } from '@calm/testing';
import { replayCli } from '../support/replay-cli';
import { http, TestSystem } from '../support/system';

/**
 * Issue 10's round trip over the WHOLE accepted space: whatever the REST layer accepts
 * (mixed-case ids, astral and combining characters, boundary lengths, lower-case
 * currencies) publishes events that decode, apply, and that replay verify and rebuild
 * reproduce; and any customer.created the decoder accepts (extreme valid times too) is
 * applied or dead-lettered alone, the events behind it apply, and the replay folds it or
 * lists it as skipped. FUZZ_RUNS raises the number of cases, FUZZ_SEED repeats a run.
 */
jest.setTimeout(600_000);

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
let system: TestSystem;
let accounts: string;
let customers: string;

beforeAll(async () => {
  system = await TestSystem.start('roundtrip');
  accounts = (await system.startAccounts()).url;
  customers = (await system.startCustomers()).url;
});
afterAll(() => system?.stop());

/** A UUID with each letter independently in either case. */
const anyCaseUuid = fc
  .tuple(fc.uuid(), fc.array(fc.boolean(), { minLength: 36, maxLength: 36 }))
  .map(([u, up]) => [...u].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));
const anyCase = (s: string) =>
  fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((up) => [...s].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
const currency = fc.oneof(fc.constantFrom(...ISO_4217_CODES).chain(anyCase), fc.constantFrom('XXY', 'EURO', 'eu', 'É€U'));
const name = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }),
  fc.constantFrom('😀'.repeat(200), '😀'.repeat(199) + 'a', '😀'.repeat(201), 'e\u0301'.repeat(100), 'a'.repeat(200), 'x', 'a\u0000b', '\ud800'),
);
/**
 * Addresses as people have them: apostrophes, plus-tags and dots in the local part, domains
 * of several levels in any case, and non-ASCII local parts and domains (refused by REST,
 * whose pattern is ASCII; accepted as event text), beside near misses.
 */
const word = (chars: string, max: number) => fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: max });
const localPart = fc
  .tuple(fc.array(word("abzAZ09_'-", 8), { minLength: 1, maxLength: 3 }), fc.option(word('abz09-', 6), { nil: undefined }))
  .map(([dotted, tag]) => dotted.join('.') + (tag === undefined ? '' : `+${tag}`));
const domain = fc
  .tuple(
    fc.array(
      word('abzAZ09', 6).chain((l) => fc.constantFrom(l, `${l}-x`)),
      { minLength: 1, maxLength: 4 },
    ),
    word('abcdefghijklmnopqrstuvwxyzCOM', 6),
  )
  .map(([labels, tld]) => `${labels.join('.')}.${tld.padEnd(2, 'x')}`);
const email = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`) },
  fc.tuple(fc.constantFrom('josé', 'ñandú', '用户', 'Zoë.o’neil', 'Δ'), domain).map(([l, d]) => `${l}@${d}`),
  fc.tuple(localPart, fc.constantFrom('exämple.com', 'bücher.example.de', '例え.jp')).map(([l, d]) => `${l}@${d}`),
  fc.constantFrom("o'brien@example.com", "d'angelo+news@mail.example.co.uk", 'not-an-email', 'a@b', "trailing'@example.com", `${'a'.repeat(310)}@example.com`),
);

interface Scenario {
  customerId: string;
  customer: { name: string; email: string } | null;
  accounts: { accountId: string; customerId: string; currency?: string }[];
  customerFirst: boolean;
}
/** One customer (or none yet), accounts naming it in other letter cases, in either order. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    customerId: anyCaseUuid,
    named: fc.option(fc.record({ name, email }), { nil: null }),
    customerFirst: fc.boolean(),
    n: fc.integer({ min: 1, max: 2 }),
    seeds: fc.array(fc.tuple(anyCaseUuid, fc.option(currency, { nil: undefined }), fc.array(fc.boolean(), { minLength: 36, maxLength: 36 })), {
      minLength: 2,
      maxLength: 2,
    }),
  })
  .map(({ customerId, named, customerFirst, n, seeds }) => ({
    customerId,
    customer: named,
    customerFirst,
    accounts: seeds.slice(0, n).map(([accountId, cur, up]) => ({
      accountId,
      customerId: [...customerId].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
      ...(cur === undefined ? {} : { currency: cur }),
    })),
  }));

const expected: { accountId: string; customerId: string; currency: string; valid: boolean }[] = [];
const expectedCustomers = new Map<string, { name: string; email: string }>();

it('the addresses drawn include apostrophes, plus-tags, several domain levels and non-ASCII, accepted and refused', () => {
  const drawn = fc.sample(email, { seed: 7, numRuns: 300 });
  const restAccepts = (e: string) => createCustomerBody.shape.email.safeParse(e).success;
  const accepted = drawn.filter(restAccepts);
  expect(accepted.length).toBeGreaterThan(100);
  expect(accepted.some((e) => e.split('@')[0].includes("'"))).toBe(true);
  expect(accepted.some((e) => e.split('@')[0].includes('+'))).toBe(true);
  expect(accepted.some((e) => e.split('@')[1].split('.').length >= 4)).toBe(true);
  const nonAscii = drawn.filter((e) => [...e].some((c) => c.charCodeAt(0) > 0x7f));
  expect(nonAscii.length).toBeGreaterThan(10);
  // REST's pattern is ASCII; an event carries any text, so these apply there.
  expect(nonAscii.some(restAccepts)).toBe(false);
  expect(nonAscii.every((e) => customerCreatedData.shape.email.safeParse(e).success)).toBe(true);
});

it('REST accepts exactly what the contract schema accepts, answers canonically, and repeats in another case are 200', async () => {
  const seed = fuzzSeed('canonical round trip');
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const postCustomer = async () => {
        if (!s.customer) return;
        const body = { customerId: s.customerId, ...s.customer };
        const accepted = createCustomerBody.safeParse(body);
        const res = await http(customers, 'POST', '/customers', body);
        if (!accepted.success) return expect(res.status).toBe(400);
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ customerId: s.customerId.toLowerCase(), name: s.customer.name, email: s.customer.email });
        expect((await http(customers, 'POST', '/customers', { ...body, customerId: s.customerId.toUpperCase() })).status).toBe(200);
        expectedCustomers.set(accepted.data.customerId!, s.customer);
      };
      if (s.customerFirst) await postCustomer();
      for (const a of s.accounts) {
        const accepted = openAccountBody.safeParse(a);
        const res = await http(accounts, 'POST', '/accounts', a);
        if (!accepted.success) {
          expect(res.status).toBe(400);
          continue;
        }
        expect(res.status).toBe(201);
        const canonical = { accountId: a.accountId.toLowerCase(), customerId: s.customerId.toLowerCase(), currency: (a.currency ?? 'EUR').toUpperCase() };
        expect(res.body).toMatchObject(canonical);
        const swapped = { ...a, accountId: a.accountId.toUpperCase(), customerId: a.customerId.toLowerCase(), currency: canonical.currency.toLowerCase() };
        expect((await http(accounts, 'POST', '/accounts', swapped)).status).toBe(200);
        expected.push({ ...canonical, valid: false });
      }
      if (!s.customerFirst) await postCustomer();
    }),
    { numRuns: RUNS, seed },
  );
  for (const e of expected) e.valid = expectedCustomers.has(e.customerId);
});

it('the events it published decode (fast path equal to the schema), apply, and replay verify and rebuild reproduce the rows', async () => {
  const db = system.accountsDb.url;
  await waitFor(
    'every account of a created customer to be valid',
    async () => {
      const rows = await queryDatabase<{ account_id: string; status: string }>(db, 'SELECT account_id::text, status FROM account');
      const status = new Map(rows.map((r) => [r.account_id, r.status]));
      return expected.every((e) => status.get(e.accountId) === (e.valid ? 'valid' : 'pending'));
    },
    60_000,
  );
  const published = [...(await system.streamMessages('ACCOUNTS', 'account.opened.>')), ...(await system.streamMessages('CUSTOMERS'))];
  for (const m of published) {
    const bytes = Buffer.from(JSON.stringify(m.data));
    const decoded = decodeEvent(bytes, m.subject);
    expect(decoded.ok).toBe(true);
    expect(fastDecodeEvent(bytes, m.subject)).toEqual(decoded);
  }
  expect(await queryDatabase(db, 'SELECT * FROM dead_letter')).toEqual([]);
  const cli = (...argv: string[]) => replayCli(system, ...argv);
  for (const svc of ['accounts', 'customers']) expect(await cli('verify', svc, '--quiet')).toMatchObject({ code: 0, out: '' });
  const before = await snapshot();
  for (const s of [...system.accounts, ...system.customers]) await s.app.close();
  system.accounts.length = system.customers.length = 0;
  for (const svc of ['accounts', 'customers']) expect(await cli('rebuild', svc, '--quiet')).toMatchObject({ code: 0 });
  expect(await snapshot()).toEqual(before);
  for (const svc of ['accounts', 'customers']) expect((await cli('verify', svc, '--shuffle', '--quiet')).code).toBe(0);
  accounts = (await system.startAccounts()).url;
});

const snapshot = async () => ({
  account: await queryDatabase(system.accountsDb.url, 'SELECT * FROM account ORDER BY account_id'),
  known: await queryDatabase(system.accountsDb.url, 'SELECT * FROM known_customer ORDER BY customer_id'),
  customer: await queryDatabase(system.customersDb.url, 'SELECT * FROM customer ORDER BY customer_id'),
});

/** Times the decoder accepts, spelled any way it reads them, and at the edges: years 0001 and 9999, offsets, long fractions, lower-case t/z. */
const anyInstant = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const extremeTime = fc.oneof(
  anyInstant,
  anyInstant.chain(instantSpelling),
  fc.constantFrom(
    '0001-01-01T00:00:00Z',
    '0001-01-01T01:00:00+01:00',
    '9999-12-31T23:59:59.999999Z',
    '9999-12-31T18:59:59-05:00',
    '2024-02-29t00:00:00z',
    '0000-01-01T00:00:00Z',
    '2024-02-30T00:00:00Z',
  ),
);
const thirdPartyEvent = fc.record({
  customerId: anyCaseUuid,
  name,
  email: fc.oneof(email, fc.string({ unit: 'grapheme', minLength: 3, maxLength: 20 })),
  time: extremeTime,
  upperSubject: fc.boolean(),
});

it('any customer.created the decoder accepts is applied or dead-lettered alone, the event behind it applies, and the replay folds it or lists it', async () => {
  const seed = fuzzSeed('decoder-accepted events');
  const db = system.accountsDb.url;
  await fc.assert(
    fc.asyncProperty(fc.array(thirdPartyEvent, { minLength: 1, maxLength: 6 }), anyCaseUuid, async (events, sentinel) => {
      const targets: { accountId: string; seq: number; accepted: boolean }[] = [];
      for (const e of events) {
        const accountId = (await http(accounts, 'POST', '/accounts', { customerId: e.customerId })).body.accountId as string;
        const event = { ...customerCreated({ customerId: e.customerId, name: e.name, email: e.email }, '2026-01-01T00:00:00.000Z', '/crm'), time: e.time };
        const subject = `customer.created.${e.upperSubject ? e.customerId.toUpperCase() : e.customerId}`;
        const accepted = decodeEvent(Buffer.from(JSON.stringify(event)), subject).ok;
        const seq = (await system.js.publish(subject, JSON.stringify(event))).seq;
        targets.push({ accountId, seq, accepted });
      }
      // The event behind them: it must apply whatever they did.
      const behind = (await http(accounts, 'POST', '/accounts', { customerId: sentinel })).body.accountId as string;
      await system.publishCustomerCreated(sentinel.toLowerCase());
      const status = async (id: string) => (await queryDatabase<{ status: string }>(db, 'SELECT status FROM account WHERE account_id = $1', [id]))[0]?.status;
      await waitFor('the event behind to apply', async () => (await status(behind)) === 'valid', 60_000);
      const letters = await queryDatabase<{ stream_seq: string; deliveries: number }>(db, 'SELECT stream_seq, deliveries FROM dead_letter');
      for (const t of targets) {
        const letter = letters.find((l) => Number(l.stream_seq) === t.seq);
        const applied = (await status(t.accountId)) === 'valid';
        if (t.accepted) {
          // Accepted: applied, or (the database refused it) dead-lettered on its own first delivery.
          expect(applied || letter?.deliveries === 1).toBe(true);
        } else {
          expect(letter?.deliveries).toBe(1);
        }
      }
    }),
    { numRuns: Math.max(3, Math.ceil(RUNS / 2)), seed },
  );
  const verify = await replayCli(system, 'verify', 'accounts', '--json');
  const result = JSON.parse(verify.out);
  expect(result.equal).toBe(true);
  // Every dead letter is a skip of the replay (with its reason), and nothing else is.
  const letters = await queryDatabase<{ stream_seq: string }>(db, 'SELECT stream_seq FROM dead_letter');
  expect(result.history.skipped.map((s: { seq: number }) => s.seq).sort()).toEqual(letters.map((l) => Number(l.stream_seq)).sort());
});
