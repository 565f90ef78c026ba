// First visits traced (issue 22, docs/benchmarks.md "Pages, second round"):
// each path loaded RUNS times (3) as the browser test's paint test loads it
// (a new context, the cache off), with a Chromium trace; prints, from the
// navigation's commit to the first contentful paint, the renderer main
// thread's CPU and busy time and its font look-ups.
//   BASE=http://127.0.0.1:PORT node tests/bench/pages/trace.mjs /es/ /de/ ...
// (a kb-serve started with --rate -1; the trace of the last load stays in
// /tmp/h22trace.json for tsum.mjs.)
import { chromium } from 'playwright-core';
import { browserIdle } from '../../browser/idle.mjs';
import { readFileSync } from 'node:fs';
const BASE = process.env.BASE || 'http://127.0.0.1:18722';
const paths = process.argv.slice(2);
const runs = +(process.env.RUNS || 3);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
async function load(path, trace) {
  const c = await b.newContext({ baseURL: BASE, viewport: { width: 1280, height: 800 } });
  const page = await c.newPage();
  await page.goto('about:blank');
  await browserIdle();                           // as the browser test: the window's own UI loaded first
  if (trace) await b.startTracing(page, { path: '/tmp/h22trace.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'loading', 'blink', 'fonts', 'v8', 'toplevel', 'disabled-by-default-devtools.timeline.frame'] });
  await page.goto(path, { waitUntil: 'networkidle' });
  await page.waitForTimeout(100);
  if (trace) await b.stopTracing();
  await c.close();
  if (!trace) return;
  const ev = JSON.parse(readFileSync('/tmp/h22trace.json')).traceEvents;
  const fcp = ev.find((e) => e.name === 'firstContentfulPaint');
  const pid = fcp.pid, tid = ev.find((e) => e.pid === pid && e.name === 'thread_name' && e.args.name === 'CrRendererMain').tid;
  const X = ev.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const commit = X.find((e) => e.name === 'DocumentLoader::CommitNavigation');
  let cpu = 0, wall = 0, last = 0, fonts = 0, fontw = 0;
  for (const e of X) {
    if (e.ts < commit.ts || e.ts > fcp.ts) continue;
    if (/RunTask/.test(e.name) && e.ts >= last) { cpu += (e.tdur || 0) / 1000; wall += e.dur / 1000; last = e.ts + e.dur; }
    if (e.name === 'FontCache::GetFontPlatformData') { fonts++; fontw += e.dur / 1000; }
  }
  const pl = ev.find((e) => e.name === 'PageLoadMetrics.NavigationToFirstContentfulPaint');
  out.push([path, ((fcp.ts - commit.ts) / 1000), cpu, wall, fonts, fontw]);
  const cnt = {}; for (const e of ev) if (e.pid === pid && /FontDataManager::onMatchFamilyStyle|GetWebFontRenderStyleForStrike|FontCache::GetFontPlatformData/.test(e.name)) cnt[e.name.split('::').pop()] = (cnt[e.name.split('::').pop()] || 0) + 1;
  console.log(BASE.slice(-5), JSON.stringify(cnt), path, 'commit->fcp', ((fcp.ts - commit.ts) / 1000).toFixed(1), 'main cpu', cpu.toFixed(1), 'busy', wall.toFixed(1), 'fonts', fonts, fontw.toFixed(1));
}
const out = [];
await load('/', false);
for (let i = 0; i < runs; i++) for (const p of paths) await load(p, true);
await b.close();
