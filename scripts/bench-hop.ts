/**
 * What the gateway's hop costs alone: the gateway in front of one trivial upstream (a bare node:http
 * server answering a small JSON body), driven by autocannon at a fixed rate; CPU of the gateway's
 * process per request, for a GET with a query and for a POST with a JSON body.
 *
 *   npm run bench:hop [-- --baseline DIR] [--rounds 3] [--rate 2000] [--duration 10]
 *
 * `--baseline DIR`: another checkout, measured alternately with this one (base, this, base, this …),
 * so a machine loaded by others weighs on both alike; each run is a fresh process that loads that
 * checkout's gateway from its sources. Medians are printed. A benchmark, not a test: exits 0 whatever
 * the numbers.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: { baseline: { type: 'string' }, rounds: { type: 'string', default: '3' }, rate: { type: 'string', default: '2000' }, duration: { type: 'string', default: '10' }, one: { type: 'string' } },
});

interface Figures {
  readonly requests: number;
  readonly non2xx: number;
  readonly usPerRequest: number;
}

if (values.one) {
  console.log(JSON.stringify(await measureOne(values.one, values.rate!, values.duration!)));
} else {
  const checkouts = [...(values.baseline ? [{ name: 'baseline', root: values.baseline }] : []), { name: 'this checkout', root: ROOT }];
  const results = new Map<string, { get: Figures; post: Figures }[]>();
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const c of checkouts) {
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--one', c.root, '--rate', values.rate!, '--duration', values.duration!], { encoding: 'utf8' });
      const figures = JSON.parse(out.trim().split('\n').at(-1)!) as { get: Figures; post: Figures };
      (results.get(c.name) ?? results.set(c.name, []).get(c.name)!).push(figures);
      console.log(`round ${round} ${c.name} (load ${load}): GET ${figures.get.usPerRequest} µs/request (${figures.get.non2xx} non-2xx), POST ${figures.post.usPerRequest} µs/request (${figures.post.non2xx} non-2xx)`);
    }
  }
  for (const [name, runs] of results) {
    console.log(`median ${name}: GET ${median(runs.map((r) => r.get.usPerRequest))} µs/request, POST ${median(runs.map((r) => r.post.usPerRequest))} µs/request`);
  }
}

async function measureOne(root: string, rate: string, duration: string): Promise<{ get: Figures; post: Figures }> {
  const { buildGateway } = (await import(join(root, 'src/transports/http/gateway.ts'))) as typeof import('../src/transports/http/gateway.ts');
  const upstream = spawn(process.execPath, ['-e', `const s=require('http').createServer((q,r)=>{q.resume();q.on('end',()=>{r.setHeader('content-type','application/json');r.end('{"ok":true,"id":"0123456789abcdef"}')})}).listen(0,'127.0.0.1',()=>console.log(s.address().port))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => upstream.stdout.once('data', (c: Buffer) => resolve(c.toString().trim())));
  const at = `http://127.0.0.1:${port}`;
  // The baseline logs each request autocannon cuts at its end; the log is not what is measured.
  const gateway = await buildGateway({ style: 'rest', logLevel: 'fatal', upstreams: { auth: [at], billing: [at], order: [at], notification: [at] } });
  const url = await gateway.listen({ port: 0, host: '127.0.0.1' });
  const drive = async (args: string[], seconds: string): Promise<Figures> => {
    const child = spawn(join(root, 'node_modules/.bin/autocannon'), ['-j', '-c', '10', '-R', rate, '-d', seconds, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const before = process.cpuUsage();
    await new Promise((resolve) => child.on('close', resolve));
    const used = process.cpuUsage(before);
    const report = JSON.parse(out) as { requests: { total: number }; non2xx: number };
    return { requests: report.requests.total, non2xx: report.non2xx, usPerRequest: Math.round((used.user + used.system) / Math.max(1, report.requests.total)) };
  };
  await drive([`${url}/orders?limit=5`], '3'); // warm-up: JIT and the pool's connections
  const get = await drive([`${url}/orders?limit=5`], duration);
  const post = await drive(['-m', 'POST', '-H', 'content-type=application/json', '-b', '{"items":[{"sku":"a","qty":1}],"amountMinor":1200}', `${url}/orders`], duration);
  await gateway.close();
  upstream.kill();
  return { get, post };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
