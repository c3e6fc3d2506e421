import { eventIds } from '@calm/contracts';
import { queryDatabase } from './test-database';
import { waitFor } from './wait';

export interface ConvergenceProbe {
  /** GET /accounts/{id} on any live instance: status code and body. */
  getAccount: (accountId: string) => Promise<{ status: number; body: any }>;
  /** Every message on ACCOUNTS under account.validated.> (subject and CloudEvent). */
  validatedEvents: () => Promise<{ subject: string; data: { id: string } }[]>;
  /** The account service's database: its outbox tells when the system is quiet. */
  databaseUrl: string;
}

export interface ConvergenceReport {
  accounts: number;
  /** Acknowledged (2xx) minus found (GET answers 200): computed, and 0 or expectConverged throws. */
  lost: number;
  valid: number;
  /** Copies of account.validated on the stream for these accounts, counted once the system was quiet. */
  validatedEvents: number;
  /** Copies beyond the first (a republish after a crash outlived the short duplicate window): at-least-once, same id. */
  redundantCopies: number;
}

/**
 * The end state every fault test demands: each acknowledged account exists (lost =
 * acknowledged minus found, must be 0), is valid, and has exactly one account.validated
 * event id, the derived one, on the ACCOUNTS stream. Fault tests run their streams with
 * a short duplicate_window (TestSystem.start's `duplicateWindowMs`), so JetStream does
 * not hide a republished copy: copies are counted once the system is quiet (no
 * unpublished outbox row left, so no copy is still on its way), and every copy must carry
 * the derived id. Exactly one event id, never "one copy because the broker dropped the rest".
 */
export async function expectConverged(acknowledged: Map<string, string>, probe: ConvergenceProbe, timeoutMs = 90_000): Promise<ConvergenceReport> {
  const ids = [...acknowledged.keys()];
  let notValid: string[] = ids;
  const missing = new Set<string>();
  await waitFor(
    `${ids.length} acknowledged accounts to exist and be valid`,
    async () => {
      const next: string[] = [];
      missing.clear();
      for (const id of notValid) {
        const res = await probe.getAccount(id);
        if (res.status === 404) missing.add(id);
        if (res.status !== 200 || res.body.status !== 'valid') next.push(id);
      }
      notValid = next;
      return notValid.length === 0;
    },
    timeoutMs,
    250,
  ).catch(() => undefined);
  const lost = missing.size;
  if (lost > 0) throw new Error(`lost ${lost} of ${ids.length} acknowledged accounts (acknowledged, then 404): ${[...missing].slice(0, 5).join(', ')}`);
  if (notValid.length)
    throw new Error(`${notValid.length} of ${ids.length} acknowledged accounts not valid after ${timeoutMs} ms: ${notValid.slice(0, 5).join(', ')}`);

  await waitFor(
    'the outbox to publish everything (quiet)',
    async () => (await queryDatabase(probe.databaseUrl, 'SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1')).length === 0,
    timeoutMs,
    200,
  );
  const wanted = new Set(ids);
  const copies = new Map<string, number>();
  const events = await probe.validatedEvents();
  for (const e of events) {
    const accountId = e.subject.split('.').pop()!;
    if (e.data.id !== eventIds.accountValidated(accountId)) throw new Error(`account.validated for ${accountId} has id ${e.data.id}, not the derived one`);
    if (wanted.has(accountId)) copies.set(accountId, (copies.get(accountId) ?? 0) + 1);
  }
  const without = ids.filter((id) => !copies.has(id));
  if (without.length) throw new Error(`${without.length} valid accounts have no account.validated on the stream: ${without.slice(0, 5).join(', ')}`);
  const validatedEvents = [...copies.values()].reduce((a, b) => a + b, 0);
  return { accounts: ids.length, lost, valid: ids.length, validatedEvents, redundantCopies: validatedEvents - ids.length };
}

/** The figures every fault test prints on its line. */
export const describeConvergence = (r: ConvergenceReport): string =>
  `lost ${r.lost}; account.validated: ${r.accounts} ids, ${r.validatedEvents} copies (${r.redundantCopies} redundant, same id)`;

/** The JetStream duplicate window of fault tests' private streams: shorter than any restart, so a republish is kept. */
export const FAULT_DUPLICATE_WINDOW_MS = 250;
