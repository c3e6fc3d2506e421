import { flushTraces } from './tracing';
import 'reflect-metadata';
import { loadConfig } from '@calm/config';
import { runMain } from '@calm/nest-platform';
import { startCustomersService } from './customers.app';

runMain(
  'customers',
  async () => {
    const config = loadConfig('customers');
    const { app } = await startCustomersService(config);
    return app;
  },
  flushTraces,
);
