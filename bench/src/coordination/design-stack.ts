import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ServiceProcess as SpawnedProcess } from '@calm/testing';
import type { TestPostgresServer } from '@calm/local-infra';
import { withPg } from '../infra';
import { RssSampler, ServiceProcess, processCpuMs } from '../service-process';
import { startCoordinator } from './coordinator-process';
import { LatencyProxy, startLatencyProxy } from './latency-proxy';
import type { AccountsNats } from './nats-accounts';
import type { Design } from './scenario';

/** What every design runs on: one cluster per service database (so one can be stopped alone) and one broker. */
export interface CoordinationInfra {
  customersCluster: TestPostgresServer;
  accountsCluster: TestPostgresServer;
  nats: AccountsNats;
}

/** One design, running: where the load goes and where its state is checked. */
export interface DesignStack {
  design: Design;
  /** Entry points for the load generator (never behind the injected latency: the client edge is the same for all). */
  urls: { accounts?: string; customers?: string; coordinator?: string };
  customersDbUrl: string;
  accountsDbUrl: string;
  /** CPU ms used so far by each of the design's own processes (services and coordinator; PostgreSQL and NATS are shared and not counted). */
  cpuMsByProcess(): Record<string, number>;
  /** Sets the round-trip time every cross-service connection of this design crosses. */
  setLatency(rttMs: number): void;
  stop(): Promise<void>;
}

const dbUrl = (name: string, proxy: LatencyProxy): string => `postgres://postgres@127.0.0.1:${proxy.port}/${name}`;

/**
 * Starts one design: both product services (from dist/) on fresh databases, plus, for
 * sync and twopc, the onboarding coordinator (a NestJS service on the same platform).
 * Under every design both services run, so their relays publish the same events and the
 * account service consumes the same customer.created stream; each service alone writes
 * its database. Every database round trip, every broker message and every call from the
 * coordinator to a service crosses a latency proxy (no delay until setLatency), so the
 * figures with and without latency come from the same processes.
 */
export async function startDesign(
  design: Design,
  infra: CoordinationInfra,
  opts: { logDir: string; rss: RssSampler; cpuProfDir?: string },
): Promise<DesignStack> {
  const tag = `${design}_${randomBytes(3).toString('hex')}`;
  const names = { customers: `calm_coord_customers_${tag}`, accounts: `calm_coord_accounts_${tag}`, log: `calm_coord_log_${tag}` };
  const proxies: LatencyProxy[] = [];
  const proxy = async (port: number) => proxies[proxies.push(await startLatencyProxy(port)) - 1];
  const [pgA, pgB, natsP] = await Promise.all([proxy(infra.customersCluster.port), proxy(infra.accountsCluster.port), proxy(infra.nats.port)]);
  const natsUrl = infra.nats.urlFor(design).replace(`:${infra.nats.port}`, `:${natsP.port}`);
  // Only twopc's services serve the participant API: elsewhere the product runs as shipped.
  const env = design === 'twopc' ? { TWOPC_PARTICIPANT: 'true' } : undefined;
  const service = (name: 'accounts' | 'customers', url: string) =>
    new ServiceProcess({ name, databaseUrl: url, natsUrl, logFile: join(opts.logDir, `${tag}-${name}.log`), env, cpuProfDir: opts.cpuProfDir }, opts.rss);
  const customers = service('customers', dbUrl(names.customers, pgA));
  const accounts = service('accounts', dbUrl(names.accounts, pgB));
  await Promise.all([customers.start(), accounts.start()]);

  let coordinator: SpawnedProcess | undefined;
  if (design !== 'calm') {
    // The coordinator reaches each service over HTTP through a proxy, so it is as far from them as they are from their databases.
    const [toCustomers, toAccounts] = await Promise.all([proxy(customers.port), proxy(accounts.port)]);
    const env: Record<string, string> = { CUSTOMERS_URL: `http://127.0.0.1:${toCustomers.port}`, ACCOUNTS_URL: `http://127.0.0.1:${toAccounts.port}` };
    if (design === 'twopc') {
      await withPg(infra.accountsCluster.url, (c) => c.query(`CREATE DATABASE "${names.log}"`));
      env.TWOPC_LOG_DATABASE_URL = dbUrl(names.log, pgB);
    }
    coordinator = await startCoordinator(design, env, { logFile: join(opts.logDir, `${tag}-onboarding.log`), cpuProfDir: opts.cpuProfDir });
    opts.rss.watch(coordinator.process.pid!, `${design}-onboarding`);
  }
  const services = [customers, accounts];
  return {
    design,
    urls: coordinator ? { coordinator: coordinator.url } : { accounts: accounts.url, customers: customers.url },
    customersDbUrl: infra.customersCluster.urlFor(names.customers),
    accountsDbUrl: infra.accountsCluster.urlFor(names.accounts),
    cpuMsByProcess: () => ({
      customers: customers.cpuMs(),
      accounts: accounts.cpuMs(),
      ...(coordinator ? { onboarding: processCpuMs(coordinator.process.pid!) } : {}),
    }),
    setLatency: (rttMs) => proxies.forEach((p) => p.setRtt(rttMs)),
    async stop() {
      await coordinator?.terminate();
      await Promise.all(services.map((s) => s.stop()));
      await Promise.all(proxies.map((p) => p.close()));
      for (const [cluster, db] of [
        [infra.customersCluster, names.customers],
        [infra.accountsCluster, names.accounts],
        [infra.accountsCluster, names.log],
      ] as const) {
        await withPg(cluster.url, (c) => c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)).catch(() => undefined);
      }
    },
  };
}
