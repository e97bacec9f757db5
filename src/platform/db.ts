/** Kept for imports from before the store module (platform/store/); new code imports that. */
export { migrate, openSqlite } from './store/index.ts';
