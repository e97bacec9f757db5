/**
 * The part of newman 6's library API that src/docs/postman.ts uses. newman ships no types and
 * @types/newman lags behind it; this covers only what we read.
 */
declare module 'newman' {
  import type { EventEmitter } from 'node:events';

  export interface NewmanVariable {
    readonly key: string;
    readonly value: string;
  }

  export interface NewmanRunOptions {
    /** a path or URL, or the parsed collection */
    readonly collection: string | object;
    /** environment variables: they win over the collection's own variables */
    readonly envVar?: readonly NewmanVariable[];
    /** global variables: the collection's own variables win over these */
    readonly globalVar?: readonly NewmanVariable[];
    readonly reporters?: string | readonly string[];
    readonly reporter?: Record<string, unknown>;
    /** ms for the whole run; default no limit */
    readonly timeout?: number;
    /** ms for one request; default no limit */
    readonly timeoutRequest?: number;
    /** ms for one script; default no limit */
    readonly timeoutScript?: number;
    readonly bail?: boolean;
  }

  export interface NewmanStat {
    readonly total: number;
    readonly pending: number;
    readonly failed: number;
  }

  export interface NewmanFailure {
    readonly error: { readonly name: string; readonly message: string; readonly test?: string };
    readonly at?: string;
    readonly source?: { readonly name?: string };
  }

  export interface NewmanExecution {
    readonly item: { readonly name: string };
    readonly response?: { readonly code: number };
    readonly requestError?: Error;
    readonly assertions?: readonly { readonly assertion: string; readonly skipped?: boolean; readonly error?: Error }[];
  }

  export interface NewmanRunSummary {
    readonly error?: Error;
    readonly run: {
      readonly stats: {
        readonly requests: NewmanStat;
        readonly assertions: NewmanStat;
        readonly testScripts: NewmanStat;
        readonly prerequestScripts: NewmanStat;
      };
      readonly timings: { readonly started: number; readonly completed: number; readonly responseAverage: number };
      readonly executions: readonly NewmanExecution[];
      readonly failures: readonly NewmanFailure[];
      readonly error: Error | null;
    };
  }

  export function run(options: NewmanRunOptions, callback: (error: Error | null, summary: NewmanRunSummary) => void): EventEmitter;

  const newman: { readonly run: typeof run };
  export default newman;
}
