export * from './duplicate-ack';
export * from './inbox';
export * from './outbox-audit';
export * from './outbox-requeue';
export * from './outbox';
export * from './outgoing-message';
export * from './pub-ack-collector';
export * from './retention';
