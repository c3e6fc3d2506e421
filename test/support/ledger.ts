import { eventIds } from '@calm/contracts';
import { waitFor } from '@calm/testing';

/** What a long run accepted and what became of it, each figure computed, none assumed. */
export interface Ledger {
  /** POST /accounts answered 2xx. */
  accepted: number;
  /** Of those, GET answers 200. */
  found: number;
  /** accepted - found. */
  lost: number;
  /** Accounts with more than one account.validated event id (an effect taken twice). */
  duplicatedEffects: number;
  /** Copies of an account.validated id beyond the first (the same effect announced again: harmless). */
  redundantCopies: number;
  /** Found but still pending when the run ended (after the wait given to converge). */
  stuck: number;
}

/**
 * Reads the end state of every accepted account, waiting up to `settleMs` for the pending
 * ones (a loss may be repaired late), then counts: never throws, so a bad run still prints
 * its ledger before the assertions.
 */
export async function readLedger(
  accepted: Map<string, string>,
  probe: {
    getAccount: (id: string) => Promise<{ status: number; body: any }>;
    validatedEvents: () => Promise<{ subject: string; data: { id: string } }[]>;
  },
  settleMs: number,
): Promise<Ledger> {
  const status = new Map<string, string>();
  let open = [...accepted.keys()];
  await waitFor(
    'every accepted account to reach a final status',
    async () => {
      const next: string[] = [];
      for (const id of open) {
        const res = await probe.getAccount(id);
        status.set(id, res.status === 200 ? res.body.status : `http ${res.status}`);
        if (res.status !== 200 || res.body.status === 'pending') next.push(id);
      }
      open = next;
      return open.length === 0;
    },
    settleMs,
    500,
  ).catch(() => undefined);
  const found = [...status.values()].filter((s) => !s.startsWith('http')).length;
  const ids = new Map<string, Set<string>>();
  let copies = 0;
  for (const e of await probe.validatedEvents()) {
    const accountId = e.subject.split('.').pop()!;
    if (!accepted.has(accountId)) continue;
    copies++;
    ids.set(accountId, (ids.get(accountId) ?? new Set()).add(e.data.id));
  }
  const duplicatedEffects = [...ids.entries()].filter(([a, s]) => s.size > 1 || !s.has(eventIds.accountValidated(a))).length;
  return {
    accepted: accepted.size,
    found,
    lost: accepted.size - found,
    duplicatedEffects,
    redundantCopies: copies - ids.size,
    stuck: [...status.values()].filter((s) => s === 'pending').length,
  };
}

export const describeLedger = (l: Ledger): string =>
  `ledger: accepted ${l.accepted}, found ${l.found}, lost ${l.lost}, duplicated effects ${l.duplicatedEffects}, stuck ${l.stuck} (redundant copies of an event id ${l.redundantCopies})`;
