// The pure folds of the system's state from its facts: no framework, driver or broker.
// The services, the replay and the reordering suite all import them from here.
export * from './accounts';
export * from './customers';
export * from './fact-of';
