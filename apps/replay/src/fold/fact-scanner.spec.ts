import fc from 'fast-check';
import { instantEdgeCases, instantShaped } from '@calm/testing';
import { accountOpened, accountValidated, canonicalTime, customerCreated, customerSealed, decodeEvent } from '@calm/contracts';
import { factOf } from '@calm/folds';
import { AccountsHistory } from './accounts-history';
import { canonicalTimeOfText, scanAccountsFact, takeAccountsFact } from './fact-scanner';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

/** Key orders a publisher may use: the builders' order, jsonb's (the relay publishes from jsonb: shorter keys first), any other. */
function reorder(v: unknown, order: 'builder' | 'jsonb' | 'reversed'): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const entries = Object.entries(v).map(([k, x]) => [k, reorder(x, order)] as const);
  if (order === 'jsonb') entries.sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  if (order === 'reversed') entries.reverse();
  return Object.fromEntries(entries);
}

const time = fc.oneof(
  {
    arbitrary: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    weight: 6,
  },
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-01-02T03:04:05.123456Z',
    '2026-01-02T03:04:05Z',
    '2026-01-02T05:04:05.123+02:00',
    '2026-02-30T00:00:00.000Z',
    '2026-01-01T24:00:00.000Z',
    '0000-01-01T00:00:00.000Z',
    '2024-02-29t12:00:00z',
    'yesterday',
    '',
    null,
    42,
  ),
  fc.constant(undefined),
);
const text = fc.oneof(
  fc.string({ minLength: 0, maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc.constantFrom('😀'.repeat(200), 'n'.repeat(200), 'n'.repeat(201), 'a\u0000b', '\ud800', 'say "hi"', 'back\\slash', 'tab\there', 'ü', 'ab'),
);
const uuid = fc.oneof(
  { arbitrary: fc.uuid(), weight: 8 },
  fc.uuid().map((u) => u.toUpperCase()),
  fc.constantFrom('not-a-uuid', 'A0000000-0000-4000-8000-00000000000f', '00000000-0000-0000-0000-000000000000'),
);

const event = fc
  .record({
    kind: fc.constantFrom('customer.created', 'account.opened', 'customer.sealed', 'account.validated'),
    entity: uuid,
    other: uuid,
    time,
    dataTime: time,
    text,
    currency: fc.constantFrom('EUR', 'eur', 'Eur', 'EU', 'EURO', 7),
    mutate: fc.constantFrom(
      ...Array<'none'>(20).fill('none'),
      'id',
      'source',
      'type',
      'subject',
      'nullSubject',
      'noSubject',
      'specversion',
      'extraString',
      'extraObject',
      'dataExtra',
      'dataMissing',
      'dataString',
      'dataArray',
      'name',
      'email',
      'currency',
      'dataTime',
      'dataTimeMissing',
      'contentType',
      'upperCeSubject',
    ),
    order: fc.constantFrom('builder', 'jsonb', 'reversed'),
    natsSubject: fc.constantFrom('exact', 'exact', 'exact', 'prefixed', 'upper', 'wrong', 'suffix'),
  })
  .map(({ kind, entity, other, time: t, dataTime, text: s, currency, mutate, order, natsSubject }) => {
    const at = typeof t === 'string' ? t : '2026-01-01T00:00:00.000Z';
    const e: Record<string, any> =
      kind === 'customer.created'
        ? customerCreated({ customerId: entity, name: 'N', email: 'n@example.com' }, at, '/crm')
        : kind === 'account.opened'
          ? accountOpened({ accountId: entity, customerId: other, currency: 'EUR', openedAt: at })
          : kind === 'customer.sealed'
            ? customerSealed({ customerId: entity, sealedAt: at })
            : accountValidated({ accountId: entity, customerId: other, validatedAt: at }, at);
    e.time = t;
    const timeKey = kind === 'account.opened' ? 'openedAt' : kind === 'customer.sealed' ? 'sealedAt' : 'validatedAt';
    if (mutate === 'id') e.id = s;
    if (mutate === 'source') e.source = s;
    if (mutate === 'type') e.type = s;
    if (mutate === 'subject') e.subject = s;
    if (mutate === 'nullSubject') e.subject = null;
    if (mutate === 'noSubject') delete e.subject;
    if (mutate === 'specversion') e.specversion = '0.3';
    if (mutate === 'extraString') e.extension = s;
    if (mutate === 'extraObject') e.extension = { a: 1 };
    if (mutate === 'dataExtra') e.data = { ...e.data, note: s };
    if (mutate === 'dataMissing') delete e.data;
    if (mutate === 'dataString') e.data = s;
    if (mutate === 'dataArray') e.data = [e.data];
    if (mutate === 'name') e.data = { ...e.data, name: s };
    if (mutate === 'email') e.data = { ...e.data, email: s };
    if (mutate === 'currency') e.data = { ...e.data, currency };
    if (mutate === 'dataTime') e.data = { ...e.data, [timeKey]: dataTime };
    if (mutate === 'dataTimeMissing') e.data = { ...e.data, [timeKey]: undefined };
    if (mutate === 'contentType') e.datacontenttype = s;
    if (mutate === 'upperCeSubject') e.subject = entity.toUpperCase();
    const subject = {
      exact: `${kind}.${entity}`,
      prefixed: `tenant.${kind}.${entity}`,
      upper: `${kind}.${entity.toUpperCase()}`,
      wrong: `${kind}.${other}`,
      suffix: `${kind}.${entity}x`,
    }[natsSubject];
    return { subject, payload: reorder(e, order) };
  });

describe('canonicalTimeAt', () => {
  it('agrees with canonicalTime (fast-decode.ts) on the canonical shape and around it', () => {
    const digits = instantShaped();
    const anyText = fc.oneof(
      fc.string({ maxLength: 30 }),
      digits.chain((s) =>
        fc.integer({ min: 0, max: 23 }).chain((i) => fc.string({ minLength: 1, maxLength: 1 }).map((c: string) => s.slice(0, i) + c + s.slice(i + 1))),
      ),
    );
    fc.assert(
      fc.property(fc.oneof(digits, anyText), (s) => expect(canonicalTimeOfText(s)).toBe(canonicalTime(s))),
      { numRuns: 20_000 },
    );
    for (const s of instantEdgeCases) {
      expect(canonicalTimeOfText(s)).toBe(canonicalTime(s));
    }
  });
});

describe('scanAccountsFact', () => {
  it('reads a fact only where decodeEvent decodes the same fact', () => {
    let scanned = 0;
    fc.assert(
      fc.property(event, ({ subject, payload }) => {
        const bytes = enc(payload);
        const fact = scanAccountsFact(bytes, subject);
        if (fact === undefined) return;
        scanned++;
        const decoded = decodeEvent(bytes, subject);
        expect(decoded.ok).toBe(true);
        expect(fact).toEqual(decoded.ok ? factOf(decoded.value) : undefined);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 5000) },
    );
    // The generator reaches the fast path often enough for the comparison to mean something.
    expect(scanned).toBeGreaterThan(500);
  });

  it('leaves to the full decoder what is not text JSON of the shape it reads', () => {
    const e = accountOpened({
      accountId: 'a0000000-0000-4000-8000-000000000001',
      customerId: 'c0000000-0000-4000-8000-000000000001',
      currency: 'EUR',
      openedAt: '2026-01-02T03:04:05.123Z',
    });
    const subject = `account.opened.${e.data.accountId}`;
    const json = JSON.stringify(e);
    expect(scanAccountsFact(enc(json), subject)).toBeDefined();
    for (const other of [
      JSON.stringify(e, null, 1),
      json.replace('"EUR"', '"\\u0045UR"'),
      json.replace('"/accounts"', '"/acc\\"ounts"'),
      json.replace(/}$/, ',"id":"again"}'),
      json.replace('{"accountId"', '{"accountId":"a0000000-0000-4000-8000-000000000002","accountId"'),
      json.replace('"data":{', '"data":{"data":"x",'),
      json.replace('"1.0"', '1.0'),
      json + ' ',
      json.slice(0, -1),
      json.replace('"/accounts"', '"/comptes-é"'),
      json.replace('"/accounts"', '"/acc\tounts"'),
    ]) {
      expect(scanAccountsFact(enc(other), subject)).toBeUndefined();
    }
    expect(scanAccountsFact(new Uint8Array([...enc(json.slice(0, -3)), 0xff, ...enc('"}}')]), subject)).toBeUndefined();
  });

  it('hands the history, from the bytes, the very records the decoded strings give it', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (list) => {
        const fromBytes = new AccountsHistory(3);
        const fromStrings = new AccountsHistory(3);
        for (const { subject, payload } of list) {
          const bytes = enc(payload);
          const fact = scanAccountsFact(bytes, subject);
          expect(takeAccountsFact(bytes, subject, fromBytes)).toBe(fact !== undefined);
          if (fact) fromStrings.add(fact);
        }
        const records = (h: AccountsHistory) =>
          h.facts.parts.map((part) =>
            Array.from({ length: part.count }, (_, i) => {
              const { buf, at, length } = part.record(i);
              return buf.toString('hex', at, at + length);
            }),
          );
        expect(records(fromBytes)).toEqual(records(fromStrings));
      }),
      { numRuns: 300 },
    );
  });

  it('reads canonical events of each type in the key orders publishers use', () => {
    const customerId = 'c0000000-0000-4000-8000-000000000001';
    const events = [
      accountOpened({ accountId: 'a0000000-0000-4000-8000-000000000001', customerId, currency: 'EUR', openedAt: '2026-01-02T03:04:05.123Z' }),
      customerCreated({ customerId, name: 'Ada Lovelace-Byron', email: 'ada@example.com' }, '2026-01-02T03:04:05.123Z'),
      customerSealed({ customerId, sealedAt: '2026-01-02T03:04:05.123Z' }),
    ];
    for (const e of events) {
      const subject = `${e.type}.${e.type === 'account.opened' ? e.data.accountId : customerId}`;
      for (const order of ['builder', 'jsonb', 'reversed'] as const) {
        const bytes = enc(reorder(e, order));
        const decoded = decodeEvent(bytes, subject);
        expect(scanAccountsFact(bytes, subject)).toEqual(decoded.ok ? factOf(decoded.value) : 'not decoded');
      }
    }
  });
});
