import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchStyle } from '../src/measure/bench/bench.ts';
import { compareRuns, writeReports } from '../src/report/index.ts';
import type { CompareReport, RunReport } from '../src/model/schema.ts';
import { aSmallBench } from './support/bench.ts';
import { setupNats, type TestNats } from './support/nats.ts';

const BIN = fileURLToPath(new URL('../bin/interplay', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../reports/', import.meta.url));
/** Debian's Chromium (.ci/run installs it); nothing downloads a browser */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** a common laptop screen */
const LAPTOP = { width: 1366, height: 768 };

const CHARTS = [
  'latency-accept',
  'latency-completion',
  'throughput-rest',
  'accept-over-time-rest',
  'throughput-collaboration',
  'accept-over-time-collaboration',
  'per-order-reads',
  'per-order-messages',
  'per-order-cpu',
];

/** `interplay report DIR --html` as a real process: the page is rendered from the saved files only */
function reportHtml(dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'report', dir, '--html'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the HTML report of a real short run, in Chromium', () => {
  let nats: TestNats;
  let dir: string;
  let compare: CompareReport;
  let browser: Browser;
  let page: Page;
  /** console errors, page errors, failed requests and any request for something other than the page */
  const problems: string[] = [];

  beforeAll(async () => {
    nats = await setupNats();
    const runs: RunReport[] = [];
    for (const style of ['rest', 'collaboration'] as const) {
      runs.push(await benchStyle(aSmallBench(style, nats.url, { rate: 20, durationMs: 2_000, users: 3, argv: ['compare', '--styles', 'rest,collaboration', '--rate', '20', '--html'] })));
    }
    compare = compareRuns(runs, new Date().toISOString());
    dir = await mkdtemp(join(tmpdir(), 'interplay-html-'));
    await writeReports(dir, compare);

    const cli = await reportHtml(dir);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(`${join(dir, 'report.html')}\n`);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: LAPTOP, colorScheme: 'light' });
    const url = pathToFileURL(join(dir, 'report.html')).href;
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
    page.on('pageerror', (e) => void problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => void problems.push(`failed request: ${r.url()}`));
    page.on('request', (r) => void (r.url() !== url && problems.push(`request: ${r.url()}`)));
    await page.goto(url, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await nats?.teardown();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('saves a per-second timeline in which every offered order was accepted and completed', () => {
    for (const run of compare.runs) {
      const total = (k: 'offered' | 'accepted' | 'completed') => (run.timeline ?? []).reduce((a, s) => a + s[k], 0);
      expect(total('accepted')).toBeGreaterThan(run.orders.placed - 1);
      expect(total('offered')).toBe(total('accepted'));
      expect(total('completed')).toBe(total('accepted'));
    }
  });

  it.each(CHARTS)('%s: an SVG chart with marks in it and a title, beside its table', async (id) => {
    const figure = page.locator(`figure#${id}`);
    const svg = figure.locator('svg');
    await expect(svg.count()).resolves.toBe(1);
    const title = await figure.getAttribute('aria-label');
    expect(title).toBeTruthy();
    await expect(svg.getAttribute('role')).resolves.toBe('img');
    await expect(svg.locator('> title').textContent()).resolves.toBe(title);
    await expect(svg.locator('g.role-title text').first().textContent()).resolves.toBe(title);
    expect(await svg.locator('g.role-mark > *').count()).toBeGreaterThan(0);
    expect(await svg.boundingBox().then((b) => b?.width ?? 0)).toBeGreaterThan(300);
    await expect(figure.locator('table caption').textContent()).resolves.toContain(title);
    expect(await figure.locator('table tbody tr').count()).toBeGreaterThan(0);
  });

  it('shows the environment and the exact command line', async () => {
    const text = await page.locator('#run-and-environment').locator('xpath=..').innerText();
    expect(text).toContain(`Node ${process.version}`);
    expect(text).toContain('interplay compare --styles rest,collaboration --rate 20 --html');
  });

  it('fits a laptop screen without sideways scrolling, in light and dark, and asks for nothing over the network', async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(LAPTOP.width);
      const colors = await page.evaluate(() => [getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]);
      expect(colors[0]).not.toBe(colors[1]);
      await page.screenshot({ path: join(SCREENSHOTS, `report-html-${scheme}.png`), fullPage: true });
    }
    expect(problems).toEqual([]);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
  });
});
