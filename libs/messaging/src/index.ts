export * from './inbox';
export * from './outbox';
export * from './outbox-requeue';
export * from './infrastructure.module';
export * from './retention';
export * from './duplicate-ack';
export * from './outbox-audit';
export * from './pub-ack-collector';
