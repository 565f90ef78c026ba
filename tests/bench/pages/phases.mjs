// What stands between a public page's response and its first contentful
// paint (issue 22, docs/benchmarks.md "Pages, third round"): each path
// loaded RUNS times (5) as the browser test's paint test loads it (a new
// context, the cache off, the browser idle first: tests/browser/idle.mjs),
// traced; per path, the medians of
//   wall, ms from the navigation's start: response in the renderer
//     (commit), the first frame handed to the compositor (parse, style,
//     layout, paint), that frame's tiles rastered (activation), the first
//     contentful paint (drawn and presented);
//   the renderer's CPU, ms, from the navigation's start to the paint: its
//     main thread by kind of work (commit, parse, css, style, layout,
//     fonts, paint, script, other), its raster workers and compositor;
//   the font look-ups: synchronous requests to the browser for a face
//     (family match) or a size's render style (strike), and their summed
//     wall time.
// CPU times depend much less on the machine's load than the wall times.
//   BASE=http://127.0.0.1:PORT RUNS=5 node tests/bench/pages/phases.mjs / /help/remove-sim-iphone ...
// (a kb-serve started with --rate -1.) BASE=URL1,URL2 compares servers
// (say main's and a branch's): each load of a path goes to each in turn,
// so the machine's drifting load falls on both alike. JSON=FILE also
// writes every load's figures as JSON. SELF=1 also prints, per path, the
// main thread's self time by event name (a mean of its loads).
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { browserIdle } from '../../browser/idle.mjs';

const BASES = (process.env.BASE || 'http://127.0.0.1:18722').split(',');
const paths = process.argv.slice(2);
const runs = +(process.env.RUNS || 5);
const TRACE = `/tmp/kb-phases-${process.pid}.json`;
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CATS = ['devtools.timeline', 'blink.user_timing', 'disabled-by-default-devtools.timeline', 'loading', 'blink', 'fonts', 'v8',
  'toplevel', 'cc', 'viz', 'benchmark', 'disabled-by-default-devtools.timeline.frame'];

// The main thread's work by kind: an event's own CPU time (less its
// children's) goes to the innermost enclosing event named here.
const KIND = [
  [/^FontCache::GetFontPlatformData$|^FontDataManager::|GetWebFontRenderStyle/, 'fonts'],
  [/^CSSParserImpl::parseStyleSheet$/, 'css'],
  [/^UpdateLayoutTree$|^Document::updateStyle$/, 'style'],
  [/^Layout$|^LocalFrameView::layout$/, 'layout'],
  [/^PrePaint$|^Paint$|^LocalFrameView::RunPaintLifecyclePhase$|^Commit$|^Layerize$|^UpdateLayer/, 'paint'],
  [/^EvaluateScript$|^v8\.compile$|^FunctionCall$|^LocalWindowProxy::Initialize$|^v8\.run$/, 'script'],
  [/^ParseHTML$|^HTMLDocumentParser::/, 'parse'],
  [/^DocumentLoader::CommitNavigation$/, 'commit'],
];
const KINDS = ['commit', 'parse', 'css', 'style', 'layout', 'fonts', 'paint', 'script', 'other'];

function analyse(ev) {
  const fcp = ev.find((e) => e.name === 'firstContentfulPaint');
  if (!fcp) return null;
  const pid = fcp.pid;
  const tname = {};
  for (const e of ev) if (e.name === 'thread_name' && e.pid === pid) tname[e.tid] = e.args.name;
  const main = +Object.keys(tname).find((t) => tname[t] === 'CrRendererMain');
  // the navigation's start: the renderer's mark for the page's document
  // (the browser's page-load metric begins there too, but not for a 404)
  const nav = ev.find((e) => e.pid === pid && e.name === 'navigationStart' && /^http/.test(e.args?.data?.documentLoaderURL || '')) ||
    ev.filter((e) => e.name === 'PageLoadMetrics.NavigationToFirstContentfulPaint').sort((a, b) => a.ts - b.ts)[0];
  const t0 = nav ? nav.ts : ev.find((e) => e.pid === pid && e.name === 'DocumentLoader::CommitNavigation').ts;
  const X = ev.filter((e) => e.pid === pid && e.ph === 'X' && e.ts + (e.dur || 0) >= t0 && e.ts <= fcp.ts).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const mainX = X.filter((e) => e.tid === main);
  const commitNav = mainX.find((e) => e.name === 'DocumentLoader::CommitNavigation');
  const frameCommit = mainX.find((e) => e.name === 'Commit' && e.ts > commitNav.ts);
  const act = ev.filter((e) => e.pid === pid && e.name === 'ActivateLayerTree' && frameCommit && e.ts > frameCommit.ts).sort((a, b) => a.ts - b.ts)[0];
  // the main thread's CPU by kind (self time to the innermost named event)
  const cpu = Object.fromEntries(KINDS.map((k) => [k, 0]));
  const stack = [];
  const kindOf = (e) => (KIND.find(([re]) => re.test(e.name)) || [])[1];
  const self = new Map();
  for (const e of mainX) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    const k = kindOf(e) || (parent ? parent.k : 'other');
    const node = { ts: e.ts, dur: e.dur, k, t: e.tdur || 0 };
    self.set(node, node.t);
    if (parent) self.set(parent, self.get(parent) - node.t);
    stack.push(node);
  }
  for (const [node, t] of self) if (t > 0) cpu[node.k] += t / 1000;
  // SELF=1: the main thread's self time by event name
  const byName = {};
  if (process.env.SELF) {
    const st = [], own = new Map();
    for (const e of mainX) {
      while (st.length && st[st.length - 1].ts + st[st.length - 1].dur <= e.ts) st.pop();
      const p = st[st.length - 1];
      own.set(e, e.tdur || 0);
      if (p) own.set(p, own.get(p) - (e.tdur || 0));
      st.push(e);
    }
    for (const [e, t] of own) byName[e.name] = (byName[e.name] || 0) + t / 1000;
  }
  // whole threads: top-level tasks' CPU (not double counting nested ones)
  const threadCpu = (re) => {
    let sum = 0;
    for (const tid of Object.keys(tname).filter((t) => re.test(tname[t]))) {
      let end = 0;
      for (const e of X) if (e.tid === +tid && e.ts >= end && /RunTask|ThreadPool_RunTask/.test(e.name)) {
        if (e.ts < t0) continue;
        sum += (e.tdur || 0) / 1000; end = e.ts + e.dur;
      }
    }
    return sum;
  };
  const fonts = mainX.filter((e) => /FontDataManager::onMatchFamilyStyle|GetWebFontRenderStyleForStrike/.test(e.name));
  const ms = (t) => (t - t0) / 1000;
  return {
    fcp: ms(fcp.ts),
    commit: ms(commitNav.ts),
    frame: frameCommit ? ms(frameCommit.ts) : NaN,
    raster: act ? ms(act.ts) : NaN,
    main: threadCpu(/^CrRendererMain$/),
    workers: threadCpu(/ThreadPool|CompositorTileWorker|Raster/),
    compositor: threadCpu(/^Compositor$/),
    cpu,
    families: fonts.filter((e) => /onMatchFamilyStyle/.test(e.name)).length,
    strikes: fonts.filter((e) => /Strike/.test(e.name)).length,
    fontWait: fonts.reduce((a, e) => a + e.dur / 1000, 0),
    byName,
  };
}

const b = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
async function load(base, path, trace) {
  const c = await b.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const page = await c.newPage();
  await page.goto('about:blank');
  const cdp = await c.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await browserIdle();                           // the new window's own UI loaded, as the browser test waits
  if (trace) await b.startTracing(page, { path: TRACE, categories: CATS });
  await page.goto(path, { waitUntil: 'networkidle' });
  await page.waitForTimeout(50);
  if (trace) await b.stopTracing();
  await c.close();
  if (!trace) return null;
  const r = analyse(JSON.parse(readFileSync(TRACE)).traceEvents);
  rmSync(TRACE, { force: true });
  return r;
}

const med = (xs) => { const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b); return s.length ? s[(s.length - 1) >> 1] : NaN; };
const f1 = (x) => (Number.isNaN(x) ? '-' : x.toFixed(1));
const la0 = loadavg()[0];
for (const base of BASES) await load(base, '/', false);
const all = BASES.map(() => paths.map(() => []));
for (let i = 0; i < runs; i++)
  for (const [k, p] of paths.entries())
    for (const [j, base] of BASES.entries()) { const r = await load(base, p, true); if (r) all[j][k].push(r); }
await b.close();
console.log(`# ${runs} traced first visits a page, medians; load average ${la0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
console.log('# page | wall ms: commit frame raster fcp | renderer CPU ms: main (' + KINDS.join(' ') + ') workers compositor | fonts: families strikes wait ms');
for (const [j, base] of BASES.entries()) {
  if (BASES.length > 1) console.log('# ' + base);
  for (const [k, p] of paths.entries()) {
    const rs = all[j][k], m = (f) => med(rs.map(f));
    console.log(`${p} | ${f1(m((r) => r.commit))} ${f1(m((r) => r.frame))} ${f1(m((r) => r.raster))} ${f1(m((r) => r.fcp))} | ` +
      `${f1(m((r) => r.main))} (${KINDS.map((c) => f1(m((r) => r.cpu[c]))).join(' ')}) ${f1(m((r) => r.workers))} ${f1(m((r) => r.compositor))} | ` +
      `${m((r) => r.families)} ${m((r) => r.strikes)} ${f1(m((r) => r.fontWait))}`);
  }
}
if (process.env.SELF)
  for (const [j, base] of BASES.entries()) for (const [k, p] of paths.entries()) {
    const rs = all[j][k], sum = {};
    for (const r of rs) for (const [n, t] of Object.entries(r.byName)) sum[n] = (sum[n] || 0) + t / rs.length;
    console.log(`# ${p}${BASES.length > 1 ? ' ' + base : ''}: main thread self time, ms a load: ` +
      Object.entries(sum).sort((a, b) => b[1] - a[1]).slice(0, 15).map(([n, t]) => `${n} ${t.toFixed(1)}`).join(', '));
  }
if (process.env.JSON) writeFileSync(process.env.JSON, JSON.stringify(BASES.map((base, j) => ({ base, loads: Object.fromEntries(paths.map((p, k) => [p, all[j][k]])) })), null, 1));
