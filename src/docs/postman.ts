/// <reference path="../../postman/newman.d.ts" />
/**
 * Runs the course's Postman collection with newman against a system started here.
 *
 *   npm run test:postman [-- --style rest|notification|collaboration|all] [--nats <url>]
 *
 * Exits 0 only when every style ran every request and every assertion passed; each system is
 * stopped either way. The collection is the one reviewers run against arch.homework, pointed
 * here by overriding its baseUrl (host:port) with an environment variable.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import newman from 'newman';
import type { NewmanRunSummary } from 'newman';
import { silentChannel } from '../runtime/delivery/log.ts';
import { launchSystem, type LaunchedSystem } from '../runtime/launch.ts';
import type { Style } from '../model/style.ts';

export const COLLECTION_PATH = fileURLToPath(new URL('../../postman/course.postman_collection.json', import.meta.url));

/** The parts of a Postman v2.1 collection this script reads. */
export interface CollectionItem {
  readonly name: string;
  readonly item?: readonly CollectionItem[];
  readonly request?: { readonly method: string; readonly url: string | { readonly raw: string } };
  readonly event?: readonly { readonly listen: string; readonly script: { readonly exec: string | readonly string[] } }[];
}

export interface PostmanCollection {
  readonly info: { readonly name: string; readonly schema: string };
  readonly item: readonly CollectionItem[];
  readonly variable?: readonly { readonly key: string; readonly value: string }[];
}

export async function loadCollection(path = COLLECTION_PATH): Promise<PostmanCollection> {
  return JSON.parse(await readFile(path, 'utf8')) as PostmanCollection;
}

/** Every request of the collection, folders flattened, in run order. */
export function requestsOf(collection: PostmanCollection): CollectionItem[] {
  const flatten = (items: readonly CollectionItem[]): CollectionItem[] =>
    items.flatMap((i) => (i.item ? flatten(i.item) : i.request ? [i] : []));
  return flatten(collection.item);
}

/**
 * How many assertions a full run executes: the collection calls each pm.test once per request,
 * on a polled request's last attempt only, so this is the number of pm.test calls written in it.
 */
export function declaredAssertions(collection: PostmanCollection): number {
  const scripts = requestsOf(collection).flatMap((r) => r.event ?? []);
  const source = scripts.map((e) => (typeof e.script.exec === 'string' ? e.script.exec : e.script.exec.join('\n'))).join('\n');
  return source.match(/\bpm\.test\(/g)?.length ?? 0;
}

export interface CollectionRunOptions {
  /** host[:port] of the gateway, as the collection's baseUrl takes it */
  readonly baseUrl: string;
  /** more variables that win over the collection's own (maxPollAttempts, pollDelayMs) */
  readonly variables?: Readonly<Record<string, string>>;
  /** newman reporters; default none */
  readonly reporters?: readonly string[];
  /** ms for the whole run; default 120000 */
  readonly timeoutMs?: number;
  readonly collection?: PostmanCollection;
}

export interface CollectionRun {
  /** every request ran, every assertion passed, and as many ran as the collection declares */
  readonly ok: boolean;
  readonly declaredAssertions: number;
  readonly assertions: { readonly total: number; readonly failed: number };
  /** HTTP requests sent, polls included */
  readonly requestsSent: number;
  /** requests of the collection that never ran */
  readonly notRun: readonly string[];
  /** one line per failed assertion, script error or request error */
  readonly failures: readonly string[];
  /** ms newman took */
  readonly durationMs: number;
}

/** ms; a broken system must not hang the run; polls alone may take maxPollAttempts × pollDelayMs */
const RUN_TIMEOUT_MS = 120_000;
/** ms for one request */
const REQUEST_TIMEOUT_MS = 10_000;

export async function runCollection(opts: CollectionRunOptions): Promise<CollectionRun> {
  const collection = opts.collection ?? (await loadCollection());
  const summary = await new Promise<NewmanRunSummary>((resolve, reject) => {
    newman.run(
      {
        collection,
        // An environment variable, not a global: the collection's own baseUrl wins over globals.
        envVar: Object.entries({ ...opts.variables, baseUrl: opts.baseUrl }).map(([key, value]) => ({ key, value })),
        reporters: [...(opts.reporters ?? [])],
        timeout: opts.timeoutMs ?? RUN_TIMEOUT_MS,
        timeoutRequest: REQUEST_TIMEOUT_MS,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  const run = summary.run;
  const ran = new Set(run.executions.map((e) => e.item.name));
  const notRun = requestsOf(collection).map((r) => r.name).filter((name) => !ran.has(name));
  const failures = run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.test ? `${f.error.test}: ` : ''}${f.error.message}`);
  if (run.error) failures.push(`run: ${run.error.message}`);
  const declared = declaredAssertions(collection);
  const assertions = { total: run.stats.assertions.total, failed: run.stats.assertions.failed };
  return {
    ok: failures.length === 0 && notRun.length === 0 && assertions.failed === 0 && assertions.total === declared,
    declaredAssertions: declared,
    assertions,
    requestsSent: run.stats.requests.total,
    notRun,
    failures,
    durationMs: run.timings.completed - run.timings.started,
  };
}

/** ms; a system whose stop hangs (a request that never ends holds its server open) must not hang the script */
const STOP_TIMEOUT_MS = 15_000;

/** Starts the style's system, runs the collection against it, stops it. */
async function runStyle(style: Style, nats: string | undefined): Promise<{ ok: boolean; stopped: boolean }> {
  process.stdout.write(`\n== ${style}\n`);
  let system: LaunchedSystem;
  try {
    system = await launchSystem({ style, port: 0, nats, delivery: silentChannel });
  } catch (error) {
    process.stderr.write(`${style}: the system did not start: ${(error as Error).message}\n`);
    return { ok: false, stopped: true };
  }
  let ok = false;
  try {
    const result = await runCollection({ baseUrl: new URL(system.url).host, reporters: ['cli'] });
    const { total, failed } = result.assertions;
    process.stdout.write(
      `${style}: ${result.ok ? 'passed' : 'FAILED'}: ${total - failed} of ${result.declaredAssertions} assertions passed, ` +
        `${result.requestsSent} requests, ${(result.durationMs / 1000).toFixed(1)} s\n`,
    );
    if (total !== result.declaredAssertions) {
      process.stderr.write(`${style}: ${total} assertions ran, the collection declares ${result.declaredAssertions}\n`);
    }
    if (result.notRun.length > 0) process.stderr.write(`${style}: requests that never ran: ${result.notRun.join(', ')}\n`);
    ok = result.ok;
  } catch (error) {
    process.stderr.write(`${style}: newman failed: ${(error as Error).message}\n`);
  }
  const stopping = system.stop().catch((error: unknown) => {
    process.stderr.write(`${style}: stopping the system failed: ${(error as Error).message}\n`);
  });
  const stopped = await within(STOP_TIMEOUT_MS, stopping);
  if (!stopped) process.stderr.write(`${style}: the system did not stop within ${STOP_TIMEOUT_MS / 1000} s\n`);
  return { ok, stopped };
}

async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** `npm run test:postman`: the collection against a system of each style in turn; resolves to the exit code. */
export async function runPostman(opts: { readonly styles: readonly Style[]; readonly nats?: string }): Promise<number> {
  const outcomes: [Style, { ok: boolean; stopped: boolean }][] = [];
  for (const style of opts.styles) outcomes.push([style, await runStyle(style, opts.nats)]);
  if (outcomes.length > 1) {
    process.stdout.write(`\n${outcomes.map(([style, o]) => `${style}: ${o.ok ? 'passed' : 'FAILED'}`).join('\n')}\n`);
  }
  const code = outcomes.every(([, o]) => o.ok) ? 0 : 1;
  // What a system that did not stop left running would keep this process alive.
  if (outcomes.some(([, o]) => !o.stopped)) process.exit(code);
  return code;
}
