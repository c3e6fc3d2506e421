import { Command } from 'commander';
import { ConfigError, defaults, demoEnv, parseEnv, versionLine } from '@calm/config';
import { DemoClient } from './demo-client';
import { percentile, planCases, seededRandom } from './demo-plan';
import { CaseState, DemoView } from './demo-view';
import { shellDemo, shellGauges } from './shell-demo';

/**
 * `npm run demo`: the scenario the design comes from. New customers open accounts
 * while their customer records are still on the way (or already there): account and
 * customer arrive in a random order with random delays, and the table shows each
 * account moving from pending to valid as the events land. Then two shells whose
 * customer is late or never comes, resolved by the owner (shell-demo.ts).
 */
function demoEnvironment() {
  try {
    return parseEnv(demoEnv, process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(err.lines.map((l) => `demo: configuration error: ${l}\n`).join(''));
    process.exit(2);
  }
}

const env = demoEnvironment();
const program = new Command()
  .name('demo')
  .version(versionLine('demo'), '-V, --version', 'print the version and exit')
  .description('Opens accounts for new customers, account and customer in random order, and watches them converge')
  .option('-n, --customers <n>', 'how many new customers', (v) => Number(v), 10)
  .option('--max-delay <ms>', 'largest random delay before each fact', (v) => Number(v), 1500)
  .option('--seed <n>', 'seed of the random order and delays', (v) => Number(v), Date.now() % 1_000_000)
  .option('--timeout <ms>', 'give up when not all valid after this long', (v) => Number(v), 30_000)
  .option('--accounts-url <url>', 'account service', env.ACCOUNTS_URL ?? `http://localhost:${env.ACCOUNTS_HTTP_PORT}`)
  .option('--customers-url <url>', 'customer service', env.CUSTOMERS_URL ?? `http://localhost:${env.CUSTOMERS_HTTP_PORT}`)
  .option('--nats-url <url>', 'NATS, to ask the customer service about a stale shell (customers.resolve)', process.env.NATS_URL?.trim() || defaults.NATS_URL)
  .option('--no-shells', 'skip the stale-shell part');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const opts = program.parse().opts<{
    customers: number;
    maxDelay: number;
    seed: number;
    timeout: number;
    accountsUrl: string;
    customersUrl: string;
    natsUrl: string;
    shells: boolean;
  }>();
  const token = env.API_TOKENS?.[0];
  const accounts = new DemoClient(opts.accountsUrl, token);
  const customers = new DemoClient(opts.customersUrl, token);
  const hint = 'start both services first (`npm start` in another terminal) or set ACCOUNTS_URL / CUSTOMERS_URL';
  await accounts.expectReady('account', hint);
  await customers.expectReady('customer', hint);

  const plan = planCases(opts.customers, opts.maxDelay, seededRandom(opts.seed));
  process.stdout.write(`${plan.length} new customers, account and customer in random order (seed ${opts.seed})\n\n`);
  const cases: CaseState[] = plan.map((p) => ({ plan: p, status: 'waiting', customerSent: false }));
  const view = new DemoView(process.stdout, { colors: !env.NO_COLOR });
  const start = Date.now();
  const opened = new Map<string, number>();

  const secondFact = (c: CaseState) => {
    if (c.status !== 'waiting' && c.customerSent) c.secondFactAt ??= Date.now();
  };
  const sendFacts = plan.map(async (p, i) => {
    const c = cases[i];
    const openAccount = async () => {
      await sleep(p.accountAtMs);
      const res = await accounts.request<{ status: 'pending' | 'valid'; openedAt: string }>('POST', '/accounts', {
        accountId: p.accountId,
        customerId: p.customerId,
      });
      if (res.status !== 201) throw new Error(`POST /accounts answered ${res.status}: ${JSON.stringify(res.body)}`);
      opened.set(p.accountId, Date.parse(res.body.openedAt));
      c.status = res.body.status;
      secondFact(c);
      // Valid in the POST answer: the customer was already known, nothing to wait for.
      if (c.status === 'valid') Object.assign(c, { validSeenAt: c.secondFactAt, openedToValidMs: 0 });
    };
    const createCustomer = async () => {
      await sleep(p.customerAtMs);
      const email = `${p.name.toLowerCase().replace(/\W+/g, '.')}.${p.customerId.slice(0, 6)}@example.com`;
      const res = await customers.request('POST', '/customers', { customerId: p.customerId, name: p.name, email });
      if (res.status !== 201) throw new Error(`POST /customers answered ${res.status}: ${JSON.stringify(res.body)}`);
      c.customerSent = true;
      secondFact(c);
    };
    await Promise.all([openAccount(), createCustomer()]);
  });
  let failure: unknown;
  const sending = Promise.all(sendFacts).catch((err) => (failure = err));

  while (!failure && cases.some((c) => c.status !== 'valid') && Date.now() - start < opts.timeout + 2 * opts.maxDelay) {
    await Promise.all(
      cases
        .filter((c) => c.status === 'pending')
        .map(async (c) => {
          const res = await accounts.request<{ status: string; validatedAt: string | null }>('GET', `/accounts/${c.plan.accountId}`);
          if (res.body?.status !== 'valid') return;
          c.status = 'valid';
          c.validSeenAt = Date.now();
          c.secondFactAt ??= c.validSeenAt;
          c.openedToValidMs = Math.max(0, c.validSeenAt - (opened.get(c.plan.accountId) ?? c.validSeenAt));
        }),
    );
    view.render(cases);
    await sleep(50);
  }
  await sending;
  view.render(cases);
  if (failure) throw failure;

  const stuck = cases.filter((c) => c.status !== 'valid');
  const converged = cases
    .filter((c) => c.validSeenAt !== undefined)
    .map((c) => c.validSeenAt! - c.secondFactAt!)
    .sort((a, b) => a - b);
  process.stdout.write(
    `\nconvergence (second fact answered -> valid seen, polled every 50 ms) over ${converged.length} accounts: ` +
      `min ${converged[0]} ms, median ${percentile(converged, 50)} ms, p99 ${percentile(converged, 99)} ms\n`,
  );
  if (stuck.length) process.stdout.write(`${stuck.length} account(s) still pending after ${opts.timeout} ms\n`);
  if (opts.shells) {
    await shellDemo(accounts, customers, opts.natsUrl, opts.timeout, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`\nshell gauges now (GET /metrics):\n${(await shellGauges(accounts)).map((l) => `  ${l}`).join('\n')}\n`);
  }
  return stuck.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`demo: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
