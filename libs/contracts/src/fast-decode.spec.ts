import fc from 'fast-check';
import { instantEdgeCases, instantShaped } from '@calm/testing';
import { decodeEvent } from './decode';
import { accountOpened, accountValidated, customerCreated } from './events';
import { canonicalTime, fastDecodeEvent } from './fast-decode';
import { instant } from './fields';

// decodeEvent, observed: the fast-path test must fail if the fallback ran (same answer either way).
jest.mock('./decode', () => {
  const actual = jest.requireActual('./decode');
  return { ...actual, decodeEvent: jest.fn(actual.decodeEvent) };
});

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

/** Times in canonical and non-canonical spellings (offsets, microseconds, no fraction, garbage). */
const time = fc.oneof(
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-01-02T03:04:05.123456Z',
    '2026-01-02T03:04:05Z',
    '2026-01-02T05:04:05.123+02:00',
    '2026-02-30T00:00:00.000Z',
    'yesterday',
    '',
    null,
    42,
    '0000-01-01T00:00:00.000Z',
    '0000-01-01T00:30:00+01:00',
    '0001-01-01T00:00:00.000Z',
    '0001-01-01T00:30:00+01:00',
    '9999-12-31T23:59:59.999Z',
    '9999-12-31T23:00:00-05:00',
    '2024-02-29t12:00:00z',
    '2026-01-02T03:04:05+0100',
    '2026-01-02T24:00:00Z',
    '+002026-01-02T03:04:05.000Z',
  ),
  fc.constant(undefined),
);
/** Names over the accepted space and just outside it: astral, combining, boundary lengths, NUL, lone surrogates. */
const name = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.constantFrom('😀'.repeat(200), '😀'.repeat(201), 'e\u0301'.repeat(100), 'n'.repeat(200), 'a\u0000b', '\ud800', 'x\udfffy', '\u0000'),
);
const id = fc.oneof(fc.uuid(), fc.string({ maxLength: 3 }), fc.constant('x'.repeat(201)));
const uuid = fc.oneof(
  fc.uuid(),
  fc.tuple(fc.uuid(), fc.array(fc.boolean(), { minLength: 36, maxLength: 36 })).map(([u, up]) => [...u].map((c, i) => (up[i] ? c.toUpperCase() : c)).join('')),
  fc.constantFrom('not-a-uuid', 'A0000000-0000-4000-8000-00000000000F', '00000000-0000-0000-0000-000000000000'),
);

/** Well-formed events from the builders, then mutated field by field. */
const event = fc
  .record({
    kind: fc.constantFrom('customer.created', 'account.opened', 'account.validated'),
    entity: uuid,
    other: uuid,
    time,
    mutate: fc.constantFrom(
      'none',
      'id',
      'source',
      'subject',
      'specversion',
      'extra',
      'nullSubject',
      'dataMissing',
      'currency',
      'type',
      'lowerCurrency',
      'dataExtra',
      'dataArray',
      'upperUuid',
      'emptyName',
      'longName',
      'shortEmail',
      'dataTime',
      'dataTimeMissing',
      'numberName',
      'name',
      'upperCeSubject',
      'nulId',
    ),
    dataTime: time,
    id,
    name,
    upperSubject: fc.boolean(),
  })
  .map(({ kind, entity, other, time: t, mutate, id: newId, dataTime, name: newName, upperSubject }) => {
    const at = typeof t === 'string' ? t : '2026-01-01T00:00:00.000Z';
    const e: Record<string, any> =
      kind === 'customer.created'
        ? customerCreated({ customerId: entity, name: 'N', email: 'n@example.com' }, at, '/crm')
        : kind === 'account.opened'
          ? accountOpened({ accountId: entity, customerId: other, currency: 'EUR', openedAt: at })
          : accountValidated({ accountId: entity, customerId: other, validatedAt: at }, at);
    e.time = t;
    if (mutate === 'id') e.id = newId;
    if (mutate === 'source') e.source = '';
    if (mutate === 'subject') e.subject = other;
    if (mutate === 'specversion') e.specversion = '0.3';
    if (mutate === 'extra') e.extension = { a: 1 };
    if (mutate === 'nullSubject') e.subject = null;
    if (mutate === 'dataMissing') delete e.data;
    if (mutate === 'currency') e.data = { ...e.data, currency: 'euro' };
    if (mutate === 'type') e.type = 'customer.deleted';
    if (mutate === 'lowerCurrency') e.data = { ...e.data, currency: 'eur' };
    if (mutate === 'dataExtra') e.data = { ...e.data, note: 'kept by passthrough' };
    if (mutate === 'dataArray') e.data = [e.data];
    if (mutate === 'upperUuid') e.data = { ...e.data, [kind === 'customer.created' ? 'customerId' : 'accountId']: entity.toUpperCase() };
    if (mutate === 'emptyName') e.data = { ...e.data, name: '' };
    if (mutate === 'longName') e.data = { ...e.data, name: 'n'.repeat(201) };
    if (mutate === 'shortEmail') e.data = { ...e.data, email: 'ab' };
    if (mutate === 'numberName') e.data = { ...e.data, name: 7 };
    if (mutate === 'dataTime') e.data = { ...e.data, openedAt: dataTime, validatedAt: dataTime };
    if (mutate === 'dataTimeMissing') e.data = { ...e.data, openedAt: undefined, validatedAt: undefined };
    if (mutate === 'name') e.data = { ...e.data, name: newName };
    if (mutate === 'upperCeSubject') e.subject = entity.toUpperCase();
    if (mutate === 'nulId') e.id = 'a\u0000';
    return { subject: `${kind}.${upperSubject ? entity.toUpperCase() : entity}`, payload: e };
  });

describe('canonicalTime', () => {
  it('accepts exactly the strings that the schema (fields.ts instant) returns unchanged', () => {
    const pattern = instantShaped();
    const roundTrips = (s: string) => instant.safeParse(s).data === s;
    fc.assert(
      fc.property(pattern, (s) => expect(canonicalTime(s)).toBe(roundTrips(s))),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 20_000) },
    );
    for (const s of instantEdgeCases) {
      expect(canonicalTime(s)).toBe(roundTrips(s));
    }
  });
});

describe('fastDecodeEvent', () => {
  it('answers exactly what decodeEvent answers, for well-formed and broken events alike', () => {
    fc.assert(
      fc.property(event, fc.boolean(), ({ subject, payload }, wrongSubject) => {
        const natsSubject = wrongSubject ? `${subject}x` : subject;
        expect(fastDecodeEvent(enc(payload), natsSubject)).toEqual(decodeEvent(enc(payload), natsSubject));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });

  it('agrees on bytes that are not JSON, not UTF-8 or not an object', () => {
    for (const bytes of [enc('{"a":'), new Uint8Array([0xff, 0xfe, 0x7b]), enc('[1,2]'), enc('null'), enc('"s"')]) {
      expect(fastDecodeEvent(bytes, 'customer.created.x')).toEqual(decodeEvent(bytes, 'customer.created.x'));
    }
  });

  it('takes the fast path for canonical events (same value, normalised time kept)', () => {
    const e = customerCreated({ customerId: 'c0000000-0000-4000-8000-000000000001', name: 'Ada', email: 'ada@example.com' }, '2026-01-02T03:04:05.123Z');
    jest.mocked(decodeEvent).mockClear();
    const r = fastDecodeEvent(enc(e), `customer.created.${e.data.customerId}`);
    expect(r).toEqual({ ok: true, value: e });
    expect(decodeEvent).not.toHaveBeenCalled();
    // and the observation works: a non-canonical event does fall back
    fastDecodeEvent(enc({ ...e, time: '2026-01-02T03:04:05.123+00:00' }), `customer.created.${e.data.customerId}`);
    expect(decodeEvent).toHaveBeenCalledTimes(1);
  });
});
