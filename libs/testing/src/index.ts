export * from './nats-cluster';
export * from './nats-server';
export * from './postgres-server';
export * from './service-process';
export * from './test-database';
export * from './wait';
export * from './hostile.arbitraries';
