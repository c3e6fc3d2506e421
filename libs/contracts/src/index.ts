export * from './cloud-event';
export * from './decode';
export * from './events';
export * from './ids';
export * from './fast-decode';
export * from './resolve';
