// Why one page's first paint varies between runs on an idle machine
// (issue 22, docs/benchmarks.md "Pages, fourth round"): each path loaded
// RUNS times (5) as the browser test's paint test loads it (a new context,
// about:blank, the cache off, then the page), and for each load, from the
// kernel rather than from a trace:
//   - the Navigation Timing marks (request, response, DOM) and the first
//     contentful paint, ms from the navigation's start;
//   - which of Chromium's processes are new since about:blank (a renderer
//     started for the navigation?);
//   - per kind of process (browser, renderer, webui: the browser's own UI
//     pages, gpu, utility, zygote), the
//     CPU its threads ran and the time they waited on a run queue
//     (/proc/PID/task/TID/schedstat) between the navigation's start and
//     the paint (the snapshot is taken when the page reports its paint, so
//     a few ms after it are included);
//   - the machine's steal and idle time over the load (/proc/stat);
//   - the server's own time for the page (its access log's last line:
//     LOG=FILE, kb-serve's stderr without --quiet).
//   BASE=http://127.0.0.1:PORT RUNS=5 LOG=access.log node tests/bench/pages/variance.mjs / /help/store-leeds ...
// JSON=FILE writes every load's figures. QUIET=1 waits for the browser to
// be idle before each navigation, as the browser test does (its new
// window's own UI pages loaded: tests/browser/idle.mjs); without it the
// clock starts as soon as the blank page is there, as the test did before.
// WARM=1 makes the context and its page once per path and loads the page
// into it again each run (the cache still off). EXTRA_ARGS='--flag ...'
// adds Chromium flags.
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { browserIdle, descendants } from '../../browser/idle.mjs';

const BASE = process.env.BASE || 'http://127.0.0.1:18722';
const paths = process.argv.slice(2);
const runs = +(process.env.RUNS || 5);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ...(process.env.EXTRA_ARGS ? process.env.EXTRA_ARGS.split(' ') : [])];
const HZ = 100;                                   // USER_HZ of /proc/stat

const read = (f) => { try { return readFileSync(f, 'utf8'); } catch { return null; } };
function procs() {                                 // every descendant of this node process
  const out = new Map(descendants().map((pid) => [pid, null]));
  for (const pid of out.keys()) {
    const cmd = (read(`/proc/${pid}/cmdline`) || '').split(/[\0 ]/);   // Chromium rewrites its argv as one string
    const t = cmd.find((a) => a.startsWith('--type='));
    let type = t ? t.slice(7) : (/chrom/.test(cmd[0]) ? 'browser' : 'other');
    if (type === 'renderer' && cmd.includes('--top-chrome-webui')) type = 'webui';   // the browser's own UI
    if (type === 'utility') type += ':' + ((cmd.find((a) => a.startsWith('--utility-sub-type=')) || '').split('.').pop() || '?');
    let run = 0, wait = 0, main = 0, mainWait = 0;
    const threads = {};
    let tasks = [];
    try { tasks = readdirSync(`/proc/${pid}/task`); } catch { /* gone */ }
    for (const tid of tasks) {
      const ss = read(`/proc/${pid}/task/${tid}/schedstat`);
      if (!ss) continue;
      const [r, w] = ss.split(' ').map(Number);
      run += r; wait += w;
      if (process.env.THREADS) threads[tid] = { name: (read(`/proc/${pid}/task/${tid}/comm`) || '').trim(), r, w };
      if (+tid === pid) { main = r; mainWait = w; }
    }
    out.set(pid, { type, run, wait, main, mainWait, threads });
  }
  return out;
}
function cpuStat() {
  const f = read('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { busy: f[0] + f[1] + f[2] + f[5] + f[6], idle: f[3] + f[4], steal: f[7] };
}
function lastTook(path) {
  if (!process.env.LOG || !existsSync(process.env.LOG)) return NaN;
  const lines = read(process.env.LOG).trim().split('\n').reverse();
  const l = lines.find((x) => x.includes(`"GET ${path}"`));
  const m = l && / (\d+)us$/.exec(l);
  return m ? +m[1] / 1000 : NaN;
}

const b = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
const warm = new Map();
async function load(path) {
  let c, page;
  if (process.env.WARM && warm.has(path)) [c, page] = warm.get(path);
  else {
    c = await b.newContext({ baseURL: BASE, viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    page = await c.newPage();
    if (process.env.WARM) warm.set(path, [c, page]);
  }
  await page.goto('about:blank');
  const cdp = await c.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let quiet = 0;
  if (process.env.QUIET) quiet = (await browserIdle()).waited;
  const p0 = procs(), s0 = cpuStat(), t0 = performance.now();
  await page.goto(path, { waitUntil: 'commit' });
  const f = await page.evaluate(() => new Promise((res) => {
    const done = () => {
      const n = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      res({ fcp: fcp.startTime, request: n.requestStart, response: n.responseStart, responseEnd: n.responseEnd,
        interactive: n.domInteractive, dcl: n.domContentLoadedEventEnd });
    };
    if (performance.getEntriesByName('first-contentful-paint').length) done();
    else new PerformanceObserver(done).observe({ type: 'paint', buffered: true });
  }));
  const p1 = procs(), s1 = cpuStat(), wall = performance.now() - t0;
  await cdp.detach();
  if (!process.env.WARM) await c.close();
  const by = {};
  const fresh = [];
  for (const [pid, q] of p1) {
    const p = p0.get(pid);
    if (!p) fresh.push(q.type);
    const k = q.type;
    by[k] = by[k] || { run: 0, wait: 0, main: 0, mainWait: 0 };
    by[k].run += (q.run - (p ? p.run : 0)) / 1e6;
    by[k].wait += (q.wait - (p ? p.wait : 0)) / 1e6;
    by[k].main += (q.main - (p ? p.main : 0)) / 1e6;
    by[k].mainWait += (q.mainWait - (p ? p.mainWait : 0)) / 1e6;
  }
  if (process.env.THREADS) {
    for (const [pid, q] of p1) {
      const p = p0.get(pid) || { run: 0, wait: 0, threads: {} };
      if ((q.run - p.run) / 1e6 < 3) continue;
      const th = Object.entries(q.threads).map(([tid, t]) => [t.name, (t.r - (p.threads[tid]?.r || 0)) / 1e6, (t.w - (p.threads[tid]?.w || 0)) / 1e6])
        .filter(([, r]) => r >= 1).sort((x, y) => y[1] - x[1]);
      console.log(`  ${path} pid ${pid} ${q.type}${p0.has(pid) ? '' : ' (new)'}: ${((q.run - p.run) / 1e6).toFixed(1)}/${((q.wait - p.wait) / 1e6).toFixed(1)} ` +
        th.map(([n, r, w]) => `${n} ${r.toFixed(1)}/${w.toFixed(1)}`).join(', '));
    }
  }
  const ds = { busy: s1.busy - s0.busy, idle: s1.idle - s0.idle, steal: s1.steal - s0.steal };
  return { path, ...f, wall, fresh, quiet, by, steal: (ds.steal * 1000) / HZ, idle: (ds.idle * 1000) / HZ,
    busy: (ds.busy * 1000) / HZ, took: lastTook(path), load: loadavg()[0] };
}

await load('/');
const la0 = loadavg()[0];
const all = [];
for (let i = 0; i < runs; i++) for (const p of paths) all.push(await load(p));
await b.close();
const f0 = (x) => (Number.isNaN(x) || x === undefined ? '-' : x.toFixed(0));
const f1 = (x) => (Number.isNaN(x) || x === undefined ? '-' : x.toFixed(1));
console.log(`# ${runs} first visits a page; load average ${la0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
console.log('# path | ms from navigation start: request response dom fcp | server ms | new processes | ' +
  'CPU ran/waited ms: renderer (main) webui browser gpu network | machine: busy idle steal ms | waited for quiet ms');
for (const r of all) {
  const g = (k) => r.by[k] || { run: NaN, wait: NaN, main: NaN, mainWait: NaN };
  const net = Object.keys(r.by).find((k) => /network/.test(k));
  console.log(`${r.path} | ${f0(r.request)} ${f0(r.response)} ${f0(r.interactive)} ${f0(r.fcp)} | ${f1(r.took)} | ` +
    `${r.fresh.join(',') || '-'} | ${f0(g('renderer').run)}/${f0(g('renderer').wait)} (${f0(g('renderer').main)}/${f0(g('renderer').mainWait)}) ` +
    `${f0(g('webui').run)}/${f0(g('webui').wait)} ${f0(g('browser').run)}/${f0(g('browser').wait)} ${f0(g('gpu-process').run)}/${f0(g('gpu-process').wait)} ` +
    `${net ? f0(g(net).run) + '/' + f0(g(net).wait) : '-'} | ${f0(r.busy)} ${f0(r.idle)} ${f0(r.steal)} | ${f0(r.quiet)}`);
}
if (process.env.JSON) writeFileSync(process.env.JSON, JSON.stringify(all, null, 1));
const med = (xs) => { const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b); return s.length ? s[(s.length - 1) >> 1] : NaN; };
for (const p of paths) {
  const rs = all.filter((r) => r.path === p), fs = rs.map((r) => r.fcp).sort((a, b) => a - b);
  console.log(`# ${p}: fcp median ${f0(med(fs))} (${f0(fs[0])}-${f0(fs[fs.length - 1])}) ms; page renderer CPU median ` +
    `${f0(med(rs.map((r) => r.by.renderer?.run ?? NaN)))} ms, waited ${f0(med(rs.map((r) => r.by.renderer?.wait ?? NaN)))} ms; ` +
    `webui CPU median ${f0(med(rs.map((r) => r.by.webui?.run ?? 0)))} ms`);
}
const fs = all.map((r) => r.fcp);
console.log(`# all: fcp median ${f0(med(fs))} ms, worst ${f0(Math.max(...fs))} ms, over 200 ms: ${fs.filter((x) => x >= 200).length} of ${fs.length}`);
// What sets the slow loads apart: the page's renderer's CPU and its wait
// for one, the browser process's, the server's, the machine's idle time.
{
  const slow = all.filter((r) => r.fcp >= 200), fast = all.filter((r) => r.fcp < 200);
  const row = (rs) => `fcp ${f0(med(rs.map((r) => r.fcp)))}, request sent ${f0(med(rs.map((r) => r.request)))}, response ${f0(med(rs.map((r) => r.response)))}, ` +
    `renderer ran ${f0(med(rs.map((r) => r.by.renderer?.run ?? NaN)))} waited ${f0(med(rs.map((r) => r.by.renderer?.wait ?? NaN)))}, ` +
    `browser ran ${f0(med(rs.map((r) => r.by.browser?.run ?? NaN)))} waited ${f0(med(rs.map((r) => r.by.browser?.wait ?? NaN)))}, ` +
    `webui ran ${f0(med(rs.map((r) => r.by.webui?.run ?? 0)))}, machine idle ${f0(med(rs.map((r) => r.idle)))} steal ${f0(med(rs.map((r) => r.steal)))}, server ${f1(med(rs.map((r) => r.took)))}`;
  console.log(`# medians, ms, of the ${fast.length} loads under 200 ms: ${row(fast)}`);
  if (slow.length) console.log(`# medians, ms, of the ${slow.length} loads at 200 ms or more: ${row(slow)}`);
}
