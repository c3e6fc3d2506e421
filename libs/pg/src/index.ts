export * from './database';
export * from './migration-lock';
export * from './sql';
export * from './sql-literal';
