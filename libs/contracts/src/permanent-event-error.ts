/**
 * An event that can never apply, however often it is retried: dead-letter it at once.
 * Thrown by whoever finds out (a handler, the sql tag refusing a value PostgreSQL cannot
 * store) and read by the transport, so it lives with the events both sides share.
 */
export class PermanentEventError extends Error {}
