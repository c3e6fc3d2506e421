export * from './dead-letter';
export * from './errors';
export * from './inbox';
export * from './jetstream.server';
export * from './nats-client';
export * from './outbox';
export * from './sql-literal';
export * from './infrastructure.module';
