export * from './contract';
export * from './define';
export * from './errors';
export * from './auth';
export * from './system';
export * from './patients';
export * from './clinic';
