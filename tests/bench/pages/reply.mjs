// The console's first replies, RUNS (3) consoles just opened, 4 tweets
// each: key to cards on screen in the page, and the suggest's resource
// timing. PROF=1: a CDP CPU profile of the last console (self time per
// function); TRACE=1: a Chromium trace of each console (the last one is
// left in /tmp/h22reply.json), and per reply the CPU each part of the
// browser spent on it (replyCpu below).
// The first tweet is pasted once the browser is idle (tests/browser/idle.mjs),
// as the browser test does; AT_ONCE=1 pastes it as soon as the console loaded.
//   BASE=http://127.0.0.1:PORT RUNS=4 node tests/bench/pages/reply.mjs
// BASE=URL1,URL2 compares servers (say main's and a branch's, each with
// its own --web): each run opens a console on each in turn, and the
// medians per server are printed at the end.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { browserIdle } from '../../browser/idle.mjs';
const BASES = (process.env.BASE || 'http://127.0.0.1:18722').split(',');
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// Per reply of the traced console, from its key to its cards on screen
// (the page's own figure): the renderer's CPU by kind of work on its main
// thread (self time, to the innermost event named below), its raster
// workers' and compositor's, and the browser and GPU processes'.
const KIND = [
  [/^FontCache::|^FontDataManager::|GetWebFontRenderStyle/, 'fonts'],
  [/^UpdateLayoutTree$|^Document::updateStyle$/, 'style'],
  [/^Layout$|^LocalFrameView::layout$/, 'layout'],
  [/^PrePaint$|^Paint$|^LocalFrameView::RunPaintLifecyclePhase$|^Commit$|^Layerize$/, 'paint'],
  [/^EvaluateScript$|^v8\.compile$|^FunctionCall$|^v8\.run$|^BlinkScheduler_PerformMicrotaskCheckpoint$|^EventDispatch$/, 'script'],
  [/^ThrottlingURLLoader|^ResourceRequestSender|^ResponseBodyLoader/, 'fetch'],
];
const KINDS = ['script', 'fetch', 'style', 'layout', 'fonts', 'paint', 'other'];
function replyCpu(ev, shown) {
  const recs = [];
  const tname = {}, pname = {};
  for (const e of ev) {
    if (e.name === 'thread_name') tname[e.pid + ':' + e.tid] = e.args.name;
    if (e.name === 'process_name') pname[e.pid] = e.args.name;
  }
  const sends = ev.filter((e) => e.name === 'ResourceSendRequest' && /\/api\/v1\/suggest$/.test(e.args?.data?.url || '')).sort((a, b) => a.ts - b.ts);
  const keys = ev.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'keydown').sort((a, b) => a.ts - b.ts);
  const rpid = sends[0]?.pid;
  console.log('# reply | renderer main thread CPU ms (' + KINDS.join(' ') + ') | raster workers, compositor | browser, GPU process CPU ms | ' +
    'the response handled (JSON, cards made), CPU ms | layout objects');
  sends.forEach((s, i) => {
    const key = keys.filter((e) => e.pid === rpid && e.ts <= s.ts).pop();
    if (!key || shown[i] === undefined) return;
    const t0 = key.ts, t1 = t0 + shown[i] * 1000;
    const inWin = (e) => e.ph === 'X' && e.ts >= t0 && e.ts < t1;
    const main = ev.filter((e) => e.pid === rpid && tname[e.pid + ':' + e.tid] === 'CrRendererMain' && inWin(e)).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const cpu = Object.fromEntries(KINDS.map((k) => [k, 0])), stack = [], self = new Map();
    for (const e of main) {
      while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
      const parent = stack[stack.length - 1];
      const k = (KIND.find(([re]) => re.test(e.name)) || [])[1] || (parent ? parent.k : 'other');
      const node = { ts: e.ts, dur: e.dur, k, t: e.tdur || 0 };
      self.set(node, node.t);
      if (parent) self.set(parent, self.get(parent) - node.t);
      stack.push(node);
    }
    for (const [node, t] of self) if (t > 0) cpu[node.k] += t / 1000;
    const top = (pred) => {                      // top-level tasks' CPU on the threads chosen
      let sum = 0; const end = {};
      for (const e of ev.filter((x) => inWin(x) && pred(x) && /^(RunTask|ThreadPool_RunTask)$/.test(x.name)).sort((a, b) => a.ts - b.ts)) {
        const k = e.pid + ':' + e.tid;
        if (e.ts < (end[k] || 0)) continue;
        sum += (e.tdur || 0) / 1000; end[k] = e.ts + e.dur;
      }
      return sum;
    };
    // the response's handling (JSON, the cards made and put in the page):
    // the longest microtask checkpoint; the layout's objects
    const render = Math.max(0, ...main.filter((e) => e.name === 'BlinkScheduler_PerformMicrotaskCheckpoint').map((e) => (e.tdur || 0) / 1000));
    const objects = Math.max(0, ...main.filter((e) => e.name === 'Layout').map((e) => e.args?.beginData?.totalObjects || 0));
    const th = (re) => (e) => e.pid === rpid && re.test(tname[e.pid + ':' + e.tid] || '');
    const f = (x) => x.toFixed(1);
    const r = { shown: shown[i], main: KINDS.reduce((a, k) => a + cpu[k], 0), ...cpu, raster: top(th(/ThreadPool|Raster|CompositorTile/)),
      compositor: top(th(/^Compositor$/)), browser: top((e) => pname[e.pid] === 'Browser'), gpu: top((e) => pname[e.pid] === 'GPU Process'), render, objects };
    recs.push(r);
    console.log(`${i + 1} (${Math.round(shown[i])} ms) | ${f(r.main)} (${KINDS.map((k) => f(cpu[k])).join(' ')}) | ` +
      `${f(r.raster)}, ${f(r.compositor)} | ${f(r.browser)}, ${f(r.gpu)} | ${f(render)} | ${objects}`);
  });
  return recs;
}

const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const TRACE = process.env.TRACE;
const runs = +(process.env.RUNS || 3);
const tweets = [['how do i get the sim out of my iphone 13', 'jo_bloggs'], ['where is my refund?', 'sam'],
  ['is there a shop in Guildford?', 'alice'], ['my screen is cracked can you fix it', 'bob']];
const recs = BASES.map(() => []);
for (let run = 0; run < runs; run++) for (const [bi, BASE] of BASES.entries()) {
  if (BASES.length > 1) console.log('# ' + BASE);
  const c = await b.newContext({ baseURL: BASE, viewport: { width: 1280, height: 800 }, locale: 'en-GB', permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await c.newPage();
  await page.goto('/agent');
  if (!process.env.AT_ONCE) await browserIdle();  // as the browser test: the window's own UI loaded first
  await page.evaluate(() => {
    window.__shown = []; window.__t = [];
    let pressed = null;
    document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.ctrlKey) pressed = e.timeStamp; }, true);
    new MutationObserver(() => {
      if (pressed === null || !document.getElementById('agent-status')) return;
      const t0 = pressed; pressed = null;
      const dom = performance.now() - t0;
      const r = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/v1/suggest')).pop();
      requestAnimationFrame(() => setTimeout(() => { window.__shown.push(performance.now() - t0);
        window.__t.push({ fetchStart: r.startTime - t0, reqStart: r.requestStart - t0, respStart: r.responseStart - t0, respEnd: r.responseEnd - t0, dom });
        window.__waiting.filter(([k]) => window.__shown.length > k).forEach(([, res]) => res()); }, 0));
    }).observe(document.getElementById('suggestions'), { childList: true });
    // as the browser test waits: a promise asked for before the key, so
    // that nothing of Playwright's runs in the page while a reply is timed
    window.__waiting = [];
    window.__wait = (k) => new Promise((res) => (window.__shown.length > k ? res() : window.__waiting.push([k, res])));
  });
  let cdp = null;
  if (process.env.PROF && run === runs - 1) { cdp = await c.newCDPSession(page); await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 }); await cdp.send('Profiler.start'); }
  if (TRACE) await b.startTracing(page, { path: '/tmp/h22reply.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'loading', 'blink', 'v8', 'toplevel', 'netlog', 'disabled-by-default-network'] });
  for (const [i, [text, who]] of tweets.entries()) {
    await page.fill('#mention', text); await page.fill('#handle', who); await page.focus('#mention');
    const shown = page.evaluate((k) => window.__wait(k), i);
    await page.keyboard.press('Control+Enter');
    await shown;
    await page.keyboard.press('Alt+1');
    await page.waitForFunction(() => document.getElementById('mention').value === '');
  }
  if (TRACE) {
    await b.stopTracing();
    recs[bi].push(...replyCpu(JSON.parse(readFileSync('/tmp/h22reply.json')).traceEvents, await page.evaluate(() => window.__shown))
      .map((r, i) => ({ ...r, first: i === 0 })));
  }
  if (cdp) { const { profile } = await cdp.send('Profiler.stop');
    const self = {}, byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const dt = profile.timeDeltas; const cnt = {};
    profile.samples.forEach((id, i) => { cnt[id] = (cnt[id] || 0) + (dt[i + 1] || 0) / 1000; });
    for (const [id, ms] of Object.entries(cnt)) { const n = byId.get(+id); const k = n.callFrame.functionName + '@' + n.callFrame.url.split('/').pop() + ':' + n.callFrame.lineNumber; self[k] = (self[k] || 0) + ms; }
    console.log(Object.entries(self).sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => k + ' ' + v.toFixed(1)).join('\n')); }
  const t = await page.evaluate(() => window.__t), s = await page.evaluate(() => window.__shown);
  console.log('run', run, 'shown', s.map(Math.round).join(' '));
  t.forEach((x, i) => console.log('  ', i, Object.entries(x).map(([k, v]) => k + '=' + v.toFixed(1)).join(' ')));
  await c.close();
}
await b.close();
if (TRACE) {
  const med = (xs) => { const v = xs.slice().sort((x, y) => x - y); return v.length ? v[(v.length - 1) >> 1] : NaN; };
  const cols = ['shown', 'main', 'script', 'style', 'layout', 'paint', 'raster', 'render', 'objects'];
  console.log(`# medians of ${runs} consoles a server, first reply / later ones: ${cols.join(', ')} (ms; objects: layout's)`);
  for (const [bi, BASE] of BASES.entries())
    console.log(`# ${BASE}: ` + cols.map((k) => `${k} ${med(recs[bi].filter((r) => r.first).map((r) => r[k])).toFixed(1)}/` +
      `${med(recs[bi].filter((r) => !r.first).map((r) => r[k])).toFixed(1)}`).join(', '));
}
