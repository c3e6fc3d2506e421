import { channel } from 'node:diagnostics_channel';

/**
 * Diagnostics of the join's write paths (node:diagnostics_channel), for the bench's stage
 * log only (bench/src/tuned-service.main.ts, BENCH_STAGE_LOG): each customer-facts
 * transaction's round trips, and each group commit of POST /accounts with its members'
 * waits. Nothing subscribes in the service, so each point costs one `hasSubscribers` read.
 */
export const customerFactsTxn = channel('calm.accounts.customer-facts');
export const openGroupCommitted = channel('calm.accounts.group-commit');
