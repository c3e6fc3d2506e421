import 'reflect-metadata';
import { loadConfig, runMain } from '@calm/platform';
import { startAccountsService } from './accounts.app';

runMain('accounts', async () => {
  const { app } = await startAccountsService(loadConfig('accounts'));
  return app;
});
