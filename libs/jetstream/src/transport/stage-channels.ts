import { channel } from 'node:diagnostics_channel';

/**
 * Diagnostics of the consumer's stages (node:diagnostics_channel), for the bench's stage
 * log only (bench/src/tuned-service.main.ts, BENCH_STAGE_LOG): each message as its pull
 * request yields it, each pull request as it ends, and each batch as it is applied. Nothing subscribes in the service,
 * so each point costs one `hasSubscribers` read.
 */
export const messageReceived = channel('calm.jetstream.received');
export const batchApplied = channel('calm.jetstream.batch');
/** Each pull request: when it was made and ended, how many messages it brought, and how it ended. */
export const pullEnded = channel('calm.jetstream.pull');
