import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ServiceProcess as SpawnedProcess, TestPostgresServer } from '@calm/testing';
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
  /** CPU ms used so far by the design's own processes (services and coordinator; PostgreSQL and NATS are shared and not counted). */
  cpuMs(): number;
  /** Sets the round-trip time every cross-service connection of this design crosses. */
  setLatency(rttMs: number): void;
  stop(): Promise<void>;
}

const dbUrl = (name: string, proxy: LatencyProxy): string => `postgres://postgres@127.0.0.1:${proxy.port}/${name}`;

/**
 * Starts one design: both product services (from dist/) on fresh databases, plus its
 * coordinator. Under every design both services run, so their relays publish the same
 * events and the account service consumes the same customer.created stream: the designs
 * differ only in who writes what, in which order. Every database round trip, every broker
 * message and every cross-service HTTP call crosses a latency proxy (no delay until
 * setLatency), so the figures with and without latency come from the same processes.
 */
export async function startDesign(design: Design, infra: CoordinationInfra, opts: { logDir: string; rss: RssSampler }): Promise<DesignStack> {
  const tag = `${design}_${randomBytes(3).toString('hex')}`;
  const names = { customers: `calm_coord_customers_${tag}`, accounts: `calm_coord_accounts_${tag}`, log: `calm_coord_log_${tag}` };
  const proxies: LatencyProxy[] = [];
  const proxy = async (port: number) => proxies[proxies.push(await startLatencyProxy(port)) - 1];
  const [pgA, pgB, natsP] = await Promise.all([proxy(infra.customersCluster.port), proxy(infra.accountsCluster.port), proxy(infra.nats.port)]);
  const natsUrl = infra.nats.urlFor(design).replace(`:${infra.nats.port}`, `:${natsP.port}`);
  const service = (name: 'accounts' | 'customers', url: string) =>
    new ServiceProcess({ name, databaseUrl: url, natsUrl, logFile: join(opts.logDir, `${tag}-${name}.log`) }, opts.rss);
  const customers = service('customers', dbUrl(names.customers, pgA));
  const accounts = service('accounts', dbUrl(names.accounts, pgB));
  await Promise.all([customers.start(), accounts.start()]);

  let coordinator: SpawnedProcess | undefined;
  if (design === 'sync') {
    // With the injected latency, the sync coordinator's call to the customer service crosses it too.
    const http = await proxy(customers.port);
    coordinator = await startCoordinator('sync', { CUSTOMERS_URL: `http://127.0.0.1:${http.port}`, ACCOUNTS_DATABASE_URL: dbUrl(names.accounts, pgB) });
  } else if (design === 'twopc') {
    await withPg(infra.accountsCluster.url, (c) => c.query(`CREATE DATABASE "${names.log}"`));
    coordinator = await startCoordinator('twopc', {
      CUSTOMERS_DATABASE_URL: dbUrl(names.customers, pgA),
      ACCOUNTS_DATABASE_URL: dbUrl(names.accounts, pgB),
      TWOPC_LOG_DATABASE_URL: dbUrl(names.log, pgB),
    });
  }
  const services = [customers, accounts];
  return {
    design,
    urls: coordinator ? { coordinator: coordinator.url, accounts: accounts.url } : { accounts: accounts.url, customers: customers.url },
    customersDbUrl: infra.customersCluster.urlFor(names.customers),
    accountsDbUrl: infra.accountsCluster.urlFor(names.accounts),
    cpuMs: () => services.reduce((sum, s) => sum + s.cpuMs(), coordinator ? processCpuMs(coordinator.process.pid!) : 0),
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
