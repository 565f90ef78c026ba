// What an open console costs while the agent reads (issue 22): the
// renderer's and the browser's CPU over SECS (10) seconds of an idle
// /agent, once the browser is idle after the load (tests/browser/idle.mjs),
// RUNS (3) consoles a server; BASE=URL1,URL2 alternates servers.
//   BASE=http://127.0.0.1:PORT RUNS=3 node tests/bench/pages/idlecpu.mjs
import { chromium } from 'playwright-core';
import { browserIdle, chromiumCpu } from '../../browser/idle.mjs';
const BASES = (process.env.BASE || 'http://127.0.0.1:18722').split(',');
const runs = +(process.env.RUNS || 3), secs = +(process.env.SECS || 10);
const b = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
for (let r = 0; r < runs; r++) for (const base of BASES) {
  const c = await b.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const p = await c.newPage();
  await p.goto('/agent');
  await browserIdle();
  const a = chromiumCpu();
  await new Promise((res) => setTimeout(res, secs * 1000));
  const z = chromiumCpu();
  console.log(`${base}: in ${secs} s of an idle console, renderer CPU ${(z.renderer - a.renderer).toFixed(1)} ms, browser ${(z.browser - a.browser).toFixed(1)} ms`);
  await c.close();
}
await b.close();
