import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { ConvergenceResult, convergence } from './convergence.bench';
import { activityBetween, databaseActivity } from './events.bench';
import { pgServerUrl } from './infra';
import { rawConvergenceMs } from './raw-convergence.bench';
import { percentile } from './report';
import { ServiceProcess, backendCpuMs, backendCpuSpentMs } from './service-process';

export interface ConvergencePhase extends ConvergenceResult {
  /** CPU per measured account (both paths) of the service and of its PostgreSQL backends, ms. */
  cpuMsPerAccount: { service: number; postgres: number } | null;
  /** The raw floor of the customer second (raw-convergence.bench.ts), every sample in ms. */
  floorMs: number[];
}

export const noConvergence: ConvergencePhase = {
  samples: [],
  accountSecondMs: [],
  customerSecondMs: [],
  traces: { account: [], customer: [] },
  cpuMsPerAccount: null,
  floorMs: [],
};

/** The convergence phase: both paths through the service (its CPU measured), then the raw floor of the customer second on the raw database. */
export async function convergencePhase(
  ctx: { accounts: ServiceProcess; js: JetStreamClient; jsm: JetStreamManager; accountsDb: { url: string; name: string }; rawDbUrl: string },
  perPath: number,
  log: (msg: string) => void,
): Promise<ConvergencePhase> {
  const before = await databaseActivity(ctx.accountsDb.url);
  let cpu0 = { service: 0, postgres: new Map<number, number>() };
  let cpu = { service: 0, postgres: 0 };
  const conv = await convergence(ctx.accounts.url, ctx.js, ctx.accountsDb.url, perPath, 4, async (at) => {
    const [service, postgres] = [ctx.accounts.cpuMs(), await backendCpuMs(pgServerUrl(), ctx.accountsDb.name)];
    if (at === 'start') cpu0 = { service, postgres };
    else cpu = { service: service - cpu0.service, postgres: backendCpuSpentMs(cpu0.postgres, postgres) };
  });
  const n = conv.samples.length;
  const during = activityBetween(before, await databaseActivity(ctx.accountsDb.url));
  const floorMs = await rawConvergenceMs(ctx.js, ctx.jsm, ctx.rawDbUrl, perPath);
  log(
    `convergence p99 ${percentile(conv.samples, 99).toFixed(1)} ms over ${n} accounts (CPU per account: service ${(cpu.service / n).toFixed(3)} ms, ` +
      `its PostgreSQL backends ${(cpu.postgres / n).toFixed(3)} ms); raw floor of the customer second p50 ${percentile(floorMs, 50).toFixed(1)} / p99 ${percentile(floorMs, 99).toFixed(1)} ms; during it ${JSON.stringify(during)}`,
  );
  return { ...conv, cpuMsPerAccount: { service: cpu.service / n, postgres: cpu.postgres / n }, floorMs };
}
