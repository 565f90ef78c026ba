// The renderer main thread's tasks in a trace (from trace.mjs or
// reply.mjs), from FROM to TO ms, each with its biggest children.
//   node tests/bench/pages/tsum.mjs /tmp/h22reply.json [FROM TO]
import { readFileSync } from 'node:fs';
const ev = JSON.parse(readFileSync(process.argv[2])).traceEvents;
const pid = ev.find((e) => e.name === 'ParseHTML' || e.name === 'FunctionCall')?.pid;
const mains = ev.filter((e) => e.pid === pid && e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => e.tid);
const tid = mains[0];
const X = ev.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
const ts0 = X[0].ts;
const from = +(process.argv[3] || 0), to = +(process.argv[4] || 1e12);
const tops = X.filter((e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask');
let last = -1;
for (const t of tops) {
  if (t.ts < last) continue;
  last = t.ts + t.dur;
  const rel = (t.ts - ts0) / 1000;
  if (rel < from || rel > to || t.dur < 1000) continue;
  const kids = X.filter((e) => e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e !== t && e.dur > 500 && !/RunTask|Receive mojo/.test(e.name));
  const names = {};
  for (const k of kids) { const n = k.name + (k.args?.data?.url ? '(' + k.args.data.url.split('/').pop() + ')' : '') + (k.args?.data?.functionName ? '(' + k.args.data.functionName + ')' : ''); names[n] = (names[n] || 0) + k.dur / 1000; }
  const top = Object.entries(names).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, d]) => n + ' ' + d.toFixed(1)).join(', ');
  console.log(rel.toFixed(1), 'dur', (t.dur / 1000).toFixed(1), 'cpu', ((t.tdur || 0) / 1000).toFixed(1), '|', top);
}
for (const n of ['firstContentfulPaint', 'firstPaint', 'PageLoadMetrics.NavigationToFirstContentfulPaint']) {
  const e = ev.find((x) => x.name === n); if (e) console.log(n, ((e.ts - ts0) / 1000).toFixed(1), e.pid === pid ? 'renderer' : 'other', JSON.stringify(e.args).slice(0, 200));
}
