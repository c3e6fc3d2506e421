export * from './dead-letter';
export * from './jetstream-errors';
export * from './transport/jetstream.server';
export * from './transport/jetstream-server.options';
export * from './nats-client';
export * from './transport/pull-requests';
export * from './stream-reader';
export * from './transport/pass-through-rpc.filter';
