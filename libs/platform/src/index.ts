export * from './backoff';
export * from './config';
export * from './database';
export * from './http-app';
export * from './http-errors.filter';
export * from './validation';
export * from './clock';
