import { decodeEvent } from './decode';
import { accountOpened, accountRejected, accountValidated, customerCreated } from './events';
import { canonicalTime, fastDecodeEvent } from './fast-decode';

/**
 * The fast path is the point of fast-decode.ts (a rebuild decodes every event of the
 * history): every canonical event takes it, at the edges of every length and date too,
 * and answers what decodeEvent answers. decodeEvent is observed, so a canonical event
 * that falls back fails here even though its answer would be the same.
 */
jest.mock('./decode', () => {
  const actual = jest.requireActual('./decode');
  return { ...actual, decodeEvent: jest.fn(actual.decodeEvent) };
});
const { decodeEvent: slow } = jest.requireActual('./decode') as { decodeEvent: typeof decodeEvent };

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const customerId = 'c0000000-0000-4000-8000-000000000001';
const accountId = 'a0000000-0000-4000-8000-000000000002';
const at = '2026-01-02T03:04:05.123Z';
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const created = (over: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => {
  const e = customerCreated({ customerId, name: 'Ada', email: 'ada@example.com' }, at);
  return { ...e, ...over, data: { ...e.data, ...data } };
};

const canonical: [string, object, string][] = [
  ['the shortest id, source and name, a 3-character email', created({ id: 'i', source: 's' }, { name: 'n', email: 'a@b' }), `customer.created.${customerId}`],
  [
    'the longest id, source, subject-free envelope, name and email',
    { ...created({ id: 'i'.repeat(200), source: 's'.repeat(500) }, { name: 'n'.repeat(200), email: 'e'.repeat(320) }), subject: undefined },
    `customer.created.${customerId}`,
  ],
  [
    'the longest datacontenttype and tracestate, with a traceparent',
    created({ datacontenttype: 'd'.repeat(200), tracestate: 't'.repeat(512), traceparent }),
    `customer.created.${customerId}`,
  ],
  ['empty optional attributes', created({ datacontenttype: '', tracestate: '' }), `customer.created.${customerId}`],
  ['a NATS subject with a prefix', created(), `tenant.customer.created.${customerId}`],
  [
    'account.opened at the first instant',
    accountOpened({ accountId, customerId, currency: 'EUR', openedAt: '0001-01-01T00:00:00.000Z' }),
    `account.opened.${accountId}`,
  ],
  [
    'account.opened without time, at the last instant',
    { ...accountOpened({ accountId, customerId, currency: 'XXX', openedAt: '9999-12-31T23:59:59.999Z' }), time: undefined },
    `account.opened.${accountId}`,
  ],
  [
    'account.validated on February 29th',
    accountValidated({ accountId, customerId, validatedAt: '2000-02-29T23:59:59.999Z' }, at),
    `account.validated.${accountId}`,
  ],
];

describe('fastDecodeEvent takes the fast path for every canonical event', () => {
  it.each(canonical)('%s', (_l, event, subject) => {
    const want = slow(enc(event), subject);
    expect(want.ok).toBe(true);
    jest.mocked(decodeEvent).mockClear();
    expect(fastDecodeEvent(enc(event), subject)).toEqual(want);
    expect(decodeEvent).not.toHaveBeenCalled();
  });

  it('a type without a hand-written data check takes it too, its data checked by the schema', () => {
    const rejected = accountRejected({ accountId, customerId, rejectedAt: at }, at);
    jest.mocked(decodeEvent).mockClear();
    expect(fastDecodeEvent(enc(rejected), `account.rejected.${accountId}`)).toEqual(slow(enc(rejected), `account.rejected.${accountId}`));
    expect(decodeEvent).not.toHaveBeenCalled();
  });

  it('and only those: data one past an edge, a subject in another case fall back', () => {
    const fallBacks: [Record<string, unknown>, string][] = [
      [created({}, { name: '' }), `customer.created.${customerId}`],
      [created({}, { email: 'a@' }), `customer.created.${customerId}`],
      [created({ subject: customerId.toUpperCase() }), `customer.created.${customerId}`],
      [created(), `customer.created.${customerId.toUpperCase()}`],
    ];
    for (const [event, subject] of fallBacks) {
      jest.mocked(decodeEvent).mockClear();
      expect(fastDecodeEvent(enc(event), subject)).toEqual(slow(enc(event), subject));
      expect(decodeEvent).toHaveBeenCalledTimes(1);
    }
  });
});

describe('canonicalTime at the edges of the calendar', () => {
  it.each([
    undefined,
    '0001-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    '2000-02-29T00:00:00.000Z',
    '2024-02-29T00:00:00.000Z',
    '2023-02-28T00:00:00.000Z',
    '2024-01-31T00:00:00.000Z',
    '2024-12-31T23:59:59.999Z',
  ])('takes %s', (t) => expect(canonicalTime(t)).toBe(true));

  it.each([
    '0000-12-31T00:00:00.000Z',
    '2024-00-01T00:00:00.000Z',
    '2024-13-01T00:00:00.000Z',
    '2024-01-00T00:00:00.000Z',
    '1900-02-29T00:00:00.000Z',
    '2023-02-29T00:00:00.000Z',
    '2024-04-31T00:00:00.000Z',
    '2024-01-32T00:00:00.000Z',
    '2024-01-01T24:00:00.000Z',
    '2024-01-01T00:60:00.000Z',
    '2024-01-01T00:00:60.000Z',
    '2024-01-01T00:00:00.000+00:00',
    null,
    42,
  ])('refuses %s', (t) => expect(canonicalTime(t)).toBe(false));
});
