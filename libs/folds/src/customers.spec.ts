import fc from 'fast-check';
import { CustomerCreation, CustomerDecisionRecord, CustomerSealing, CustomersState, evolveCustomers, isSealing, precedes } from './customers';

const C = 'c0000000-0000-4000-8000-000000000001';
const created = (at: string, eventId = 'e1', name = 'Ada', email = 'ada@example.com', customerId = C): CustomerCreation => ({
  eventId,
  customerId,
  name,
  email,
  createdAt: `2026-01-01T${at}:00.000Z`,
});
const sealed = (at: string, eventId = 's1', customerId = C): CustomerSealing => ({ eventId, customerId, sealedAt: `2026-01-01T${at}:00.000Z` });

const fold = (records: CustomerDecisionRecord[]): CustomersState => {
  const state: CustomersState = new Map();
  for (const r of records) evolveCustomers(state, r);
  return state;
};

describe('the customers fold', () => {
  it('tells a seal from a creation', () => {
    expect(isSealing(sealed('01:00'))).toBe(true);
    expect(isSealing(created('01:00'))).toBe(false);
  });

  it('keeps a creation over a seal, whichever is earlier and whichever comes first', () => {
    const c = created('09:00');
    const s = sealed('01:00');
    expect(fold([s, c]).get(C)).toBe(c);
    expect(fold([c, s]).get(C)).toBe(c);
  });

  it('keeps the earliest creation, then the smaller event id, name and email', () => {
    expect(fold([created('02:00', 'e1'), created('01:00', 'e9')]).get(C)).toEqual(created('01:00', 'e9'));
    expect(fold([created('01:00', 'e2'), created('01:00', 'e1')]).get(C)).toEqual(created('01:00', 'e1'));
    expect(fold([created('01:00', 'e1', 'Bea'), created('01:00', 'e1', 'Ada')]).get(C)).toEqual(created('01:00', 'e1', 'Ada'));
    expect(fold([created('01:00', 'e1', 'Ada', 'b@x.io'), created('01:00', 'e1', 'Ada', 'a@x.io')]).get(C)).toEqual(created('01:00', 'e1', 'Ada', 'a@x.io'));
  });

  it('keeps the earliest seal, then the smaller event id', () => {
    expect(fold([sealed('02:00', 's1'), sealed('01:00', 's9')]).get(C)).toEqual(sealed('01:00', 's9'));
    expect(fold([sealed('01:00', 's2'), sealed('01:00', 's1')]).get(C)).toEqual(sealed('01:00', 's1'));
  });

  it('orders strictly: nothing precedes itself or an equal record', () => {
    const c = created('01:00');
    expect(precedes(c, c)).toBe(false);
    expect(precedes(c, { ...c })).toBe(false);
    expect(precedes(sealed('01:00'), sealed('01:00'))).toBe(false);
    expect(precedes(created('01:00'), created('02:00'))).toBe(true);
    expect(precedes(created('02:00'), created('01:00'))).toBe(false);
  });

  it('keeps one decision per customer id', () => {
    const other = 'c0000000-0000-4000-8000-000000000002';
    const state = fold([created('01:00'), sealed('01:00', 's1', other)]);
    expect([...state.keys()].sort()).toEqual([C, other]);
    expect(state.get(other)).toEqual(sealed('01:00', 's1', other));
  });

  it('folds any order and any duplicates of a history to the same state', () => {
    const record = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('01', '02'),
          fc.constantFrom('e1', 'e2'),
          fc.constantFrom('Ada', 'Bea'),
          fc.constantFrom('a@x.io', 'b@x.io'),
          fc.constantFrom(C, 'c2'),
        )
        .map(([h, e, n, m, id]) => created(`${h}:00`, e, n, m, id) as CustomerDecisionRecord),
      fc.tuple(fc.constantFrom('01', '02'), fc.constantFrom('s1', 's2'), fc.constantFrom(C, 'c2')).map(([h, e, id]) => sealed(`${h}:00`, e, id)),
    );
    fc.assert(
      fc.property(
        fc
          .array(record, { maxLength: 8 })
          .chain((history) => fc.tuple(fc.constant(history), fc.shuffledSubarray([...history, ...history], { minLength: history.length * 2 }))),
        ([history, shuffled]) => expect(fold(shuffled)).toEqual(fold(history)),
      ),
    );
  });
});
