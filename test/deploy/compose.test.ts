import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollection, type CollectionRun } from '../../src/docs/postman.ts';
import { renderAnomalies } from '../../src/analyse/index.ts';
import { STYLES, type Style } from '../../src/model/style.ts';
import { ComposeProject } from './compose.ts';
import { ensureEngine, ensureStandins, type Engine } from './engine.ts';
import { buildImage } from './image.ts';
import { run, runOk } from './exec.ts';
import { freePort, killUnderLoad, type Kill, type KillOutcome } from './system.ts';

/**
 * The shipped artefacts on a real Docker engine: the image built from the Dockerfile, and the whole
 * system brought up from the repository's docker-compose.yml in each style, then driven through its
 * published gateway as a user would: the course scenario, the Postman collection, and containers
 * killed under load with every invariant checked afterwards.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const started = Date.now();
const results: Record<string, unknown> = {};
let engine: Engine | undefined;
let image = '';

beforeAll(async () => {
  engine = await ensureEngine();
  results.engine = engine.started ? `started here (${engine.driver}), log ${engine.log}` : `already running (${engine.driver})`;
  const standinsAt = Date.now();
  await ensureStandins(REPO);
  results.standinsMs = Date.now() - standinsAt;
  const { version } = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };
  image = `interplay:${version}`;
  const built = await buildImage(REPO, image);
  results.buildMs = built.buildMs;
  results.imageBytes = built.bytes;
}, 3_600_000);

afterAll(async () => {
  results.totalMs = Date.now() - started;
  await mkdir(join(REPO, 'reports'), { recursive: true });
  await writeFile(join(REPO, 'reports/deploy-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\ntest:deploy results (reports/deploy-results.json):\n${JSON.stringify(results, null, 2)}\n`);
  await engine?.stop();
}, 120_000);

describe('the image', () => {
  it('is the one docker-compose.yml runs, named after package.json, and at most 300 MB', async () => {
    const compose = await readFile(join(REPO, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain(`image: ${image}\n`);
    // docker image ls's size: the base (node:20-bookworm-slim, or its stand-in) and the layers of
    // interplay (the bundle and the native addons).
    expect(results.imageBytes as number).toBeGreaterThan(0);
    expect(results.imageBytes as number).toBeLessThanOrEqual(300_000_000);
  });

  it('runs as an unprivileged user', async () => {
    const { stdout } = await runOk('docker', ['run', '--rm', '--entrypoint', 'id', image, '-u']);
    expect(Number(stdout.trim())).toBeGreaterThan(0);
  });

  it('names the missing variable in one line and exits 2', async () => {
    const noSecret = await run('docker', ['run', '--rm', image, 'billing']);
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr.trim().split('\n')).toHaveLength(1);
    expect(noSecret.stderr).toMatch(/INTERPLAY_SERVICE_SECRET/);

    const secret = `INTERPLAY_SERVICE_SECRET=${'s'.repeat(40)}`;
    const noNats = await run('docker', ['run', '--rm', '-e', secret, '-e', 'INTERPLAY_STYLE=notification', '-e', 'INTERPLAY_AUTH_URL=http://auth:8080', '-e', 'INTERPLAY_ORDER_URL=http://order:8080', image, 'billing']);
    expect(noNats.code).toBe(2);
    expect(noNats.stderr.trim().split('\n')).toHaveLength(1);
    expect(noNats.stderr).toMatch(/NATS_URL/);
  });
});

/**
 * The cases: every style on one nats-server, and the notification style on the nats-cluster profile
 * (3 nodes, streams with 3 replicas). billing and order run 2 replicas each. Under load, order replica 1
 * is killed early and the single notification service later; in the cluster case a NATS node instead.
 */
interface DeployCase {
  readonly name: string;
  readonly style: Style;
  readonly profiles: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly scale: readonly string[];
  readonly kills: readonly Kill[];
}
const KILLS: readonly Kill[] = [
  { service: 'order', number: 1, atMs: 3_000 },
  { service: 'notification', number: 1, atMs: 6_000 },
];
const SCALE = ['--scale', 'order=2', '--scale', 'billing=2'];
/** as .env.example shows for the nats-cluster profile */
const CLUSTER_ENV = {
  NATS_ROUTES: '--cluster_name interplay --cluster nats://0.0.0.0:6222 --routes nats://nats:6222,nats://nats-2:6222,nats://nats-3:6222',
  NATS_URL: 'nats://nats:4222,nats://nats-2:4222,nats://nats-3:4222',
  INTERPLAY_STREAM_REPLICAS: '3',
};
const CASES: readonly DeployCase[] = [
  ...STYLES.map((style) => ({ name: style, style, profiles: [], env: {}, scale: SCALE, kills: KILLS })),
  {
    name: 'notification on a 3-node NATS cluster',
    style: 'notification',
    profiles: ['nats-cluster'],
    env: CLUSTER_ENV,
    scale: [...SCALE, '--scale', 'notification=2'],
    kills: [
      { service: 'nats-2', number: 1, atMs: 3_000 },
      { service: 'order', number: 1, atMs: 6_000 },
    ],
  },
];

describe.each(CASES)('docker-compose.yml: $name', ({ name, style, profiles, env, scale, kills }: DeployCase) => {
  let project: ComposeProject;
  let baseUrl = '';
  const mine: Record<string, unknown> = {};

  beforeAll(async () => {
    results[name] = mine;
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    project = await ComposeProject.create({
      repo: REPO,
      name: `interplay-deploy-${style}${profiles.length ? `-${profiles.join('-')}` : ''}-${process.pid}`,
      env: { ...env, INTERPLAY_STYLE: style, INTERPLAY_GATEWAY_PORT: String(port) },
      profiles,
    });
    const upAt = Date.now();
    await project.compose(['up', '-d', '--no-build', ...scale]);
    await project.waitHealthy(240);
    mine.toHealthyMs = Date.now() - upAt;
  }, 600_000);

  afterAll(async () => {
    if (!project) return;
    const downAt = Date.now();
    await project.down();
    mine.downMs = Date.now() - downAt;
    const left = await runOk('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project.name}`]);
    mine.volumesLeft = left.stdout.split('\n').filter(Boolean).length;
  }, 300_000);

  it('passes the course scenario through the gateway', async () => {
    const scenario = await run(join(REPO, 'bin/interplay'), ['scenario', '--base-url', baseUrl], { cwd: REPO, timeoutMs: 180_000 });
    const summary = /(\d+) passed, (\d+) failed/.exec(scenario.stdout);
    mine.scenario = summary ? { passed: Number(summary[1]), failed: Number(summary[2]) } : scenario.stdout.slice(-500);
    expect(scenario.code, scenario.stdout + scenario.stderr).toBe(0);
    expect(Number(summary?.[2])).toBe(0);
    expect(Number(summary?.[1])).toBeGreaterThan(0);
  }, 240_000);

  it('passes the Postman collection through the gateway', async () => {
    const postman: CollectionRun = await runCollection({ baseUrl: new URL(baseUrl).host });
    mine.postman = { ok: postman.ok, assertions: postman.assertions, declared: postman.declaredAssertions, requests: postman.requestsSent, ms: Math.round(postman.durationMs) };
    expect(postman.failures).toEqual([]);
    expect(postman.ok).toBe(true);
  }, 240_000);

  it('keeps every invariant when containers are killed under load', async () => {
    const outcome: KillOutcome = await killUnderLoad(project, { baseUrl, kills, users: 6, rate: 10, durationMs: 10_000, settleMs: 90_000 });
    mine.kills = { ...outcome, anomalies: outcome.anomalies.length };
    expect(outcome.anomalies, renderAnomalies([...outcome.anomalies])).toEqual([]);
    expect(outcome.kills).toHaveLength(kills.length);
    expect(outcome.orders.accepted).toBeGreaterThan(30);
  }, 600_000);
});
