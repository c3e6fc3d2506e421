/**
 * Delivers a plan through the real entry points: POST /accounts to one of two
 * account-service instances, and customer.created published straight onto CUSTOMERS as
 * a third party would (customer.sealed as the owner would). Deliveries start in plan order after their pause and may overlap
 * (a pause of 0 starts the next one at once). Before the planned index one instance is
 * closed (its in-flight requests drained first, so no POST is lost by the harness) and
 * started again, in the background or before the next delivery as the plan says; while
 * it is down, its POSTs go to the other one.
 */
import { headers as natsHeaders } from '@nats-io/transport-node';
import { customerCreated, customerSealed } from '@calm/contracts';
import { spellInstant, withCase } from '@calm/testing';
import { AccountsTuning, RunningService } from '../../../apps/accounts/src';
import { http, TestSystem } from '../../support/system';
import { Delivery, DeliveryPlan } from './delivery-plan';
import { TrialIds } from './trial-ids';

/**
 * Both instances share the durable consumer. A short ack wait bounds how long a message
 * pulled by the instance being closed waits for redelivery (30 s by default).
 */
export const accountsTuning: AccountsTuning = { consumer: { ackWaitMs: 2_000, backoffMs: [2_000, 4_000, 8_000] } };

export interface PostAnswer {
  account: string;
  instance: number;
  status: number;
  body: { accountId?: string; customerId?: string; currency?: string; status?: string; openedAt?: string; validatedAt?: string | null };
}

export interface DeliveryRecord {
  /** Start of the trial: customer times are offsets from it. */
  t0: number;
  posts: PostAnswer[];
  /** Event labels published at least once. */
  publishedEvents: Set<string>;
  /** Deliveries that failed at the transport (a refused POST, a publish without ack). */
  failures: string[];
  restarts: number;
}

export interface DeliveryOptions {
  /** Event labels never published: the self-check's broken delivery. */
  skipEvents?: ReadonlySet<string>;
}

export class AccountInstances {
  private readonly alive: (RunningService | undefined)[] = [undefined, undefined];

  private constructor(private readonly system: TestSystem) {}

  static async start(system: TestSystem): Promise<AccountInstances> {
    const instances = new AccountInstances(system);
    // One after the other: the first creates the durable consumer with the short ack wait.
    instances.alive[0] = await system.startAccounts(accountsTuning);
    instances.alive[1] = await system.startAccounts(accountsTuning);
    return instances;
  }

  /** The instance asked for if it is up, else the other one. */
  pick(wanted: 0 | 1): { index: number; url: string } {
    for (const index of [wanted, 1 - wanted]) {
      const svc = this.alive[index];
      if (svc) return { index, url: svc.url };
    }
    throw new Error('no account-service instance is up');
  }

  /** Closes one instance and starts it again; `serving` resolves when the new one is up. */
  async restart(index: 0 | 1): Promise<{ serving: Promise<void> }> {
    const svc = this.alive[index];
    this.alive[index] = undefined;
    await svc?.app.close();
    // TestSystem keeps every instance it started, for stop(); a closed one need not stay (long soaks).
    if (svc) this.system.accounts.splice(this.system.accounts.indexOf(svc), 1);
    const serving = this.system.startAccounts(accountsTuning).then((fresh) => {
      this.alive[index] = fresh;
    });
    return { serving };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function deliver(
  system: TestSystem,
  instances: AccountInstances,
  plan: DeliveryPlan,
  ids: TrialIds,
  options: DeliveryOptions = {},
): Promise<DeliveryRecord> {
  const record: DeliveryRecord = { t0: Date.now(), posts: [], publishedEvents: new Set(), failures: [], restarts: 0 };
  const inFlight = new Set<Promise<void>>();
  let restarted: Promise<void> | undefined;
  for (const [i, delivery] of plan.deliveries.entries()) {
    if (i === plan.restart.before) {
      await Promise.all(inFlight);
      restarted = (await instances.restart(plan.restart.instance)).serving.catch((err: Error) => {
        record.failures.push(`restart of i${plan.restart.instance} failed: ${err.message}`);
      });
      record.restarts++;
      if (plan.restart.wait) await restarted;
    }
    if (delivery.delayMs > 0) await sleep(delivery.delayMs);
    if (delivery.kind === 'publish' && options.skipEvents?.has(delivery.creation.event)) continue;
    const running = deliverOne(system, instances, delivery, ids, record).catch((err: Error) => {
      record.failures.push(`#${i} ${delivery.kind} failed: ${err.message}`);
    });
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
  }
  await Promise.all(inFlight);
  await restarted;
  return record;
}

/**
 * Ids, currencies and times go out in the raw spellings the plan drew (each letter's case,
 * the time's offset and sub-millisecond digits); the comparison reads the live state by
 * the canonical values, so a boundary that kept a spelling shows up as a mismatch.
 */
async function deliverOne(system: TestSystem, instances: AccountInstances, delivery: Delivery, ids: TrialIds, record: DeliveryRecord): Promise<void> {
  if (delivery.kind === 'post') {
    const { account, customer, currency } = delivery.opening;
    const spelled = delivery.spelling;
    const target = instances.pick(delivery.instance);
    const body = {
      accountId: withCase(ids.of(account), spelled.accountCase),
      customerId: withCase(ids.of(customer), spelled.customerCase),
      currency: withCase(currency, spelled.currencyCase),
    };
    const answer = await http(target.url, 'POST', '/accounts', body);
    record.posts.push({ account, instance: target.index, status: answer.status, body: answer.body });
    return;
  }
  const { event, customer, offsetMs, fact, spelling } = delivery.creation;
  const customerId = withCase(ids.of(customer), spelling.customerCase);
  const subject = `customer.${fact}.${withCase(ids.of(customer), spelling.subjectCase)}`;
  const time = spellInstant(new Date(record.t0 + offsetMs).toISOString(), spelling.time);
  const h = natsHeaders();
  if (delivery.mode === 'first-with-msgid' || delivery.mode === 'duplicate') h.set('Nats-Msg-Id', ids.of(event));
  // The same event (id, spelling and time) for every copy. A seal is the owner's; a
  // creation comes from a third-party source, as the contract allows.
  const cloudEvent =
    fact === 'sealed'
      ? { ...customerSealed({ customerId, sealedAt: time }), id: ids.of(event) }
      : { ...customerCreated({ customerId, name: `Customer ${customer}`, email: `${customer}@example.com` }, time, '/reorder'), id: ids.of(event) };
  await system.js.publish(subject, JSON.stringify(cloudEvent), { headers: h });
  record.publishedEvents.add(event);
}
