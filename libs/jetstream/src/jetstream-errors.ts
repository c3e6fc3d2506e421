import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/**
 * "Not found" answers of the JetStream API, told apart by their error code (err_code):
 * the description text is for people and may change between server and client versions.
 */
export const isStreamNotFound = (err: unknown): boolean => err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;

export const isConsumerNotFound = (err: unknown): boolean => err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound;
