/**
 * One schema per kind of process, built from the shared groups of variables.ts. The key
 * order is the order problems are reported in.
 */
import { z } from 'zod';
import { ConfigError } from './config-error';
import { benchFields } from './bench.variables';
import * as v from './variables';

type Nats = z.output<z.ZodObject<typeof v.natsFields>>;

/** Checks that span NATS variables: a client certificate with its key; one way of carrying credentials. */
function natsChecks(env: Nats, ctx: z.RefinementCtx): void {
  if (!!env.NATS_TLS_CERT_FILE !== !!env.NATS_TLS_KEY_FILE) {
    const missing = env.NATS_TLS_CERT_FILE ? 'NATS_TLS_KEY_FILE' : 'NATS_TLS_CERT_FILE';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'a client certificate needs both NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE' });
  }
  if (env.NATS_CREDS_FILE && Object.keys(env.NATS_URL.auth).length) {
    ctx.addIssue({ code: 'custom', path: ['NATS_CREDS_FILE'], message: 'use either a creds file or credentials in NATS_URL, not both' });
  }
}

export const accountsEnv = z
  .object({ ...v.natsFields, ACCOUNTS_DATABASE_URL: v.ACCOUNTS_DATABASE_URL, ACCOUNTS_HTTP_PORT: v.ACCOUNTS_HTTP_PORT, ...v.serviceFields, ...v.shellFields })
  .superRefine(natsChecks);

export const customersEnv = z
  .object({ ...v.natsFields, CUSTOMERS_DATABASE_URL: v.CUSTOMERS_DATABASE_URL, CUSTOMERS_HTTP_PORT: v.CUSTOMERS_HTTP_PORT, ...v.serviceFields })
  .superRefine(natsChecks);

export const replayEnv = z
  .object({
    ...v.natsFields,
    ACCOUNTS_DATABASE_URL: v.ACCOUNTS_DATABASE_URL,
    CUSTOMERS_DATABASE_URL: v.CUSTOMERS_DATABASE_URL,
    SHELL_GRACE_SECONDS: v.SHELL_GRACE_SECONDS,
  })
  .superRefine(natsChecks);

export const migrateEnv = z.object({ ACCOUNTS_DATABASE_URL: v.ACCOUNTS_DATABASE_URL, CUSTOMERS_DATABASE_URL: v.CUSTOMERS_DATABASE_URL });

export const launcherEnv = z.object({
  NATS_URL: v.natsFields.NATS_URL,
  ACCOUNTS_DATABASE_URL: v.ACCOUNTS_DATABASE_URL,
  CUSTOMERS_DATABASE_URL: v.CUSTOMERS_DATABASE_URL,
  ...v.launcherFields,
});

export const demoEnv = z.object({
  ...v.demoFields,
  ACCOUNTS_HTTP_PORT: v.ACCOUNTS_HTTP_PORT,
  CUSTOMERS_HTTP_PORT: v.CUSTOMERS_HTTP_PORT,
  NATS_URL: v.natsFields.NATS_URL,
  API_TOKENS: v.API_TOKENS,
});

export const benchEnv = z.object({
  ...benchFields,
  ACCOUNTS_DATABASE_URL: v.ACCOUNTS_DATABASE_URL,
  CUSTOMERS_DATABASE_URL: v.CUSTOMERS_DATABASE_URL,
  CUSTOMERS_URL: v.demoFields.CUSTOMERS_URL,
  ACCOUNTS_URL: v.demoFields.ACCOUNTS_URL,
});

/** Every kind of process, as the reference names them (its "read by" column). */
export const processKinds = {
  accounts: accountsEnv,
  customers: customersEnv,
  replay: replayEnv,
  migrate: migrateEnv,
  'npm start': launcherEnv,
  demo: demoEnv,
  bench: benchEnv,
} as const;

export { ConfigError };
