// What ran in a V8 CPU profile, by category: node scripts/profile-categories.mjs FILE.cpuprofile FROM_S TO_S ORDERS
// Self time between FROM_S and TO_S seconds of the profile, grouped by package or node internal module;
// the percentages of busy time and ms per order (ORDERS handled in the window). docs/benchmarks.md uses it.
import { readFileSync } from 'node:fs';
const [file, fromS, toS, orders] = process.argv.slice(2);
if (!file || ![fromS, toS, orders].every((v) => Number.isFinite(Number(v)))) {
  console.error('profile-categories: usage: node scripts/profile-categories.mjs FILE.cpuprofile FROM_S TO_S ORDERS');
  process.exit(2);
}
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const dt = new Map(); let t = 0;
for (let i = 0; i < p.samples.length; i++) { t += p.timeDeltas[i] ?? 0; if (t < fromS * 1e6 || t > toS * 1e6) continue; dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + p.timeDeltas[i]); }
const cat = (cf) => {
  const u = cf.url || '', f = cf.functionName;
  if (f === '(idle)') return null;
  if (f === '(garbage collector)') return 'GC';
  if (f === 'executeQuery' && u.includes('kysely')) return 'SQLite statements (better-sqlite3, native)';
  if (u.includes('better-sqlite3')) return 'SQLite statements (better-sqlite3, native)';
  if (u.includes('node_modules/kysely')) return 'Kysely (building/compiling queries)';
  if (/node_modules\/(undici|@fastify\/reply-from|@fastify\/http-proxy)/.test(u)) return "HTTP client and the gateway's forwarder (undici)";
  if (/node_modules\/@nats-io/.test(u)) return 'NATS client (nats.js)';
  if (/^(writev|writeBuffer|writeLatin1String|writeUtf8String|writeAsciiString)$/.test(f) && !u) return 'socket writes (native)';
  if (/node:(internal\/)?(net|stream_base_commons|streams)/.test(u)) return 'sockets and streams (node)';
  if (/node:(internal\/)?_?http/.test(u) || /node_modules\/(fastify|find-my-way|@fastify|avvio|light-my-request|secure-json-parse|fast-json-stringify|fast-querystring|toad-cache|process-warning|abstract-logging|pino|sonic-boom|@sinclair|ajv|rfdc)/.test(u)) return 'HTTP server (node http, Fastify, pino, TypeBox)';
  if (/node:(internal\/)?async_hooks/.test(u)) return 'async context (AsyncLocalStorage)';
  if (/node_modules\/(prom-client|hdr-histogram|tdigest|bintrees)/.test(u)) return 'metrics (prom-client)';
  if (/node_modules\/(jose|@node-rs)/.test(u) || /node:(internal\/)?crypto/.test(u)) return 'crypto (JWT, hashes)';
  if (u.includes('/src/')) return 'project code (src/)';
  if (f === 'runMicrotasks' || /node:(internal\/)?(process\/task_queues|timers)/.test(u) || f === '(program)') return 'event loop, microtasks, timers';
  return 'other (node internals, JSON, buffers)';
};
const agg = new Map(); let busy = 0;
for (const [id, v] of dt) { const c = cat(byId.get(id).callFrame); if (!c) continue; busy += v; agg.set(c, (agg.get(c) ?? 0) + v); }
console.log(`busy ${(busy / 1000).toFixed(0)} ms over ${toS - fromS} s; ${(busy / 1000 / orders).toFixed(2)} ms per order (${orders} orders)`);
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1])) console.log(`${(100 * v / busy).toFixed(1).padStart(5)} %  ${(v / 1000 / orders).toFixed(3)} ms/order  ${k}`);
