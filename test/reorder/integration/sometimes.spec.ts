/** The counters see each kind, and see nothing in a plan delivered in order, once, across no restart. */
import { DeliveryPlan, canonicalSpelling as spelling } from './delivery-plan';
import { countSometimes } from './sometimes';

const opening = { account: 'a1', customer: 'c1', currency: 'EUR' };
const creation = { event: 'e1', fact: 'created' as const, customer: 'c1', offsetMs: 0, spelling };
const later = { event: 'e2', fact: 'created' as const, customer: 'c1', offsetMs: 500, spelling };
const post = { kind: 'post' as const, opening, instance: 0 as const, delayMs: 0, spelling };
const publish = (c: typeof creation, mode: 'first-with-msgid' | 'duplicate' = 'first-with-msgid') => ({
  kind: 'publish' as const,
  creation: c,
  mode,
  delayMs: 0,
});

const plan = (deliveries: DeliveryPlan['deliveries'], restartBefore: number): DeliveryPlan => ({
  openings: [opening],
  creations: [creation, later],
  deliveries,
  restart: { before: restartBefore, instance: 0, wait: true },
});

describe('reorder / integration sometimes counters', () => {
  it('an in-order, single, same-side delivery counts nothing', () => {
    expect(countSometimes(plan([publish(creation), publish(later), post], 3))).toEqual({ reordered: 0, duplicated: 0, acrossRestart: 0 });
  });

  it('counts each kind', () => {
    // account before both creations (2 pairs), later-dated creation first (1), a duplicate, the restart between the POST and the creations
    expect(countSometimes(plan([post, publish(later), publish(creation), publish(creation, 'duplicate')], 1))).toEqual({
      reordered: 3,
      duplicated: 1,
      acrossRestart: 2,
    });
  });

  it('a skipped publish is not a delivery', () => {
    expect(countSometimes(plan([post, publish(creation)], 1), new Set(['e1']))).toEqual({ reordered: 0, duplicated: 0, acrossRestart: 0 });
  });
});
