import { v7 } from 'uuid';
import type { Clock, Ids } from './ports.ts';

export const systemClock: Clock = { now: () => Date.now() };
export const uuidV7: Ids = { next: () => v7() };
