import 'reflect-metadata';
import { loadConfig, runMain } from '@calm/platform';
import { startCustomersService } from './customers.app';

runMain('customers', async () => {
  const { app } = await startCustomersService(loadConfig('customers'));
  return app;
});
