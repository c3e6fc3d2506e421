/**
 * A seeded delivery plan for the integration level: a history of facts (the domain
 * level's shape, with explicit event ids) and the exact way it reaches the services:
 * the order of every copy, the pause before it, the account-service instance a POST
 * goes to, whether a publish carries Nats-Msg-Id, and where one instance restarts.
 *
 * Plans are sampled from fast-check with the run's seed, so REORDER_SEED reproduces the
 * histories and delivery orders exactly; only the timing of the live system differs.
 * Labels (a1, c2, e3) stay small and readable; trial-scoped UUIDs are derived from them.
 */
import fc from 'fast-check';
import { InstantSpellingChoice, caseBits, instantSpellingChoice } from '@calm/testing';

export interface PlannedOpening {
  account: string; // a1..a10
  customer: string; // c1..c5
  currency: string;
}

/**
 * How one delivery spells what it sends (docs/input-contract.md: the services must read
 * every accepted spelling as the canonical value): each character's case of the ids and
 * of the currency, and the event time's offset, `T`/`t` and sub-millisecond digits.
 */
export interface Spelling {
  accountCase: boolean[];
  customerCase: boolean[];
  currencyCase: boolean[];
  /** The NATS subject's key, spelled apart from the event's own fields. */
  subjectCase: boolean[];
  time: InstantSpellingChoice;
}

/** A customer fact: its creation (any publisher) or the owner's seal of its id. */
export interface PlannedCreation {
  event: string; // e1..: one event id per creation; its copies reuse it
  fact: 'created' | 'sealed';
  customer: string;
  /** Offset of the event's `time` from the trial's start, in ms: before and after the POSTs. */
  offsetMs: number;
  /** One spelling per event: its copies carry the same bytes. */
  spelling: Spelling;
}

/**
 * first: the first copy of an event; duplicate: same id with Nats-Msg-Id (JetStream's
 * dedupe window absorbs it); redelivery: same id without the header, as a redelivery
 * after the window has passed (it reaches the stream; the inbox must absorb it).
 */
export type PublishMode = 'first-with-msgid' | 'first-without-msgid' | 'duplicate' | 'redelivery';

export type Delivery =
  | { kind: 'post'; opening: PlannedOpening; instance: 0 | 1; delayMs: number; spelling: Spelling }
  | { kind: 'publish'; creation: PlannedCreation; mode: PublishMode; delayMs: number };

export interface DeliveryPlan {
  openings: PlannedOpening[];
  creations: PlannedCreation[];
  deliveries: Delivery[];
  /**
   * Before deliveries[restart.before], instance restart.instance is closed and started
   * again; `wait`: the next deliveries wait until it serves (else they go on meanwhile).
   */
  restart: { before: number; instance: 0 | 1; wait: boolean };
}

const customer = fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5');
/** Up to two extra copies, each delivered separately. */
const copies = fc.integer({ min: 1, max: 3 });
const key = fc.nat({ max: 1000 });
const delayMs = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 25 }));
/** The spelling the services write themselves: lower-case ids, upper-case currency, millisecond UTC. */
export const canonicalSpelling: Spelling = {
  accountCase: [false],
  customerCase: [false],
  currencyCase: [true],
  subjectCase: [false],
  time: { zone: { minutes: 0, text: 'Z' }, t: 'T', subMs: '', dropZeroFraction: false },
};

const spelling: fc.Arbitrary<Spelling> = fc.record({
  accountCase: caseBits(36),
  customerCase: caseBits(36),
  currencyCase: caseBits(3),
  subjectCase: caseBits(36),
  time: instantSpellingChoice,
});

const openingsArb = fc.uniqueArray(
  fc.record({
    account: fc.constantFrom('a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10'),
    customer,
    currency: fc.constantFrom('EUR', 'EUR', 'USD', 'CHF'),
    copies,
  }),
  { minLength: 6, maxLength: 10, selector: (o) => o.account },
);
const creationsArb = fc.array(fc.record({ customer, offsetMs: fc.integer({ min: -1500, max: 2500 }), copies, spelling }), { minLength: 3, maxLength: 8 });
/** The owner's seals: kept only for customers the history never creates, one per customer (the owner decides each id once). */
const sealsArb = fc.array(fc.record({ customer, offsetMs: fc.integer({ min: -1500, max: 2500 }), copies, spelling }), { maxLength: 2 });

/** How one copy of a fact is delivered; `key` places it in the arrival order. */
const copyArb = fc.record({ key, delayMs, instance: fc.constantFrom<0 | 1>(0, 1), withMsgId: fc.boolean(), redeliver: fc.boolean(), spelling });
type CopyChoice = typeof copyArb extends fc.Arbitrary<infer T> ? T : never;

export const deliveryPlans: fc.Arbitrary<DeliveryPlan> = fc
  .tuple(openingsArb, creationsArb, sealsArb, fc.double({ min: 0.3, max: 0.7, noNaN: true }), fc.constantFrom<0 | 1>(0, 1), fc.boolean())
  .chain(([openingRecords, createdRecords, sealRecords, restartAt, restartInstance, waitForRestart]) => {
    const openings = openingRecords.map(({ account, customer: c, currency }) => ({ account, customer: c, currency }));
    const created = new Set(createdRecords.map((c) => c.customer));
    const sealed = sealRecords.filter((r, i) => !created.has(r.customer) && sealRecords.findIndex((o) => o.customer === r.customer) === i);
    const creationRecords = [...createdRecords.map((r) => ({ ...r, fact: 'created' as const })), ...sealed.map((r) => ({ ...r, fact: 'sealed' as const }))];
    const creations = creationRecords.map(({ customer: c, offsetMs, fact, spelling: spelled }, i) => ({
      event: `e${i + 1}`,
      fact,
      customer: c,
      offsetMs,
      spelling: spelled,
    }));
    const facts: Array<PlannedOpening | PlannedCreation> = [
      ...openingRecords.flatMap((o, i) => Array<PlannedOpening>(o.copies).fill(openings[i])),
      ...creationRecords.flatMap((c, i) => Array<PlannedCreation>(c.copies).fill(creations[i])),
    ];
    return fc.array(copyArb, { minLength: facts.length, maxLength: facts.length }).map((choices) => {
      const deliveries = arrivalOrder(facts, choices);
      return {
        openings,
        creations,
        deliveries,
        restart: { before: Math.round(deliveries.length * restartAt), instance: restartInstance, wait: waitForRestart },
      };
    });
  });

/** Sorts the copies by key (generation order on ties); a copy's role follows from its position among its event's copies. */
function arrivalOrder(facts: Array<PlannedOpening | PlannedCreation>, choices: CopyChoice[]): Delivery[] {
  const order = facts.map((fact, seq) => ({ fact, choice: choices[seq], seq })).sort((x, y) => x.choice.key - y.choice.key || x.seq - y.seq);
  const published = new Set<string>();
  return order.map(({ fact, choice }): Delivery => {
    if ('account' in fact) return { kind: 'post', opening: fact, instance: choice.instance, delayMs: choice.delayMs, spelling: choice.spelling };
    const first = !published.has(fact.event);
    published.add(fact.event);
    const mode: PublishMode = first ? (choice.withMsgId ? 'first-with-msgid' : 'first-without-msgid') : choice.redeliver ? 'redelivery' : 'duplicate';
    return { kind: 'publish', creation: fact, mode, delayMs: choice.delayMs };
  });
}

/** The first `count` plans of the seed (a filtered arbitrary gives its own sequence, as the self-check uses). */
export function samplePlans(seed: number, count: number, arb: fc.Arbitrary<DeliveryPlan> = deliveryPlans): DeliveryPlan[] {
  return fc.sample(arb, { seed, numRuns: count });
}

const sign = (ms: number): string => (ms < 0 ? `-${-ms}` : `+${ms}`);

/** The plan as the lines a failure prints: enough to read what happened, in order. */
export function showPlan(plan: DeliveryPlan): string {
  const lines = plan.deliveries.map((d, i) => {
    const restart = i === plan.restart.before ? `  -- restart instance i${plan.restart.instance}${plan.restart.wait ? ', waiting until it serves' : ''}\n` : '';
    const what =
      d.kind === 'post'
        ? `POST ${d.opening.account}(${d.opening.customer},${d.opening.currency}) -> i${d.instance}`
        : `publish ${d.creation.event}=${d.creation.fact}(${d.creation.customer},t0${sign(d.creation.offsetMs)}ms) ${d.mode}`;
    return `${restart}  #${i} after ${d.delayMs}ms: ${what}`;
  });
  return lines.join('\n');
}
