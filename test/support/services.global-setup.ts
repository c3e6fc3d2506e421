import { resolveTestServices } from './services';

/**
 * Jest globalSetup: finds or starts PostgreSQL and NATS once per run and exports their
 * URLs to the test workers (they inherit this process's environment).
 */
export default async function globalSetup(): Promise<void> {
  const services = await resolveTestServices();
  process.env.TEST_DATABASE_URL = services.databaseUrl;
  process.env.TEST_NATS_URL = services.natsUrl;
  (globalThis as { __calmServices?: typeof services }).__calmServices = services;
  if (services.sources.database !== 'local' || services.sources.nats !== 'local') {
    process.stderr.write(`test services: database ${services.sources.database}, NATS ${services.sources.nats}\n`);
  }
}
