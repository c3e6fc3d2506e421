import { coordinatorPool, onShutdown, required } from './coordinator-env';
import { serveJson } from './http-json';
import { parseScenario } from './scenario';
import { DecisionLog } from './twopc/decision-log';
import { recoverInDoubt } from './twopc/in-doubt-recovery';
import { Participant } from './twopc/participant';
import { CrashPoint, InDoubtError, TwoPhaseCommit } from './twopc/two-phase-commit';

/**
 * Design "twopc": a coordinator that creates customer and account atomically across both
 * service databases (two-phase commit). It finishes in-doubt transactions left by a
 * crashed predecessor before it serves, then every TWOPC_RECOVERY_MS.
 *
 * Env: TWOPC_HTTP_PORT, CUSTOMERS_DATABASE_URL, ACCOUNTS_DATABASE_URL,
 * TWOPC_LOG_DATABASE_URL (the decision log's database), TWOPC_RECOVERY_MS (default 500),
 * TWOPC_CRASH_AT (tests only: after-prepare | after-decision).
 */
async function main(): Promise<void> {
  const customers: Participant = { name: 'customers', pool: coordinatorPool(required('CUSTOMERS_DATABASE_URL')) };
  const accounts: Participant = { name: 'accounts', pool: coordinatorPool(required('ACCOUNTS_DATABASE_URL')) };
  const logPool = coordinatorPool(required('TWOPC_LOG_DATABASE_URL'));
  const log = new DecisionLog(logPool);
  await log.init();
  const crashAt = process.env.TWOPC_CRASH_AT as CrashPoint | undefined;
  const tpc = new TwoPhaseCommit(customers, accounts, log, crashAt || undefined);

  const recover = async () => {
    const r = await recoverInDoubt([customers, accounts], log, tpc.inFlight);
    if (r.committed || r.rolledBack) process.stdout.write(`recovery: committed ${r.committed}, rolled back ${r.rolledBack}\n`);
  };
  await recover();
  let recovering = false;
  const timer = setInterval(
    () => {
      if (recovering) return;
      recovering = true;
      recover()
        .catch((err: Error) => process.stderr.write(`recovery: ${err.message}\n`))
        .finally(() => (recovering = false));
    },
    Number(process.env.TWOPC_RECOVERY_MS ?? 500),
  );

  const close = await serveJson(Number(required('TWOPC_HTTP_PORT')), '/scenarios', async (body) => {
    const s = parseScenario(body);
    if (typeof s === 'string') return { status: 400, body: { message: s } };
    try {
      const outcome = await tpc.open(s);
      return { status: outcome === 'committed' ? 201 : 202, body: { accountId: s.accountId, customerId: s.customerId, outcome } };
    } catch (err) {
      return { status: 503, body: { message: (err as Error).message, inDoubt: err instanceof InDoubtError } };
    }
  });
  process.stdout.write('twopc coordinator ready\n');
  onShutdown(async () => {
    clearInterval(timer);
    await close();
    await Promise.all([customers.pool.end(), accounts.pool.end(), logPool.end()]);
  });
}

main().catch((err: Error) => {
  process.stderr.write(`twopc coordinator: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
