import { eventIds } from '@calm/contracts';
import { waitFor } from './wait';

export interface ConvergenceProbe {
  /** GET /accounts/{id} on any live instance: status code and body. */
  getAccount: (accountId: string) => Promise<{ status: number; body: any }>;
  /** Every message on ACCOUNTS under account.validated.> (subject and CloudEvent). */
  validatedEvents: () => Promise<{ subject: string; data: { id: string } }[]>;
}

export interface ConvergenceReport {
  accounts: number;
  valid: number;
  validatedEvents: number;
}

/**
 * The end state every fault test demands: each acknowledged account exists, is valid
 * (its customer.created was published), and has exactly one account.validated event,
 * with the derived id, on the ACCOUNTS stream.
 */
export async function expectConverged(acknowledged: Map<string, string>, probe: ConvergenceProbe, timeoutMs = 90_000): Promise<ConvergenceReport> {
  const ids = [...acknowledged.keys()];
  let notValid: string[] = ids;
  await waitFor(
    `${ids.length} acknowledged accounts to exist and be valid`,
    async () => {
      const next: string[] = [];
      for (const id of notValid) {
        const res = await probe.getAccount(id);
        if (res.status !== 200 || res.body.status !== 'valid') next.push(id);
      }
      notValid = next;
      return notValid.length === 0;
    },
    timeoutMs,
    250,
  ).catch((err) => {
    throw new Error(`${(err as Error).message}; still not valid: ${notValid.slice(0, 5).join(', ')} (${notValid.length} of ${ids.length})`);
  });
  const counts = new Map<string, number>();
  const validated = await waitFor(
    'one account.validated per acknowledged account on the stream',
    async () => {
      const events = await probe.validatedEvents();
      counts.clear();
      for (const e of events) counts.set(e.subject.split('.').pop()!, (counts.get(e.subject.split('.').pop()!) ?? 0) + 1);
      return ids.every((id) => counts.has(id)) ? events : null;
    },
    timeoutMs,
    500,
  );
  const wrong = ids.filter((id) => counts.get(id) !== 1);
  if (wrong.length) throw new Error(`accounts without exactly one account.validated: ${wrong.slice(0, 5).map((id) => `${id}=${counts.get(id)}`).join(', ')}`);
  for (const e of validated) {
    const accountId = e.subject.split('.').pop()!;
    if (e.data.id !== eventIds.accountValidated(accountId)) throw new Error(`account.validated for ${accountId} has id ${e.data.id}, not the derived one`);
  }
  return { accounts: ids.length, valid: ids.length, validatedEvents: validated.length };
}
