/**
 * The integration level's check: the live system against the same oracle as the
 * domain level. The oracle gets the history's facts; the only value it cannot know in
 * advance is openedAt (the service's clock), which it takes from the POST that answered
 * 201. Every difference is reported with the plan's labels (a1, c2, e3).
 */
import { eventIds } from '@calm/contracts';
import type { Account, AccountFact } from '@calm/folds';
import { oracle } from '../oracle';
import { DeliveryPlan } from './delivery-plan';
import { DeliveryRecord } from './delivery-harness';
import { LiveState } from './live-state';
import { TrialIds } from './trial-ids';

export interface Expectation {
  facts: AccountFact[];
  accounts: Map<string, Account>;
  /** Problems found while building it (a POST that never answered 201). */
  problems: string[];
}

export const createdAt = (record: DeliveryRecord, offsetMs: number): string => new Date(record.t0 + offsetMs).toISOString();

/** The history's facts, with each account's openedAt as the service answered it. */
export function expectFromHistory(plan: DeliveryPlan, record: DeliveryRecord, ids: TrialIds): Expectation {
  const problems: string[] = [];
  const facts: AccountFact[] = [];
  for (const { account, customer, currency } of plan.openings) {
    const created = record.posts.filter((p) => p.account === account && p.status === 201);
    if (created.length !== 1 || typeof created[0].body.openedAt !== 'string') {
      problems.push(`${account}: ${created.length} POSTs answered 201 (expected exactly 1)`);
      continue;
    }
    facts.push({ type: 'account.opened', data: { accountId: ids.of(account), customerId: ids.of(customer), currency, openedAt: created[0].body.openedAt } });
  }
  for (const { customer, offsetMs, fact } of plan.creations) {
    const [customerId, at] = [ids.of(customer), createdAt(record, offsetMs)];
    facts.push(
      fact === 'sealed' ? { type: 'customer.sealed', data: { customerId, sealedAt: at } } : { type: 'customer.created', data: { customerId, createdAt: at } },
    );
  }
  return { facts, accounts: oracle(facts), problems };
}

const show = (
  a: { customerId: string; currency: string; status: string; openedAt: string; validatedAt: string | null; rejectedAt: string | null } | undefined,
  ids: TrialIds,
): string =>
  a === undefined
    ? 'absent'
    : `${a.status}(${ids.label(a.customerId)},${a.currency},openedAt=${a.openedAt},validatedAt=${a.validatedAt},rejectedAt=${a.rejectedAt})`;

/** Every way the live system differs from the expectation; empty when it agrees. */
export function compareWithOracle(plan: DeliveryPlan, record: DeliveryRecord, ids: TrialIds, expected: Expectation, live: LiveState): string[] {
  const out = [...expected.problems, ...record.failures];
  const accountLabels = plan.openings.map((o) => o.account);

  for (const label of accountLabels) {
    const posts = record.posts.filter((p) => p.account === label);
    const odd = posts.filter((p) => p.status !== 200 && p.status !== 201);
    if (odd.length) out.push(`${label}: POST answered ${odd.map((p) => `${p.status} on i${p.instance}`).join(', ')}`);
    const openedAts = new Set(posts.map((p) => p.body.openedAt));
    if (openedAts.size > 1) out.push(`${label}: POST answers disagree on openedAt: ${[...openedAts].join(', ')}`);
    const should = expected.accounts.get(ids.of(label));
    if (should?.status !== 'valid' && posts.some((p) => p.body.status === 'valid'))
      out.push(`${label}: a POST answered valid, but its customer has no customer.created at all`);
    if (should?.status !== 'rejected' && posts.some((p) => p.body.status === 'rejected'))
      out.push(`${label}: a POST answered rejected, but its customer was not sealed`);
  }

  for (const label of accountLabels) {
    const id = ids.of(label);
    const [should, got] = [expected.accounts.get(id), live.accounts.get(id)];
    if (should === undefined) continue; // already reported as a problem of the expectation
    const same =
      got &&
      got.customerId === should.customerId &&
      got.currency === should.currency &&
      got.status === should.status &&
      got.openedAt === should.openedAt &&
      got.validatedAt === should.validatedAt &&
      got.rejectedAt === should.rejectedAt;
    if (!same) out.push(`${label}: expected ${show(should, ids)}, database has ${show(got, ids)}`);
  }

  const customers = [...new Set([...plan.openings.map((o) => o.customer), ...plan.creations.map((c) => c.customer)])].sort();
  for (const customer of customers) {
    const times = plan.creations.filter((c) => c.customer === customer && c.fact === 'created').map((c) => Date.parse(createdAt(record, c.offsetMs)));
    const should = times.length ? new Date(Math.min(...times)).toISOString() : undefined;
    const got = live.knownCustomers.get(ids.of(customer));
    if (got !== should) out.push(`${customer}: known_customer.created_at expected ${should ?? 'absent'}, got ${got ?? 'absent'}`);
  }

  const missingFromInbox = plan.creations.filter((c) => !live.inbox.has(ids.of(c.event))).map((c) => c.event);
  if (missingFromInbox.length) out.push(`inbox lacks ${missingFromInbox.join(', ')}`);
  for (const dead of live.deadLetters) out.push(`dead-lettered: ${dead}`);

  for (const label of accountLabels) {
    const id = ids.of(label);
    const should = expected.accounts.get(id);
    const events = (type: string) => live.accountEvents.filter((e) => e.subject === `${type}.${id}`);
    const opened = events('account.opened');
    if (opened.length !== 1 || opened[0].id !== eventIds.accountOpened(id))
      out.push(`${label}: ${opened.length} account.opened on ACCOUNTS (expected 1 with the derived id)`);
    // Exactly one account.validated or account.rejected per resolved account, with its derived id.
    for (const [type, status, derived] of [
      ['account.validated', 'valid', eventIds.accountValidated(id)],
      ['account.rejected', 'rejected', eventIds.accountRejected(id)],
    ] as const) {
      const outcome = events(type);
      const wanted = should?.status === status ? 1 : 0;
      if (outcome.length !== wanted) out.push(`${label}: ${outcome.length} ${type} on ACCOUNTS, expected ${wanted}`);
      else if (wanted === 1 && (outcome[0].id !== derived || outcome[0].customerId !== should?.customerId)) {
        out.push(`${label}: ${type} carries id ${outcome[0].id} for ${ids.label(outcome[0].customerId ?? '?')}`);
      }
    }
  }
  return out;
}
