export * from './start-tracing';
export * from './tracing-wanted';
export * from './tracing-state';
export * from './trace-context';
