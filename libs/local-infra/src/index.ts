export * from './containers';
export * from './nats-server';
export * from './nats-cluster';
export * from './postgres-server';
