// Paths loaded alternately N times (60) as first visits; prints each
// path's median first contentful paint per G (12) loads, with the load
// average: a page against another, and any drift over a run.
//   BASE=http://127.0.0.1:PORT N=72 node tests/bench/pages/trend.mjs /es/help/store-sevilla /de/help/store-munchen
import { chromium } from 'playwright-core';
import { browserIdle } from '../../browser/idle.mjs';
import { loadavg } from 'node:os';
const BASE = process.env.BASE || 'http://127.0.0.1:18722';
const paths = process.argv.slice(2);
const N = +(process.env.N || 60);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
async function load(path) {
  const c = await b.newContext({ baseURL: BASE, viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  const page = await c.newPage();
  await page.goto('about:blank');
  const cdp = await c.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await browserIdle();                           // as the browser test: the window's own UI loaded first
  await page.goto(path, { waitUntil: 'networkidle' });
  const f = await page.evaluate(() => new Promise((res) => {
    const done = () => res(performance.getEntriesByName('first-contentful-paint')[0].startTime);
    if (performance.getEntriesByName('first-contentful-paint').length) done();
    else new PerformanceObserver(done).observe({ type: 'paint', buffered: true });
  }));
  await c.close();
  return f;
}
const xs = [];
for (let i = 0; i < N; i++) { const p = paths[i % paths.length]; xs.push([p, await load(p), loadavg()[0]]); }
const G = +(process.env.G || 12);
for (let i = 0; i < N; i += G) {
  const g = xs.slice(i, i + G);
  const byp = paths.map((p) => { const v = g.filter((x) => x[0] === p).map((x) => x[1]).sort((a, b) => a - b); return p + ' ' + Math.round(v[v.length >> 1]); });
  console.log(`loads ${i}-${i + G - 1}: load ${g[0][2].toFixed(1)} `, byp.join(', '));
}
await b.close();
