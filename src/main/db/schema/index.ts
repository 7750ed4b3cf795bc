export * from './auth';
export * from './audit';
export * from './clinic';
export * from './patients';
export * from './settings';
export * from './sync';
