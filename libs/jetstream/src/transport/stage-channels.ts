import { channel } from 'node:diagnostics_channel';

/**
 * Diagnostics of the consumer's stages (node:diagnostics_channel), for the bench's stage
 * log only (bench/src/tuned-service.main.ts, BENCH_STAGE_LOG): each message as its pull
 * request yields it, and each batch as it is applied. Nothing subscribes in the service,
 * so each point costs one `hasSubscribers` read.
 */
export const messageReceived = channel('calm.jetstream.received');
export const batchApplied = channel('calm.jetstream.batch');
