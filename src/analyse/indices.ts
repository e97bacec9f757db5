import type { DependencyGraph } from './graph.ts';

/**
 * Structural coupling of a pair of services after Panichella, Rahman and Taibi (CLOSER 2021), over
 * the observed graph. A link is a distinct operation one service was seen using of the other: an
 * HTTP route (sync), or a subject it processes from the other (async, consumer → publisher).
 *   degree(a,b) = out(a,b) + out(b,a);  LWF = (1 + out(a,b)) / (1 + degree);  GWF = degree / max degree
 *   SC(a,b) = 1 − (1 / degree) · LWF · GWF
 * See docs/COUPLING.md for what differs from the paper.
 */
export interface PairCoupling {
  readonly a: string;
  readonly b: string;
  /** operations of b that a uses */
  readonly outAB: number;
  readonly outBA: number;
  readonly sc: number;
}

export function structuralCoupling(graph: DependencyGraph): PairCoupling[] {
  const links = operationLinks(graph);
  const out = (a: string, b: string): number => links.get(`${a}→${b}`)?.size ?? 0;
  const pairs = new Set<string>();
  for (const key of links.keys()) {
    const [a = '', b = ''] = key.split('→');
    pairs.add(a < b ? `${a}→${b}` : `${b}→${a}`);
  }
  const degrees = [...pairs].map((p) => {
    const [a = '', b = ''] = p.split('→');
    return { a, b, degree: out(a, b) + out(b, a) };
  });
  const max = Math.max(0, ...degrees.map((d) => d.degree));
  const result: PairCoupling[] = [];
  for (const { a, b, degree } of degrees) {
    // The pair is not symmetric in LWF: report it from the side that uses more of the other.
    const [x, y] = out(a, b) >= out(b, a) ? [a, b] : [b, a];
    const lwf = (1 + out(x, y)) / (1 + degree);
    const gwf = degree / max;
    result.push({ a: x, b: y, outAB: out(x, y), outBA: out(y, x), sc: 1 - (1 / degree) * lwf * gwf });
  }
  return result.sort((p, q) => q.sc - p.sc || p.a.localeCompare(q.a) || p.b.localeCompare(q.b));
}

/**
 * Relative coupling in the spirit of the Microservice Coupling Index (Zhong et al., JSS 2023):
 * coupling observed relative to the coupling possible, instead of raw counts.
 *   dependence(s) = |services s depends on| / (N − 1);  importance(s) = |services depending on s| / (N − 1)
 *   interfaceShare(s) = mean over the services s depends on of |operations of t that s uses| / |operations of t anyone uses|
 * Both sync and async dependencies count (consumer depends on publisher). N counts services only.
 */
export interface RelativeCoupling {
  readonly service: string;
  readonly dependence: number;
  readonly importance: number;
  readonly interfaceShare: number | null;
}

export function relativeCoupling(graph: DependencyGraph): RelativeCoupling[] {
  const links = operationLinks(graph);
  const n = graph.services.length;
  const offered = new Map<string, Set<string>>();
  for (const [key, ops] of links) {
    const to = key.split('→')[1] ?? '';
    const all = offered.get(to) ?? new Set<string>();
    for (const op of ops) all.add(op);
    offered.set(to, all);
  }
  return graph.services.map((service) => {
    const uses = [...links].filter(([key]) => key.startsWith(`${service}→`));
    const usedBy = [...links.keys()].filter((key) => key.endsWith(`→${service}`));
    const shares = uses.map(([key, ops]) => ops.size / (offered.get(key.split('→')[1] ?? '')?.size ?? ops.size));
    return {
      service,
      dependence: n <= 1 ? 0 : uses.length / (n - 1),
      importance: n <= 1 ? 0 : usedBy.length / (n - 1),
      interfaceShare: shares.length === 0 ? null : shares.reduce((a, b) => a + b, 0) / shares.length,
    };
  });
}

/** `a→b` → the distinct operations of b that a was seen depending on. */
function operationLinks(graph: DependencyGraph): Map<string, Set<string>> {
  const links = new Map<string, Set<string>>();
  const add = (from: string, to: string, op: string): void => {
    if (from === to || !graph.services.includes(from) || !graph.services.includes(to)) return;
    links.set(`${from}→${to}`, (links.get(`${from}→${to}`) ?? new Set()).add(op));
  };
  for (const e of graph.sync) for (const r of e.routes) add(e.from, e.to, `${r.method} ${r.route}`);
  for (const e of graph.async) add(e.consumer, e.publisher, `subject ${e.subject}`);
  return links;
}
