import { flushTraces } from './tracing';
import 'reflect-metadata';
import { loadConfig } from '@calm/config';
import { runMain } from '@calm/nest-platform';
import { startAccountsService } from './accounts.app';

runMain(
  'accounts',
  async () => {
    const config = loadConfig('accounts');
    const { app } = await startAccountsService(config);
    return app;
  },
  flushTraces,
);
