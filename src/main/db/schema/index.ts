export * from './auth';
export * from './audit';
export * from './patients';
export * from './settings';
export * from './sync';
