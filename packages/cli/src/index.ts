export { main, USAGE } from './main.js';
export * from './transfer.js';
export * from './jsonl.js';
export * from './doctor.js';
export * from './platform.js';
export * from './env-file.js';
export * from './stores.js';
