// Worker threads start plain JavaScript; this one loads the TypeScript replica through tsx, as bin/interplay does.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.script);
