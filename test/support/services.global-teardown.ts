import type { TestServices } from './services';

/** Jest globalTeardown: stops the servers or containers globalSetup started, if any. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __calmServices?: TestServices }).__calmServices?.stop();
}
