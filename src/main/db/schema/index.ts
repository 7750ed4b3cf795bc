export * from './auth';
export * from './audit';
export * from './clinic';
export * from './ecg';
export * from './patients';
export * from './settings';
export * from './sync';
export * from './followup';
