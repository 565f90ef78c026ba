// The browser's own work, apart from the page's (issue 22,
// docs/benchmarks.md "Pages, fourth round"). Every window Playwright opens
// (one per page, also in a context that has others) makes Chromium 156
// load its omnibox popup, a WebUI page of the browser's own
// (chrome://omnibox-popup.top-chrome/ and its AI-mode twin), in a renderer
// process of its own (--top-chrome-webui): 280-890 ms of CPU on up to five
// threads over the next 0.3-1.5 s. A customer's browser did that when its
// window opened, long before the click on our link; in the tests it ran
// beside the page being timed and, on this 2-core machine, took the
// page's renderer's CPU: 8 pages' first paints, a median of 204-208 ms
// and 13 of 24 over 200 ms with it, 100-152 ms and 0-3 of 24 once the
// browser was idle, modes alternated at load 5-13
// (tests/bench/pages/variance.mjs). So the timed tests wait for the
// browser to be idle before they start the clock.
//
// Reads /proc (Linux), as the rest of the suite's tooling does; elsewhere
// the CPU figures are 0 and browserIdle() returns after one step.
import { readFileSync, readdirSync } from 'node:fs';

const read = (f) => { try { return readFileSync(f, 'utf8'); } catch { return null; } };

// The processes descended from this node process (Chromium and its
// children), each with its kind (--type=..., 'webui' for the browser's own
// UI pages, 'browser' for the browser process).
// Every process descended from this node process, parents before children.
export function descendants() {
  const kids = new Map();
  let dirs = [];
  try { dirs = readdirSync('/proc'); } catch { return []; }
  for (const d of dirs) {
    if (!/^\d+$/.test(d)) continue;
    const s = read(`/proc/${d}/stat`);
    if (!s) continue;
    const ppid = +s.slice(s.lastIndexOf(')') + 2).split(' ')[1];
    if (!kids.has(ppid)) kids.set(ppid, []);
    kids.get(ppid).push(+d);
  }
  const out = [], todo = [process.pid];
  while (todo.length) for (const pid of kids.get(todo.pop()) || []) { out.push(pid); todo.push(pid); }
  return out;
}

export function chromiumProcesses() {
  const out = new Map();
  for (const pid of descendants()) {
    const cmd = read(`/proc/${pid}/cmdline`) || '';        // Chromium rewrites its argv as one string
    if (!/chrom/.test(cmd)) continue;
    const t = /--type=(\S+)/.exec(cmd);
    out.set(pid, !t ? 'browser' : t[1] === 'renderer' && cmd.includes('--top-chrome-webui') ? 'webui' : t[1]);
  }
  return out;
}

// CPU run by a process's threads so far, ms (/proc/PID/task/TID/schedstat:
// the first field, ns on a CPU; the second, ns waiting on a run queue).
export function processCpu(pid) {
  let run = 0, wait = 0, tasks = [];
  try { tasks = readdirSync(`/proc/${pid}/task`); } catch { return { run, wait }; }
  for (const tid of tasks) {
    const ss = read(`/proc/${pid}/task/${tid}/schedstat`);
    if (!ss) continue;
    const [r, w] = ss.split(' ').map(Number);
    run += r / 1e6;
    wait += w / 1e6;
  }
  return { run, wait };
}

// CPU run so far by Chromium's processes, ms, by kind.
export function chromiumCpu() {
  const by = {};
  for (const [pid, kind] of chromiumProcesses()) {
    const c = processCpu(pid);
    by[kind] = (by[kind] || 0) + c.run;
  }
  return by;
}
const total = (by) => Object.values(by).reduce((a, x) => a + x, 0);

// Resolves once Chromium's processes together ran under 2 ms of CPU in a
// 100 ms step (at most maxMs): the browser idle, its windows' own pages
// loaded. Answers the ms waited and the CPU the browser's own UI pages
// (webui) and the pages' renderers (renderer) ran meanwhile.
export async function browserIdle(maxMs = 5000) {
  const t0 = performance.now();
  const first = chromiumCpu();
  let last = total(first), now = first;
  while (performance.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, 100));
    now = chromiumCpu();
    const t = total(now);
    if (t - last < 2) break;
    last = t;
  }
  return { waited: performance.now() - t0, webui: (now.webui || 0) - (first.webui || 0),
    renderer: (now.renderer || 0) - (first.renderer || 0) };
}

// The machine's steal time so far, ms (/proc/stat: what the hypervisor
// gave to other guests while this one had work), and its idle time.
export function machineTimes() {
  const l = read('/proc/stat');
  if (!l) return { steal: 0, idle: 0 };
  const f = l.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { steal: f[7] * 10, idle: (f[3] + f[4]) * 10 };   // USER_HZ 100
}
