// The console's first replies, RUNS (3) consoles just opened, 4 tweets
// each: key to cards on screen in the page, and the suggest's resource
// timing. PROF=1: a CDP CPU profile of the last console (self time per
// function); TRACE=1: a Chromium trace of it in /tmp/h22reply.json.
// The first tweet is pasted once the browser is idle (tests/browser/idle.mjs),
// as the browser test does; AT_ONCE=1 pastes it as soon as the console loaded.
//   BASE=http://127.0.0.1:PORT RUNS=4 node tests/bench/pages/reply.mjs
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { browserIdle } from '../../browser/idle.mjs';
const BASE = process.env.BASE || 'http://127.0.0.1:18722';
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const TRACE = process.env.TRACE;
const runs = +(process.env.RUNS || 3);
const tweets = [['how do i get the sim out of my iphone 13', 'jo_bloggs'], ['where is my refund?', 'sam'],
  ['is there a shop in Guildford?', 'alice'], ['my screen is cracked can you fix it', 'bob']];
for (let run = 0; run < runs; run++) {
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
        window.__t.push({ fetchStart: r.startTime - t0, reqStart: r.requestStart - t0, respStart: r.responseStart - t0, respEnd: r.responseEnd - t0, dom }); }, 0));
    }).observe(document.getElementById('suggestions'), { childList: true });
  });
  let cdp = null;
  if (process.env.PROF && run === runs - 1) { cdp = await c.newCDPSession(page); await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 }); await cdp.send('Profiler.start'); }
  if (TRACE && run === runs - 1) await b.startTracing(page, { path: '/tmp/h22reply.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'loading', 'blink', 'v8', 'toplevel', 'netlog', 'disabled-by-default-network'] });
  for (const [i, [text, who]] of tweets.entries()) {
    await page.fill('#mention', text); await page.fill('#handle', who); await page.focus('#mention');
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction((n) => window.__shown.length > n, i);
    await page.keyboard.press('Alt+1');
    await page.waitForFunction(() => document.getElementById('mention').value === '');
  }
  if (TRACE && run === runs - 1) await b.stopTracing();
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
