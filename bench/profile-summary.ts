/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time and by inclusive time,
 * and self time per file. Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[]; hitCount?: number }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export function summarise(p: Profile, top = 25): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const short = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'nm:').replace(/^.*\/work\/main\//, '');
  const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const file = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    self.set(label(n), (self.get(label(n)) ?? 0) + us);
    const f = short(n.callFrame.url) || n.callFrame.functionName;
    file.set(f, (file.get(f) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + us);
    }
  }
  const fmt = (m: Map<string, number>, title: string) =>
    [`## ${title}`, ...[...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`)].join('\n');
  return [`total sampled: ${(total / 1000).toFixed(0)} ms`, fmt(self, 'self time'), fmt(incl, 'inclusive time'), fmt(file, 'self time by file')].join('\n\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const p = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile;
  const t = process.argv.indexOf('--tree');
  if (t > 0) console.log(tree(p, process.argv[t + 1], Number(process.argv[t + 2] ?? 4)));
  else console.log(summarise(p, Number(process.argv[3] ?? 25)));
}

/** The call tree under every frame named `fn`, merged, children by inclusive time (depth-limited). */
export function tree(p: Profile, fn: string, depth = 4, minPct = 0.3): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const inclOf = new Map<number, number>();
  const incl = (id: number): number => {
    let v = inclOf.get(id);
    if (v !== undefined) return v;
    v = selfUs.get(id) ?? 0;
    for (const c of byId.get(id)!.children ?? []) v += incl(c);
    inclOf.set(id, v);
    return v;
  };
  const name = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|main)\//, '')}`;
  interface Agg { us: number; self: number; kids: Map<string, Agg> }
  const root: Agg = { us: 0, self: 0, kids: new Map() };
  const add = (agg: Agg, id: number, d: number) => {
    const n = byId.get(id)!;
    agg.us += incl(id);
    agg.self += selfUs.get(id) ?? 0;
    if (d >= depth) return;
    for (const c of n.children ?? []) {
      const k = name(byId.get(c)!);
      let a = agg.kids.get(k);
      if (!a) agg.kids.set(k, (a = { us: 0, self: 0, kids: new Map() }));
      add(a, c, d + 1);
    }
  };
  const starts: number[] = [];
  const walk = (id: number, inside: boolean) => {
    const n = byId.get(id)!;
    const hit = n.callFrame.functionName === fn;
    if (hit && !inside) starts.push(id);
    for (const c of n.children ?? []) walk(c, inside || hit);
  };
  walk(p.nodes[0].id, false);
  for (const s of starts) add(root, s, 0);
  const lines: string[] = [`${fn}: ${((root.us / total) * 100).toFixed(1)}% (self ${((root.self / total) * 100).toFixed(1)}%)`];
  const print = (a: Agg, indent: string) => {
    for (const [k, v] of [...a.kids.entries()].sort((x, y) => y[1].us - x[1].us)) {
      if ((v.us / total) * 100 < minPct) continue;
      lines.push(`${indent}${((v.us / total) * 100).toFixed(1).padStart(5)}% (self ${((v.self / total) * 100).toFixed(1)}%) ${k}`);
      print(v, indent + '  ');
    }
  };
  print(root, '  ');
  return lines.join('\n');
}
