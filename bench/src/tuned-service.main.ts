import 'reflect-metadata';
import { loadConfig, runMain } from '@calm/platform';
import { startAccountsService } from '../../apps/accounts/src/accounts.app';
import { AccountsTuning } from '../../apps/accounts/src/accounts.module';
import { startCustomersService } from '../../apps/customers/src/customers.app';

/**
 * The service's own main, plus in-process tuning from BENCH_TUNING (JSON), so the bench
 * can measure knobs (pool size, batch sizes) that the contract's configuration does not expose.
 */
runMain('bench-service', async () => {
  const tuning = JSON.parse(process.env.BENCH_TUNING || '{}') as AccountsTuning;
  if (process.env.BENCH_SERVICE === 'customers') return (await startCustomersService(loadConfig('customers'), tuning)).app;
  return (await startAccountsService(loadConfig('accounts'), tuning)).app;
});
