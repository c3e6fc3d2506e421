import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { RESOLVE_SUBJECT } from '@calm/contracts';
import { natsConnectOptions, parseNatsUrls, splitNatsCredentials } from '@calm/config';
import { DemoClient } from './demo-client';

type Print = (line: string) => void;
interface AccountBody {
  accountId: string;
  status: string;
  openedAt: string;
  validatedAt: string | null;
  rejectedAt: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(accounts: DemoClient, accountId: string, status: string, timeoutMs: number): Promise<AccountBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await accounts.request<AccountBody>('GET', `/accounts/${accountId}`);
    if (res.body?.status === status) return res.body;
    if (Date.now() > deadline) throw new Error(`account ${accountId} is ${res.body?.status}, not ${status}, after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Where CALM ends, live: two shell accounts, one resolved each way. A shell whose
 * customer is only late becomes valid when the customer arrives (the stream); a shell
 * whose customer never comes is resolved by asking the owner, as the service's sweep
 * does after SHELL_GRACE_SECONDS: the owner seals the id, the account is rejected, and
 * the customer can no longer be created. The demo asks now (customers.resolve over NATS)
 * instead of waiting for the grace, and only about its own customer ids.
 */
export async function shellDemo(accounts: DemoClient, customers: DemoClient, natsUrl: string, timeoutMs: number, print: Print): Promise<void> {
  print('\nWhere CALM ends: two shells (accounts whose customer has not arrived), resolved by the owner');
  const late = randomUUID();
  const never = randomUUID();
  const open = async (customerId: string) => (await accounts.request<AccountBody>('POST', '/accounts', { customerId })).body;
  const [lateShell, lostShell] = [await open(late), await open(never)];
  print(`  shell ${lateShell.accountId.slice(0, 8)} for customer ${late.slice(0, 8)}: ${lateShell.status}`);
  print(`  shell ${lostShell.accountId.slice(0, 8)} for customer ${never.slice(0, 8)}: ${lostShell.status}`);

  await customers.request('POST', '/customers', { customerId: late, name: 'Late Larry', email: `larry.${late.slice(0, 6)}@example.com` });
  const valid = await until(accounts, lateShell.accountId, 'valid', timeoutMs);
  print(`  customer ${late.slice(0, 8)} arrives late, within the grace: shell ${valid.status} at ${valid.validatedAt} (through the stream)`);

  const { servers, auth } = splitNatsCredentials('NATS_URL', parseNatsUrls('NATS_URL', natsUrl));
  const nc = await connect({ ...natsConnectOptions(auth), servers, name: 'calm-demo', timeout: 5000 });
  try {
    const ask = async (customerId: string) =>
      (await nc.request(RESOLVE_SUBJECT, JSON.stringify({ customerId }), { timeout: 10_000 })).json<Record<string, string>>();
    print(`  the sweep would now ask the owner about ${never.slice(0, 8)} (the demo asks at once): ${JSON.stringify(await ask(never))}`);
    const rejected = await until(accounts, lostShell.accountId, 'rejected', timeoutMs);
    print(`  shell ${lostShell.accountId.slice(0, 8)}: ${rejected.status} at ${rejected.rejectedAt} (customer.sealed through the stream)`);
    const tooLate = await customers.request<{ message: string }>('POST', '/customers', {
      customerId: never,
      name: 'Never Nora',
      email: `nora.${never.slice(0, 6)}@example.com`,
    });
    print(`  a late POST /customers for ${never.slice(0, 8)}: ${tooLate.status} ${tooLate.body.message}`);
    print(`  asking about ${late.slice(0, 8)} answers what the owner decided long ago: ${JSON.stringify(await ask(late))}`);
  } finally {
    await nc.close();
  }
}

/** The account service's shell gauges, as /metrics shows them right now. */
export async function shellGauges(accounts: DemoClient): Promise<string[]> {
  const lines = (await accounts.text('/metrics')).split('\n');
  return lines.filter((l) => /^calm_(pending_account_oldest_age_seconds|accounts)\b/.test(l));
}
