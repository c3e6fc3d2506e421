import 'reflect-metadata';
import { ServiceConfig, readLimits } from '@calm/config';
import { createHttpApp, runMain } from '@calm/nest-platform';
import { coordinatorPool, required } from '../coordinator-env';
import { JsonHttpClient } from '../../http-client';
import { DecisionLog } from '../twopc/decision-log';
import { Participant } from '../twopc/participant';
import { CrashPoint, TwoPhaseCommit } from '../twopc/two-phase-commit';
import { OnboardingModule } from './onboarding.module';
import type { OnboardingDesign } from './onboarding-design';
import { SyncOnboarding } from './sync.onboarding';

/** Connections per service, as many as a service's database pool (libs/nest-platform database.ts): neither side queues more than the other. */
const SOCKETS = 64;

/**
 * The onboarding coordinator (bench only). Env: ONBOARDING_HTTP_PORT, ONBOARDING_DESIGN
 * (sync | twopc), CUSTOMERS_URL and ACCOUNTS_URL (the services); twopc also
 * TWOPC_LOG_DATABASE_URL (its own decision log), TWOPC_RECOVERY_MS (default 500),
 * TWOPC_CRASH_AT (tests only: after-prepare | after-decision).
 */
async function design(kind: string): Promise<OnboardingDesign> {
  const customers = new JsonHttpClient(required('CUSTOMERS_URL'), SOCKETS, 15_000);
  const accounts = new JsonHttpClient(required('ACCOUNTS_URL'), SOCKETS, 15_000);
  if (kind === 'sync') return new SyncOnboarding(customers, accounts);
  if (kind !== 'twopc') throw new Error(`ONBOARDING_DESIGN must be sync or twopc, not ${JSON.stringify(kind)}`);
  const log = new DecisionLog(coordinatorPool(required('TWOPC_LOG_DATABASE_URL')));
  await log.init();
  const tpc = new TwoPhaseCommit(
    new Participant('customers', customers),
    new Participant('accounts', accounts),
    log,
    (process.env.TWOPC_CRASH_AT as CrashPoint | undefined) || undefined,
  );
  // In-doubt branches of a crashed predecessor are finished before this one serves, then every TWOPC_RECOVERY_MS.
  await tpc.recover();
  tpc.recoverEvery(Number(process.env.TWOPC_RECOVERY_MS ?? 500));
  return tpc;
}

runMain('onboarding', async () => {
  const d = await design(required('ONBOARDING_DESIGN'));
  const config: ServiceConfig = {
    service: 'onboarding',
    natsServers: [],
    databaseUrl: process.env.TWOPC_LOG_DATABASE_URL ?? '',
    httpPort: Number(required('ONBOARDING_HTTP_PORT')),
    apiTokens: null,
    limits: readLimits(process.env).limits,
  };
  const app = await createHttpApp(OnboardingModule.forRoot(config, d), config.limits!.http);
  await app.listen({ port: config.httpPort, host: '127.0.0.1' });
  return app;
});
