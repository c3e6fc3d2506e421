// What other apps (the replay, the demo, the launcher) and the bench may use of the
// account service. The replay changes account state only through what is exported here
// (the shell sweep, which applies the owner's decisions with the service's own join);
// anything not listed is internal to the service and may change without notice.
export type { RunningService } from './accounts.app';

type StartAccountsService = typeof import('./accounts.app').startAccountsService;

/**
 * Builds and starts the account service (accounts.app.ts). Its module is required on
 * call, not with this face: the replay CLI imports this face and has no use for NestJS
 * core and Fastify, a second of its start-up.
 */
export const startAccountsService: StartAccountsService = (...args) =>
  (require('./accounts.app') as typeof import('./accounts.app')).startAccountsService(...args);
export type { AccountsTuning } from './accounts.module';
export { readAccount } from './persistence/account.mapper';
export { AccountStore } from './persistence/account.store';
export { openMember, runOpenAccounts } from './persistence/open-accounts-batch.sql';
export { standaloneShellSweep } from './resolve-shells/standalone-sweep';
export type { ShellSweepOptions, SweepReport } from './resolve-shells/shell-sweep';
