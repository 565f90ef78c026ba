// Real-browser tests of the pages kb-serve renders (docs/web-contract.md)
// and of web/static/app.{css,js}, driving Debian's Chromium through
// playwright-core.
//
//   KB_URL=http://127.0.0.1:PORT node tests/browser/run.mjs
//
// Without KB_URL the runner indexes kb/ into a temporary directory and
// starts bin/kb-serve itself on a free loopback port (and stops it after).
// CHROMIUM overrides /usr/bin/chromium; KB_ONLY=REGEX runs only the tests
// whose names match. Prints TAP ("ok N - name" /
// "not ok N - name"), then "# N passed, N failed"; exits 1 on a failure.
// Screenshots go to tests/output/screenshots/NAME-{phone,desktop}.png.

import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, readdirSync, cpSync, writeFileSync, readFileSync, watch } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, loadavg, availableParallelism } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { langChecks } from './lang.mjs';
import { createRequire } from 'node:module';
import { browserIdle, machineTimes, chromiumCpu } from './idle.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(ROOT, 'tests', 'output', 'screenshots');
// KB_SCREENS=docs/screens: also the README's screenshots, NAME-360.jpg and NAME-1280.jpg.
const SCREENS = process.env.KB_SCREENS ? join(ROOT, process.env.KB_SCREENS) : null;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE = { width: 360, height: 740 }, DESKTOP = { width: 1280, height: 800 };
const TEST_TIMEOUT = 60_000;

// ---- TAP ------------------------------------------------------------------
let n = 0, passed = 0, failed = 0;
const comment = (s) => console.log(String(s).split('\n').map((l) => '# ' + l).join('\n'));
class Fail extends Error {}
function check(cond, msg) { if (!cond) throw new Fail(msg); }
const ONLY = process.env.KB_ONLY ? new RegExp(process.env.KB_ONLY) : null;   // run only the tests named so
async function test(name, fn, timeout = TEST_TIMEOUT) {
  if (ONLY && !ONLY.test(name)) return;
  n++;
  let timer;
  try {
    await Promise.race([fn(), new Promise((_, rej) => { timer = setTimeout(() => rej(new Fail('timed out')), timeout); })]);
    passed++;
    console.log(`ok ${n} - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    comment(e instanceof Fail ? e.message : (e && e.stack) || e);
  } finally { clearTimeout(timer); }
}

// ---- The server -------------------------------------------------------------
let server = null, tmp = null;
function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  });
}
async function startServer() {
  tmp = mkdtempSync(join(tmpdir(), 'kb-browser-'));
  const bin = join(ROOT, process.env.KB_BIN || 'bin');
  const index = join(tmp, 'kb.sqlite'), data = join(tmp, 'data');
  mkdirSync(data);
  execFileSync(join(bin, 'kb-index'), ['-q', join(ROOT, 'kb'), '-o', index], { stdio: 'inherit' });
  const port = await freePort();
  server = spawn(join(bin, 'kb-serve'), ['--index', index, '--data', data, '--listen', `127.0.0.1:${port}`, '--quiet'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url + '/healthz')).ok) return url; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('kb-serve did not start');
}
function stopServer() {
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

// ---- Helpers ------------------------------------------------------------------
let BASE, browser;

// A page that records console errors, uncaught exceptions, CSP violations
// and dialogs (none of which any of our pages should ever cause).
async function openPage(ctx) {
  const page = await ctx.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The browser's own request for /favicon.ico is no page's doing.
    if (/^Failed to load resource/.test(m.text()) && /\/favicon\.ico$/.test(m.location().url)) return;
    page.problems.push('console: ' + m.text() + (m.location().url ? ' (' + m.location().url + ')' : ''));
  });
  page.on('pageerror', (e) => page.problems.push('exception: ' + e.message));
  page.on('dialog', (d) => { page.problems.push('dialog: ' + d.type() + ' ' + d.message()); d.dismiss().catch(() => {}); });
  // Runs before the page's own scripts and is not subject to its CSP.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
  });
  return page;
}
function clean(page, what = 'page') {
  check(page.problems.length === 0, `${what}: ${page.problems.join('\n')}`);
}
async function context(opts = {}) {
  return browser.newContext({ baseURL: BASE, viewport: DESKTOP, locale: 'en-GB', ...opts });
}
async function firstStoreHref(page) { return page.getAttribute('ol.stores > li:first-child h2 a', 'href'); }

// The pages every layout check visits: [name, path, prepare(page)?].
async function agentWithCards(page) {
  await page.fill('#mention', 'how do i get the sim out of my iphone 13');
  await page.fill('#handle', 'jo_bloggs');
  await page.click('#agent-form button[type=submit]');
  await page.waitForSelector('li.suggestion');
}
const PAGES = [
  ['home', '/'],
  ['search', '/search?q=sim'],
  ['search-empty', '/search?q=xyzzyqq'],
  ['article', '/help/remove-sim-iphone'],
  ['stores', '/stores'],
  ['stores-near', '/stores?near=leeds'],
  ['store', '/help/store-leeds'],
  ['agent', '/agent'],
  ['agent-cards', '/agent', agentWithCards],
  ['reports', '/reports'],
  ['kb-health', '/kb-health'],
  ['queue', '/team/queue'],
  ['topic', '/topics/orders-and-delivery'],
  ['not-found', '/help/no-such-article'],
  ['translations', '/team/translations'],
  ['agent-lang', '/agent?text=slt%20comment%20je%20recupere%20mon%20code%20RIO&author=bob&lang=fr'],
  // the staff's pages in the agent's language (issue #20: every interface word from ui.tsv)
  ['fr-agent', '/fr/agent'],
  ['fr-agent-cards', '/fr/agent?text=slt%20comment%20je%20recupere%20mon%20code%20RIO&author=bob'],
  ['de-agent-cards', '/de/agent?text=' + encodeURIComponent('wo ist meine Bestellung? hab seit 5 Tagen nix gehört') + '&author=bob'],
  ['es-agent-cards', '/es/agent?text=' + encodeURIComponent('q tal, como hago la portabilidad de mi numero') + '&author=bob'],
  ['fr-kb-health', '/fr/kb-health'],
  ['fr-queue', '/fr/team/queue'],
  ['fr-translations', '/fr/team/translations'],
  ['fr-reports', '/fr/reports'],
  ['fr-reports-all', '/fr/reports?lang=all&days=7'],
  ['fr-yaml', '/fr/kb-health/yaml'],
  ['yaml', '/kb-health/yaml'],
  // each language's site (issue #20): home, search, article, store finder, store page
  ...[['fr', 'code rio', 'keep-your-number', 'lyon', 'store-lyon'],
    ['de', 'rückgabe', 'returns-policy', 'Munich', 'store-munchen'],
    ['es', 'pantalla rota', 'cracked-screen', 'Seville', 'store-sevilla']].flatMap(([l, q, art, near, store]) => [
    [`${l}-home`, `/${l}/`],
    [`${l}-search`, `/${l}/search?q=${encodeURIComponent(q)}`],
    [`${l}-article`, `/${l}/help/${art}`],
    [`${l}-stores-near`, `/${l}/stores?near=${encodeURIComponent(near)}`],
    [`${l}-store`, `/${l}/help/${store}`],
  ]),
];

// The first card's confidence in the calibration table's words (web/calibration.tsv).
const CONF_FIRST = /^(Right about \d+ times? in 10|Right nearly every time|Right less than once in 10|Not rated: no article seems to fit)$/;

// The staff's pages, in any language (/fr/agent); the rest are public.
const STAFF = /^\/(?:[a-z]{2}\/)?(agent|reports|kb-health|team\/)/;

// axe-core with the issue's rule sets: no violation at all.
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
async function axeClean(page) {
  await page.addScriptTag({ path: AXE });
  const v = await page.evaluate(async (tags) => (await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })).violations
    .map((x) => ({ id: x.id, impact: x.impact, help: x.help, nodes: x.nodes.slice(0, 3).map((nd) => nd.target.join(' ')) })), AXE_TAGS);
  check(v.length === 0, v.map((x) => `${x.impact} ${x.id}: ${x.help} at ${x.nodes.join(', ')}`).join('\n'));
}

// ---- Signed in: a server with keys ---------------------------------------------------
const AGENT_KEY = 'agent-key-0123456789abcdef', TEAM_KEY = 'team-key-0123456789abcdef';

// kb-serve --kb on a copy of kb/ with --api-keys (one key per role) and a
// data directory of its own; stop() ends it and removes its files.
async function startKeyed() {
  const dir = mkdtempSync(join(tmpdir(), 'kb-keyed-'));
  const kb = join(dir, 'kb'), data = join(dir, 'data'), keys = join(dir, 'keys');
  cpSync(join(ROOT, 'kb'), kb, { recursive: true });
  mkdirSync(data);
  writeFileSync(keys, `agent ${AGENT_KEY}\nteam ${TEAM_KEY}\n`, { mode: 0o600 });
  const port = await freePort();
  const proc = spawn(join(ROOT, process.env.KB_BIN || 'bin', 'kb-serve'), ['--kb', kb, '--data', data, '--api-keys', keys,
    '--listen', `127.0.0.1:${port}`, '--rate', '-1', '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'ignore'] });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {               // the server and its indexer first, then their files
    if (proc.exitCode === null) await new Promise((res) => { proc.once('exit', res); proc.kill('SIGTERM'); });
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i++) {
    try { const h = await (await fetch(url + '/healthz')).json(); if (h.kb && !h.kb.building) return { url, kb, stop }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error('kb-serve with keys did not start');
}

// A browser context signed in with key through the sign-in form.
async function signedIn(url, key, next) {
  const c = await browser.newContext({ baseURL: url, viewport: DESKTOP, locale: 'en-GB', bypassCSP: true,
    permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await c.newPage();
  await page.goto('/signin?next=' + encodeURIComponent(next));
  await page.fill('#key', key);
  await Promise.all([page.waitForURL(url + next), page.click('form.signin button[type=submit]')]);
  await page.close();
  return c;
}

// The console's cards with one flagged and the mention sent to the team.
async function agentFlagged(page) {
  await agentWithCards(page);
  await page.click('li.suggestion:first-child details.flag summary');
  await page.selectOption('#flag-reason-1', 'outdated');
  await page.fill('#flag-note-1', 'the tray tool is now in the box');
  await page.click('li.suggestion:first-child form.flag button');
  await page.waitForSelector('li.suggestion:first-child .sent-to-team');
  await page.click('details.miss summary');
}

async function keyedChecks() {
  let keyed;
  await test('signed in: the keyed server starts, agents and the team sign in, data and a KB error are there', async () => {
    keyed = await startKeyed();
    const agent = await signedIn(keyed.url, AGENT_KEY, '/agent');
    const team = await signedIn(keyed.url, TEAM_KEY, '/reports');
    keyed.agent = agent;
    keyed.team = team;
    // the roles are kept apart: the agent's key does not open the reports
    const p = await agent.newPage();
    await p.goto('/reports');
    check(/\/signin/.test(p.url()), 'an agent reached the reports: ' + p.url());
    // data: mentions (two nobody can answer), replies sent, a dismissal,
    // searches, "did this help?", views; a flag and a mention sent to the
    // team from the console
    for (const text of ['how do i get the sim out of my iphone 13', 'where is my refund', 'do you sell fairphones',
      'what does the extended warranty cover?'])
      check((await p.request.post('/api/v1/suggest', { data: { text, author: 'axe' } })).ok(), 'suggest');
    for (const [slug, action] of [['remove-sim-iphone', 'sent'], ['refund-status', 'sent'], ['cracked-screen', 'dismissed']])
      check((await p.request.post('/api/v1/feedback', { data: { text: 'axe ' + slug, slug, action } })).ok(), 'feedback');
    for (const q of ['sim', 'refund', 'zzqqxx', 'zzqqxx'])
      await p.request.get('/api/v1/search?q=' + q);
    for (const [slug, helpful] of [['cracked-screen', true], ['cracked-screen', false], ['refund-status', true]])
      await p.request.post('/api/v1/helpful', { data: { slug, helpful } });
    for (const path of ['/help/water-damage', '/help/water-damage', '/help/refund-status']) await p.request.get(path);
    await p.goto('/agent');
    await agentFlagged(p);
    await p.fill('#miss-note', 'no article on phones we do not sell');
    await p.click('form.miss button');
    await p.waitForSelector('details.miss .sent-to-team');
    await p.close();
    // an edit with an error, and one with a warning
    writeFileSync(join(keyed.kb, 'articles', 'broken.md'), '---\ntitle: "Unclosed\nslug: broken\n---\nBody.\n');
    writeFileSync(join(keyed.kb, 'articles', 'typo.md'), '---\ntitle: A typo\nphrase:\n  - one\n---\nBody.\n');
    for (let i = 0; i < 100; i++) {
      const h = await (await fetch(keyed.url + '/healthz')).json();
      if (h.status === 'degraded' && !h.kb.building) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1000));          // the event log writes in the background
    const q = await team.newPage();
    await q.goto('/team/queue');
    check(await q.locator('ol.queue li.item').count() >= 2, 'the queue is empty');
    await q.goto('/kb-health');
    check(await q.locator('ol.problems li.error').count() > 0 && await q.locator('ol.problems li.warning').count() > 0,
      'no error and warning on the health page');
    await q.close();
  });
  if (!keyed || !keyed.agent) { if (keyed) await keyed.stop(); return; }
  const staff = (path) => STAFF.test(path);
  const publicPages = PAGES.filter(([, path]) => !staff(path));
  const byRole = [
    ['signed in as an agent', keyed.agent, [...publicPages, ['agent', '/agent'], ['agent-cards', '/agent', agentWithCards],
      ...PAGES.filter(([, p]) => /^\/[a-z]{2}\/agent/.test(p)),
      ['agent-flagged', '/agent', agentFlagged]]],
    ['signed in as the team', keyed.team, [...publicPages, ['reports', '/reports'], ['reports-7-days', '/reports?days=7'],
      ['kb-health', '/kb-health'], ['queue', '/team/queue'], ...PAGES.filter(([, p]) => /^\/[a-z]{2}\/(reports|kb-health|team\/)/.test(p))]],
  ];
  const out = await browser.newContext({ baseURL: keyed.url, viewport: DESKTOP, locale: 'en-GB', bypassCSP: true });
  byRole.push(['signed out', out, [['signin', '/signin?next=%2Fagent'], ['signin-failed', '/signin?failed=1&next=%2Fagent']]]);
  // the README's screenshots of what only a keyed server shows
  const shots = { signin: 'signin', 'kb-health': 'kb-health-problems', 'agent-flagged': 'agent-flagged' };
  for (const [role, c, pages] of byRole) {
    for (const [name, path, prepare] of pages) {
      await test(`axe with keys configured, ${role}, at 360 and 1280 px: no violations on ${name} (${path})`, async () => {
        const page = await c.newPage();
        for (const vp of [PHONE, DESKTOP]) {
          await page.setViewportSize(vp);
          const r = await page.goto(path);
          check(!/\/signin/.test(page.url()) || /^\/signin/.test(path), `${path}: sent to ${page.url()}`);
          check(r.status() < 500, `${path}: ${r.status()}`);
          if (prepare) await prepare(page);
          await axeClean(page).catch((e) => { throw new Fail(`at ${vp.width} px: ${e.message}`); });
          if (SCREENS && shots[name] && !/failed/.test(path))
            await page.screenshot({ path: join(SCREENS, `${shots[name]}-${vp.width}.jpg`), fullPage: true, type: 'jpeg', quality: 60 });
        }
        await page.close();
      });
    }
  }
  await keyed.agent.close();
  await keyed.team.close();
  await out.close();
  await keyed.stop();
}

// ---- The tests ------------------------------------------------------------------
async function main() {
  if (!existsSync(CHROMIUM)) {
    console.log('1..1\nnot ok 1 - Chromium at ' + CHROMIUM + ' (apt-get install chromium)\n# 0 passed, 1 failed');
    process.exit(1);
  }
  BASE = (process.env.KB_URL || await startServer()).replace(/\/$/, '');
  comment('server ' + BASE);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  mkdirSync(SHOTS, { recursive: true });
  if (SCREENS) mkdirSync(SCREENS, { recursive: true });

  const ctx = await context();                                       // JavaScript on
  const noJs = await context({ javaScriptEnabled: false });          // JavaScript off

  // (a)
  await test('home page loads without console errors or CSP violations', async () => {
    const page = await openPage(ctx);
    const r = await page.goto('/');
    check(r.status() === 200, 'status ' + r.status());
    check(/PhoneRetailer Help/.test(await page.title()), 'title: ' + await page.title());
    check(await page.locator('body.page-home form.search #q').count() === 1, 'no search form');
    check(await page.locator('a.skip[href="#main"]').count() === 1, 'no skip link');
    const csp = r.headers()['content-security-policy'] || '';
    check(/script-src 'self'/.test(csp), 'CSP header: ' + csp);
    await page.waitForLoadState('networkidle');
    clean(page);
    await page.close();
  });

  await test('skip link is visible on focus and moves focus to main', async () => {
    const page = await openPage(ctx);
    await page.goto('/');
    await page.keyboard.press('Tab');
    const box = await page.locator('a.skip').boundingBox();
    check(box && box.y >= 0 && box.height > 10, 'skip link not on screen when focused: ' + JSON.stringify(box));
    await page.keyboard.press('Enter');
    check(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'main', 'focus not on main');
    clean(page);
    await page.close();
  });

  // (b)
  await test('search with JavaScript off: "sim tray stuck" lists SIM articles with <mark>', async () => {
    const page = await openPage(noJs);
    await page.goto('/');
    await page.fill('#q', 'sim tray stuck');
    await Promise.all([page.waitForURL(/\/search\?q=sim\+tray\+stuck/), page.press('#q', 'Enter')]);
    const href = await page.getAttribute('ol.results > li:first-child h2 a', 'href');
    check(['/help/remove-sim-iphone', '/help/remove-sim-android'].includes(href), 'first result: ' + href);
    check(await page.locator('ol.results > li:first-child p.snippet mark').count() > 0, 'no <mark> in the first snippet');
    check(/results? for/.test(await page.textContent('#results .count')), 'no count line');
    clean(page);
    await page.close();
  });

  // (c)
  await test('search as you type: "deliv" updates #results without navigating', async () => {
    const page = await openPage(ctx);
    await page.goto('/');
    await page.evaluate(() => { window.__samePage = 1; });
    await page.locator('#q').pressSequentially('deliv', { delay: 120 });
    await page.waitForSelector('#results ol.results a[href*="deliver"]', { timeout: 5000 });
    // "del" already lists the delivery articles: on a loaded machine the
    // answer to "deliv" (and the URL it writes) may come after that, so wait
    // for it before checking; a URL never updated still fails the check below
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'deliv', null,
                               { timeout: 5000 }).catch(() => {});
    check(await page.evaluate(() => window.__samePage) === 1, 'the page was reloaded');
    check(await page.getAttribute('#results', 'aria-live') === null, '#results is a live region (every result re-announced)');
    check(/^\d+ results? for/.test(await page.textContent('#result-count')), 'the live count: ' + await page.textContent('#result-count'));
    check(new URL(page.url()).searchParams.get('q') === 'deliv', 'URL not updated: ' + page.url());
    check(await page.locator('#results').count() === 1, 'nested or duplicated #results');
    check(await page.inputValue('#q') === 'deliv', 'the box lost its text');
    clean(page);
    await page.close();
  });

  await test('search as you type aborts stale requests, ignores 1-character queries', async () => {
    const page = await openPage(ctx);
    await page.goto('/');
    const asked = [];
    page.on('request', (r) => { if (r.url().includes('fragment=1')) asked.push(new URL(r.url()).searchParams.get('q')); });
    await page.locator('#q').pressSequentially('r', { delay: 300 });
    await page.waitForTimeout(400);
    check(asked.length === 0, 'asked for ' + JSON.stringify(asked));
    await page.locator('#q').pressSequentially('efund', { delay: 20 });   // faster than the 200 ms debounce
    await page.waitForSelector('#results a[href="/help/refund-status"]');
    for (let i = 0; i < 50 && asked[asked.length - 1] !== 'refund'; i++) await page.waitForTimeout(100);
    // one request when the keys come 20 ms apart; on a loaded machine a key
    // can come after the debounce, and the earlier prefix is asked (and
    // aborted) too: at most one such, never a one-character query
    check(asked[asked.length - 1] === 'refund' && asked.length <= 2 &&
          asked.every((q) => q.length >= 2 && 'refund'.startsWith(q)), 'requests: ' + JSON.stringify(asked));
    clean(page);
    await page.close();
  });

  // (d)
  await test('article from results: h1, related list, "Did this help?" Yes shows thanks', async () => {
    const page = await openPage(ctx);
    await page.goto('/search?q=sim+tray+stuck');
    await Promise.all([page.waitForURL(/\/help\//), page.click('ol.results > li:first-child h2 a')]);
    check(await page.locator('article h1').count() === 1, 'no h1');
    check(await page.locator('aside.related ul li a').count() > 0, 'no related articles');
    const posted = page.waitForRequest((r) => r.url().endsWith('/api/v1/helpful') && r.method() === 'POST');
    await page.click('form.helpful button[value=yes]');
    const body = JSON.parse((await posted).postData());
    check(body.helpful === true && /^remove-sim-/.test(body.slug), 'posted ' + JSON.stringify(body));
    await page.waitForSelector('p.helpful-thanks[role=status]');
    check(/Thanks for telling us/.test(await page.textContent('p.helpful-thanks')), 'thanks text');
    check(await page.locator('form.helpful').count() === 0, 'the form is still there');
    check(/\/help\/remove-sim-/.test(page.url()) && !/thanks=1/.test(page.url()), 'navigated: ' + page.url());
    clean(page);
    await page.close();
  });

  await test('"Did this help?" with JavaScript off posts the form and shows thanks', async () => {
    const page = await openPage(noJs);
    await page.goto('/help/cracked-screen');
    await Promise.all([page.waitForURL(/thanks=1/), page.click('form.helpful button[value=no]')]);
    check(await page.locator('p.helpful-thanks').count() === 1, 'no thanks');
    clean(page);
    await page.close();
  });

  await test('"Did this help?" falls back to the form post when the API fails', async () => {
    const page = await openPage(ctx);
    await page.route('**/api/v1/helpful', (r) => r.fulfill({ status: 503, contentType: 'application/json', body: '{}' }));
    await page.goto('/help/cracked-screen');
    await Promise.all([page.waitForURL(/thanks=1/), page.click('form.helpful button[value=yes]')]);
    check(await page.locator('p.helpful-thanks').count() === 1, 'no thanks');
    page.problems = page.problems.filter((p) => !/503/.test(p));       // the mocked failure itself
    clean(page);
    await page.close();
  });

  // (e)
  await test('store finder: Harrogate lists nearest stores with distances; store page', async () => {
    const page = await openPage(ctx);
    await page.goto('/stores');
    await page.fill('#near', 'Harrogate');
    await Promise.all([page.waitForURL(/near=Harrogate/), page.click('form.store-search button[type=submit]')]);
    const names = await page.locator('ol.stores > li h2').allTextContents();
    check(names.length >= 2, 'stores: ' + names.length);
    check(/York|Leeds/.test(names[0]), 'first: ' + names[0]);
    const dist = await page.locator('ol.stores > li p.distance').allTextContents();
    check(dist.length === names.length && dist.every((d) => /\d+\s*(km|mi)/.test(d)), 'distances: ' + dist);
    const href = await firstStoreHref(page);
    await Promise.all([page.waitForURL('**' + href), page.click('ol.stores > li:first-child h2 a')]);
    check(await page.locator('body.page-store h1').count() === 1, 'no h1 / body.page-store');
    check((await page.textContent('p.address')).trim().length > 5, 'no address');
    check(await page.locator('p.phone a[href^="tel:"]').count() === 1, 'no phone link');
    check(await page.locator('table.hours th[scope=row]').count() === 7, 'hours rows');
    const dir = await page.getAttribute('a.directions', 'href');
    check(/^https:\/\/www\.google\.com\/maps\/dir\/\?api=1&destination=-?[\d.]+,-?[\d.]+$/.test(dir), 'directions: ' + dir);
    clean(page);
    await page.close();
  });

  // Issue #22, items 10-13: the public site.
  await test('public: search box, breadcrumb and last-updated date on article, store and 404 pages', async () => {
    const page = await openPage(ctx);
    for (const [path, crumbs, dated] of [['/help/remove-sim-iphone', 3, true], ['/help/store-leeds', 3, true], ['/help/no-such-article', 2, false]]) {
      await page.goto(path);
      check(await page.locator('header form.search-mini[role=search] #hq').count() === 1, path + ': no search box');
      const items = await page.locator('nav.crumbs[aria-label=Breadcrumb] li').count();
      check(items === crumbs, `${path}: ${items} breadcrumb items`);
      check(await page.locator('nav.crumbs li:last-child[aria-current=page]').count() === 1, path + ': no current crumb');
      if (dated) check(/^\d{4}-\d\d-\d\d$/.test(await page.getAttribute('p.updated time', 'datetime') || ''), path + ': no last-updated date');
    }
    check(await page.getAttribute('nav.crumbs li:first-child a', 'href') === '/', 'the first crumb is not Help home');
    await page.goto('/help/remove-sim-iphone');
    check(/^\/topics\/sims/.test(await page.getAttribute('nav.crumbs li:nth-child(2) a', 'href')), 'the crumb is not the category');
    await page.fill('#hq', 'refund');
    await Promise.all([page.waitForURL(/\/search\?q=refund/), page.press('#hq', 'Enter')]);
    check(await page.locator('ol.results li').count() > 0, 'header search found nothing');
    page.problems = page.problems.filter((p) => !/404/.test(p));
    clean(page);
    await page.close();
  });

  await test('public: the home page lists categories and the articles most viewed, not the alphabet', async () => {
    const page = await openPage(ctx);
    for (let i = 0; i < 12; i++) await page.request.get('/help/water-damage');
    await page.request.get('/help/voicemail-setup');
    // views are logged as events and counted from the log about once a
    // second, not per page
    let pop = [];
    for (let i = 0; i < 50 && !(pop[0] === '/help/water-damage' && pop.includes('/help/voicemail-setup')); i++) {
      if (i) await page.waitForTimeout(100);
      await page.goto('/?fresh=' + i);                // not a copy cached by an earlier test
      pop = await page.$$eval('ol.popular li a', (l) => l.map((a) => a.getAttribute('href')));
    }
    check(pop[0] === '/help/water-damage', 'popular: ' + pop.join(', '));
    check(pop.includes('/help/voicemail-setup'), 'a viewed article is missing: ' + pop.join(', '));
    const topics = await page.locator('ul.topics li a').count();
    check(topics >= 3, 'topics: ' + topics);
    await Promise.all([page.waitForURL(/\/topics\/repairs/), page.click('ul.topics a[href="/topics/repairs-and-faults"]')]);
    check(await page.locator('h1').textContent() === 'Repairs and faults', 'topic h1');
    check(await page.locator('ul.topic-list a[href="/help/water-damage"]').count() === 1, 'topic list');
    check(await page.locator('nav[aria-label=Main] a[href="/agent"], nav[aria-label=Main] a[href="/reports"]').count() === 0, 'the public navigation links staff pages');
    clean(page);
    await page.close();
  });

  await test('store finder: full and outward postcodes, spaced or not, and near misses', async () => {
    const page = await openPage(ctx);
    for (const [q, label, first] of [['LS1 4AP', /LS1 4AP \(Leeds\)/, '/help/store-leeds'], ['ls14ap', /LS1 4AP/, '/help/store-leeds'],
      ['SW1A 1AA', /SW1A 1AA \(London\)/, /\/help\/store-london-/], ['M1', /M1 \(Manchester\)/, '/help/store-manchester'],
      ['harogate', /Harrogate/, /\/help\/store-(leeds|york)/]]) {
      await page.goto('/stores?near=' + encodeURIComponent(q));
      const count = await page.textContent('p.count');
      check(label.test(count), `${q}: ${count}`);
      const href = await firstStoreHref(page);
      check(first instanceof RegExp ? first.test(href) : href === first, `${q}: first store ${href}`);
      check(await page.locator('ol.stores > li p.distance').count() >= 3, q + ': no distances');
    }
    clean(page);
    await page.close();
  });

  await test('search: snippets are prose, never table cells or bold labels run together', async () => {
    const page = await openPage(ctx);
    for (const q of ['store address opening hours', 'repair price', 'accessibility step free']) {
      await page.goto('/search?q=' + encodeURIComponent(q));
      const sn = await page.$$eval('ol.results p.snippet', (l) => l.map((p) => p.textContent));
      check(sn.length > 0, q + ': no results');
      const bad = sn.filter((t) => /Section What you|Repair Price from|Accessibility Step|Channel Where/.test(t));
      check(bad.length === 0, `${q}: ${bad.join(' | ')}`);
    }
    clean(page);
    await page.close();
  });

  await test('search: a page past the end shows the last page, not "Page 99 of 7"', async () => {
    const page = await openPage(ctx);
    await page.goto('/search?q=sim&page=99');
    const t = await page.textContent('nav.pages span');
    const m = /^Page (\d+) of (\d+)$/.exec(t);
    check(m && m[1] === m[2], 'pages: ' + t);
    check(await page.locator('ol.results li').count() > 0, 'no results on the last page');
    clean(page);
    await page.close();
  });

  await test('live search: one live region announcing the count only; no duplicate headings when nothing is found', async () => {
    const page = await openPage(ctx);
    await page.goto('/');
    await page.locator('#q').pressSequentially('xyzzyqq', { delay: 30 });
    await page.waitForSelector('#results .empty');
    const live = await page.$$eval('[aria-live], [role=status], [role=alert]', (l) => l.filter((e) => !e.hidden).map((e) => e.id || e.className));
    check(live.length === 1 && live[0] === 'result-count', 'live regions: ' + live.join(', '));
    const said = await page.textContent('#result-count');
    check(/No articles match/.test(said) && said.length < 120, 'announced: ' + said);
    const heads = await page.$$eval('h2', (l) => l.filter((h) => h.offsetParent !== null).map((h) => h.textContent));
    const dup = heads.filter((h, i) => heads.indexOf(h) !== i);
    check(dup.length === 0, 'duplicate headings: ' + heads.join(' | '));
    clean(page);
    await page.close();
  });

  // Issue #22's targets for the public pages: under 20 KB compressed on the
  // wire, first paint under 200 ms. Each public page is loaded the way a
  // first visit loads it, KB_PAINT_RUNS times (3), in rounds: a new browser context
  // (its own renderer, started on a blank page), the HTTP cache off; the
  // clock starts once the browser is idle (idle.mjs: the new window's own
  // UI, Chromium's omnibox popup, loads in a renderer of its own for
  // 280-890 ms of CPU, which a customer's browser did when its window
  // opened, not after the click; the wait and that CPU are printed). The
  // bytes are the Performance API's transferSize (headers and gzipped
  // bodies) of the page and what it loads, asserted under 20 KB on every
  // run. The paint is the 'first-contentful-paint' entry; each page's
  // median over its runs must be under the bound: KB_PAINT_MS when set,
  // else 200 ms on a machine whose load average is at most its number of
  // cores, scaled by load/cores above that (on the shared 2-core machine
  // the renderer's work waits for a CPU: the same page paints in 110 ms
  // quiet and 400 ms at load 8). One load before the runs, not counted,
  // starts the browser's renderer machinery. In `make test` the bound is
  // five times that (KB_PAINT_MS unset: 1 s scaled by load): speed is
  // measured, not asserted, by the suite (the project's standards; the
  // figures are printed and go to docs/benchmarks.md); KB_PAINT_MS=200
  // checks the issue's target on a quiet machine.
  await test('public pages: gzipped, under 20 KB on the wire; first contentful paint measured (target 200 ms: KB_PAINT_MS=200)', async () => {
    const runs = +(process.env.KB_PAINT_RUNS || 3), figures = [];
    const pages = PAGES.filter(([, p]) => !STAFF.test(p));
    const load = async (path) => {
      const c = await context();
      const page = await openPage(c);
      await page.goto('about:blank');
      const cdp = await c.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const idle = await browserIdle(), cpu0 = chromiumCpu();
      const enc = [];
      page.on('response', async (r) => { if (!/favicon/.test(r.url())) enc.push([r.url().replace(BASE, ''), (await r.allHeaders())['content-encoding']]); });
      await page.goto(path, { waitUntil: 'networkidle' });
      const cpu1 = chromiumCpu();
      const f = await page.evaluate(() => new Promise((res) => {
        const done = () => {
          const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
          const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
          res({ fcp: paint['first-contentful-paint'], bytes: all.reduce((a, e) => a + e.transferSize, 0), n: all.length });
        };
        if (performance.getEntriesByName('first-contentful-paint').length) done();
        else new PerformanceObserver(done).observe({ type: 'paint', buffered: true });
      }));
      check(enc.length >= 2 && enc.every(([, e]) => e === 'gzip'), `${path}: not all gzipped: ${JSON.stringify(enc)}`);
      check(f.bytes < 20 * 1024, `${path}: ${f.bytes} bytes on the wire`);
      page.problems = page.problems.filter((p) => !(/no-such-article/.test(path) && /404/.test(p)));
      clean(page, path);
      await c.close();
      // the renderers' CPU (the page's, and a spare one that stays idle) from
      // the navigation to network idle: the page's whole first visit, which
      // depends much less on the machine's load than its paint
      return { ...f, idle, cpu: (cpu1.renderer || 0) - (cpu0.renderer || 0) };
    };
    await load('/');
    const load0 = loadavg()[0], m0 = machineTimes();
    // Round by round, every page once a round: the machine's load drifts
    // over a run, and pages each measured in turn had the last ones (the
    // Spanish site's) paint late for that alone: loaded alternately with
    // the German pages, es-store and de-store painted alike (72 loads,
    // medians 184-244 against 168-320 ms, load 11-17).
    const fss = pages.map(() => []);
    for (let i = 0; i < runs; i++)
      for (const [k, [, path]] of pages.entries()) fss[k].push(await load(path));
    for (const [k, [name]] of pages.entries()) {
      const fs = fss[k], ms = fs.map((f) => f.fcp).sort((x, y) => x - y);
      const cs = fs.map((f) => f.cpu).sort((x, y) => x - y);
      figures.push({ name, med: ms[(ms.length - 1) >> 1], worst: ms[ms.length - 1], kb: fs[0].bytes / 1024, n: fs[0].n, cpu: cs[(cs.length - 1) >> 1] });
    }
    const cores = availableParallelism(), avg = (load0 + loadavg()[0]) / 2, m1 = machineTimes();
    const bound = +process.env.KB_PAINT_MS || 1000 * Math.max(1, avg / cores);
    const all = figures.map((f) => f.med).sort((x, y) => x - y);
    const idles = fss.flat().map((f) => f.idle), mid = (xs) => xs.sort((x, y) => x - y)[(xs.length - 1) >> 1];
    comment(`before each load: waited for an idle browser ${Math.round(mid(idles.map((i) => i.waited)))} ms (median), ` +
      `its window's own UI pages ran ${Math.round(mid(idles.map((i) => i.webui)))} ms of CPU meanwhile (median); over the test the machine ` +
      `was idle ${Math.round(m1.idle - m0.idle)} ms and had ${Math.round(m1.steal - m0.steal)} ms stolen by the hypervisor (both CPUs)`);
    comment(`first contentful paint, ms, median/worst of ${runs} first visits, and bytes on the wire: ` +
      figures.map((f) => `${f.name} ${Math.round(f.med)}/${Math.round(f.worst)} ${f.kb.toFixed(1)} KB in ${f.n}`).join(', '));
    const cpus = figures.map((f) => f.cpu).sort((x, y) => x - y);
    comment(`the page's renderer's CPU from the navigation to network idle, ms, median of ${runs}: ` +
      figures.map((f) => `${f.name} ${Math.round(f.cpu)}`).join(', ') + `; pages' medians ${Math.round(cpus[0])}-${Math.round(cpus[cpus.length - 1])}, ` +
      `median ${Math.round(cpus[cpus.length >> 1])}`);
    comment(`pages' medians: median ${Math.round(all[all.length >> 1])} ms, worst ${Math.round(all[all.length - 1])} ms; ` +
      `bound ${Math.round(bound)} ms (${process.env.KB_PAINT_MS ? 'KB_PAINT_MS' : `load average ${avg.toFixed(1)} on ${cores} cores`})`);
    const slow = figures.filter((f) => f.med >= bound);
    check(slow.length === 0, 'over the bound: ' + slow.map((f) => `${f.name} ${Math.round(f.med)} ms`).join(', '));
  }, 10 * TEST_TIMEOUT);                               // every language's pages, each a new browser context, 3 times

  // The type scale (app.css): a fresh renderer asks the browser process,
  // synchronously, for each face and each size of a face its first layout
  // meets, and rasters each size's glyphs anew; the public pages used 9-10
  // (family, size, weight) text styles, now at most 5 (docs/benchmarks.md,
  // "Pages, third round"). Every visible text of every public page is
  // checked; an article's code may add the monospace face.
  await test('public pages: text in the type scale (one family, 400/700, 14/16/20/24 px), at most 5 text styles a page', async () => {
    const bad = [];
    for (const [name, path] of PAGES.filter(([, p]) => !STAFF.test(p))) {
      const page = await openPage(ctx);
      await page.goto(path);
      const styles = await page.evaluate(() => {
        const seen = new Map();
        const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = w.nextNode(); n; n = w.nextNode()) {
          const e = n.parentElement;
          if (!n.textContent.trim() || !e.getClientRects().length || e.closest('article pre, article code')) continue;
          const cs = getComputedStyle(e);
          if (cs.visibility === 'hidden') continue;
          seen.set(`${cs.fontFamily} ${cs.fontSize} ${cs.fontWeight} ${cs.fontStyle}`, e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
        }
        return [...seen];
      });
      const off = styles.filter(([k]) => !/^system-ui, sans-serif (14|16|20|24)px (400|700) normal$/.test(k));
      if (off.length) bad.push(`${name}: ${off.map(([k, el]) => `${k} (${el})`).join('; ')}`);
      if (styles.length > 5) bad.push(`${name}: ${styles.length} text styles: ${styles.map(([k]) => k).join('; ')}`);
      page.problems = page.problems.filter((p) => !(/no-such-article/.test(path) && /404/.test(p)));
      clean(page, path);
      await page.close();
    }
    check(bad.length === 0, bad.join('\n'));
  });

  await test("articles link the site's own pages: no example.co.uk, the store finder at /stores", async () => {
    const slugs = readdirSync(join(ROOT, 'kb', 'articles')).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
    const bad = [];
    for (const slug of slugs) {
      // (this server keeps the default rate limit, 20 requests a second a
      // client: 41 articles fetched back to back can pass it, and then the
      // 429 says when to come back, as a client should)
      let r = await fetch(`${BASE}/api/v1/articles/${slug}`);
      for (let i = 0; r.status === 429 && i < 5; i++) {
        await new Promise((res) => setTimeout(res, 1000 * Number(r.headers.get('retry-after') || 1)));
        r = await fetch(`${BASE}/api/v1/articles/${slug}`);
      }
      check(r.status === 200, `${slug}: HTTP ${r.status}`);
      const j = await r.json();
      for (const [, href] of j.html.matchAll(/href="([^"]*)"/g))
        if (!/^(\/|#|tel:|mailto:)/.test(href)) bad.push(slug + ': ' + href);
    }
    check(bad.length === 0, bad.join('\n'));
    const page = await openPage(ctx);
    await page.goto('/help/find-a-store');
    check(await page.locator('article a[href="/stores"]').count() > 0, 'find-a-store does not link /stores');
    check(!/Use my location|or map/.test(await page.textContent('article')), 'promises what the site does not have');
    clean(page);
    await page.close();
  });

  // Issue #22, item 7: the knowledge team's KB health page.
  // The target: a saved error on /kb-health and /healthz within 1 s, and
  // gone within 1 s of the fix. The page's time is taken in the page (a
  // MutationObserver's clock), not by waitForSelector, whose polling added
  // 50-450 ms on the loaded machine. The indexer's part is seen through the
  // status file it writes (fs.watch): 150 ms of quiet after the last change
  // (design), then a check of every file (its CPU time, from /proc: 40-60
  // ms); the rest of its time is waiting for a CPU on a loaded machine.
  // After it, the server reads the file when asked and the page polls
  // /healthz every 250 ms, then fetches itself. Three saves and three
  // fixes: each must meet the target once the indexer's wait for a CPU is
  // taken off (the only allowance for load), and the figures are printed.
  await test('KB health: a saved error shows on /kb-health (KB-relative file:line, the fix) and /healthz says degraded within 1 s; cleared within 1 s', async () => {
    const kbCopy = join(tmp || mkdtempSync(join(tmpdir(), 'kb-browser-')), 'kb-live');
    cpSync(join(ROOT, 'kb'), kbCopy, { recursive: true });
    const data = kbCopy + '-data';
    mkdirSync(data, { recursive: true });
    const port = await freePort();
    const bin = join(ROOT, process.env.KB_BIN || 'bin');
    const srv = spawn(join(bin, 'kb-serve'), ['--kb', kbCopy, '--data', data, '--listen', `127.0.0.1:${port}`, '--quiet'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'ignore'] });
    const url = `http://127.0.0.1:${port}`;
    const healthz = async () => { try { return await (await fetch(url + '/healthz')).json(); } catch { return {}; } };
    let watcher = null;
    try {
      for (let i = 0; i < 300; i++) {
        const h = await healthz();
        if (h.kb && !h.kb.building) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const page = await openPage(ctx);
      await page.goto(url + '/kb-health');
      check(await page.locator('#health .state.good').count() === 1, 'not good at the start');
      await page.evaluate(() => {
        window.__states = [];
        new MutationObserver(() => {
          const s = document.querySelector('#health .state');
          if (s && s.className !== window.__last) window.__states.push([Date.now(), window.__last = s.className]);
        }).observe(document.body, { subtree: true, childList: true });
      });
      // when the indexer reports: the status file renamed into place with
      // (or without) errors
      const status = join(data, 'index.sqlite.status.json');
      let reported = null;
      watcher = watch(data, () => {
        try {
          const j = JSON.parse(readFileSync(status, 'utf8'));
          if (reported && !reported.at && reported.want(j)) [reported.at, reported.cpu] = [Date.now(), indexerCpu()];
        } catch { /* being replaced */ }
      });
      // the indexer's CPU time so far, ms (utime + stime of kb-serve's child)
      const tick = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
      const indexerCpu = () => {
        try {
          const pid = readFileSync(`/proc/${srv.pid}/task/${srv.pid}/children`, 'utf8').trim().split(/\s+/)[0];
          const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
          return (Number(f[11]) + Number(f[12])) * tick;
        } catch { return 0; }
      };
      const broken = join(kbCopy, 'articles', 'broken.md');
      const rounds = [];
      async function round(what, act, want, cls, ok) {
        await page.evaluate(() => { window.__states = []; });
        reported = { want };
        const cpu0 = indexerCpu();
        const t0 = Date.now();
        act();
        let hz = null;
        while (Date.now() - t0 < 5000 && !hz) {
          if ((await healthz()).status === ok) hz = Date.now() - t0;
          else await new Promise((r) => setTimeout(r, 10));
        }
        await page.waitForSelector('#health .state.' + cls, { timeout: 5000 });
        const seen = (await page.evaluate(() => window.__states)).find(([, c]) => c.includes(cls));
        const r = { what, indexer: reported.at ? reported.at - t0 : null, healthz: hz, page: seen[0] - t0 };
        // the indexer's time beyond its design (150 ms of quiet, 50 ms for
        // the status file to reach us) and its own CPU: waiting for a CPU
        r.wait = reported.at ? Math.max(0, Math.round(r.indexer - 200 - (reported.cpu - cpu0))) : 0;
        rounds.push(r);
        return r;
      }
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 600));
        await round('error', () => writeFileSync(broken, '---\ntitle: "Unclosed\nslug: broken\n---\nBody.\n'),
          (j) => j.errors > 0, 'bad', 'degraded');
        if (i === 0) {
          const where = await page.locator('ol.problems li.error .where').first().textContent();
          check(/^articles\/broken\.md:\d+$/.test(where), 'not KB-relative: ' + where);
          check(await page.locator('ol.problems li.error .fix').count() > 0, 'no fix');
          check(/last good version is serving since/.test(await page.textContent('#health .state')), 'no last good version');
        }
        await new Promise((r) => setTimeout(r, 600));
        await round('fix', () => rmSync(broken), (j) => j.errors === 0, 'good', 'ok');
      }
      comment('KB health, ms after the save (indexer reported, of it waiting for a CPU / /healthz / page): ' +
        rounds.map((r) => `${r.what} ${r.indexer} (${r.wait})/${r.healthz}/${r.page}`).join(', ') +
        ` (load average ${loadavg()[0].toFixed(1)})`);
      for (const r of rounds)
        check(r.healthz !== null && Math.max(r.healthz, r.page) - r.wait <= 1000, `${r.what}: ${JSON.stringify(r)}: over 1000 ms beyond the wait`);
      check(await page.locator('table.overdue a[href="/help/store-opening-hours"]').count() === 1, 'no overdue list');
      clean(page);
      await page.close();
    } finally {
      if (watcher) watcher.close();
      srv.kill('SIGTERM');
    }
  });

  // Issue #22, item 9: knowledge capture from the console.
  await test('knowledge capture: flag an article and send an unanswered mention from the console; the queue lists them; Done clears', async () => {
    const page = await openPage(ctx);
    await page.goto('/agent');
    await page.fill('#mention', 'do you sell the fairphone 5?');
    await page.fill('#handle', 'zoe');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('li.suggestion');
    const slug = await page.getAttribute('li.suggestion:first-child', 'data-slug');
    await page.click('li.suggestion:first-child details.flag summary');
    await page.selectOption('#flag-reason-1', 'missing');
    await page.fill('#flag-note-1', 'no article on Fairphone');
    await page.click('li.suggestion:first-child form.flag button');
    await page.waitForSelector('li.suggestion:first-child .sent-to-team');
    await page.click('details.miss summary');
    await page.fill('#miss-note', 'a page on phones we do not sell');
    await page.click('form.miss button');
    await page.waitForSelector('details.miss .sent-to-team');
    check(await page.inputValue('#mention') === '' && await page.evaluate(() => document.activeElement.id) === 'mention', 'not ready for the next');
    await page.goto('/team/queue');
    const items = page.locator('ol.queue li.item');
    check(await items.count() >= 2, 'queue: ' + await items.count());
    check(/No article fits/.test(await items.nth(0).textContent()) && /fairphone/.test(await items.nth(0).textContent()), 'unanswered item');
    check(/Misses a case/.test(await items.nth(1).textContent()) && await items.nth(1).locator(`a[href="/help/${slug}"]`).count() === 1, 'flag item');
    const before = await items.count();
    await Promise.all([page.waitForURL(/\/team\/queue$/), items.nth(0).locator('button').click()]);
    check(await page.locator('ol.queue li.item').count() === before - 1, 'Done did not clear');
    clean(page);
    await page.close();
  });

  await test('knowledge capture without JavaScript: the flag form posts and returns to the same cards', async () => {
    const page = await openPage(noJs);
    await page.goto('/agent?text=' + encodeURIComponent('where is my refund') + '&author=sam');
    await page.click('li.suggestion:first-child details.flag summary');
    await Promise.all([page.waitForURL(/done=flagged/), page.click('li.suggestion:first-child form.flag button')]);
    check(/Flagged for the knowledge team/.test(await page.textContent('.notice.done')), 'no notice');
    check(await page.locator('li.suggestion').count() > 0, 'the cards are gone');
    clean(page);
    await page.close();
  });

  // Issue #22, item 8: reports people look at.
  await test('reports: a chosen range, SVG charts with titles and the figures behind them, unique mentions, CSV, tables reachable at 360 px', async () => {
    for (let i = 0; i < 3; i++)                         // the same mention three times: one unique
      await fetch(BASE + '/api/v1/suggest', { method: 'POST', body: JSON.stringify({ text: 'my parcel is lost zqx' }) });
    // #19: searches that show results though no article fits them (the
    // no-fit table, on this page and on the axe pass's, English and French)
    await fetch(BASE + '/api/v1/search?q=do+you+sell+garden+furniture');
    await fetch(BASE + '/fr/search?q=location+de+voiture');
    await new Promise((r) => setTimeout(r, 1500));      // the event log writes in the background
    const small = await context({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
    const page = await openPage(small);
    await page.goto('/reports');
    await Promise.all([page.waitForURL(/days=7/), page.selectOption('#days', '7').then(() => page.click('form.range button'))]);
    check(/The last 7 days/.test(await page.textContent('#trends-h')), 'range');
    const charts = page.locator('figure.chart svg[role=img]');
    check(await charts.count() >= 4, 'charts: ' + await charts.count());
    check(await page.locator('figure.chart svg title').first().textContent() === 'Mentions a day', 'chart title');
    check(await page.locator('details.data table th[scope=row]').count() === 7, 'data table rows');
    const totals = await page.textContent('ul.totals');
    const m = /(\d+) mentions \((\d+) unique\)/.exec(totals);
    check(m && +m[2] < +m[1], 'unique mentions: ' + totals);
    check(await page.locator('h1').count() === 1, 'more than one h1');
    check(await page.locator('section[aria-labelledby="h-never-sent"] th[scope=row] a[href^="/help/"]').count() > 0, 'article rows without links');
    const nofit = await page.$$eval('section[aria-labelledby="h-no-fit"] tbody th[scope=row]', (l) => l.map((e) => e.textContent.trim()));
    check(nofit.some((t) => /^do you sell garden furniture\s*shown first: [a-z0-9-]+$/.test(t)), 'the no-fit table: ' + nofit.join(' | '));
    // (the article shown first opens its page)
    check(await page.locator('section[aria-labelledby="h-no-fit"] th[scope=row] small a[href^="/help/"]').count() > 0, 'the no-fit table: the article shown first is not a link');
    const regions = await page.$$eval('.scroll[tabindex="0"]', (l) => l.length);
    check(regions >= 1, 'scroll regions the keyboard can reach: ' + regions);
    const csv = await (await fetch(BASE + '/reports.csv?days=7')).text();
    check(/^day,mentions,unique_mentions,answerable_mentions,replies_sent,searches_with_no_results,helpful_answers\r\n(\d{4}-\d\d-\d\d(,\d+){6}\r\n){7}$/.test(csv), 'CSV: ' + csv.slice(0, 200));
    // #20: the French page opens on the French figures; its select, a
    // plain GET form, shows every language's, each side by side anyway
    await page.goto('/fr/reports?days=7');
    check(await page.$eval('#rlang', (s) => s.value) === 'fr', 'the French page opens on French');
    check((await page.textContent('label[for=rlang]')).trim() === 'Langue des messages', 'the select is labelled');
    await Promise.all([page.waitForURL(/lang=all/), page.selectOption('#rlang', 'all').then(() => page.click('form.range button'))]);
    check(/^\/fr\/reports$/.test(new URL(page.url()).pathname), 'left the French site: ' + page.url());
    check(await page.$eval('#rlang', (s) => s.value) === 'all', 'the choice is kept');
    check(await page.getAttribute('a.csv', 'href') === '/fr/reports.csv?days=7&lang=all', 'the CSV link names the language');
    check(await page.locator('section[aria-labelledby="h-languages"] tbody th[scope=row]').count() === 4, 'each language side by side');
    check(await page.textContent('section[aria-labelledby="h-languages"] tbody th[scope=row] >> nth=0') === 'anglais', 'languages named in the page\'s words');
    check(/affiché en premier :/.test(await page.textContent('section[aria-labelledby="h-no-fit"]')), 'the no-fit table in French words');
    clean(page);
    await page.close();
    await small.close();
  });

  // (f)
  const clip = await context({ permissions: ['clipboard-read', 'clipboard-write'] });
  await test('agent console: paste, Ctrl+Enter, copy the reply (under 5 s)', async () => {
    const page = await openPage(clip);
    await page.goto('/agent');
    await page.waitForSelector('#shortcuts');
    const api = page.waitForResponse((r) => r.url().endsWith('/api/v1/suggest'));
    const t0 = Date.now();
    await page.fill('#mention', 'how do i get the sim out of my iphone 13');      // the paste
    await page.fill('#handle', '@jo_bloggs');
    await page.focus('#mention');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('li.suggestion');
    const reply = await page.inputValue('li.suggestion:first-child textarea.reply');
    const count = await page.textContent('li.suggestion:first-child .count .n');
    await page.click('li.suggestion:first-child button.copy');
    await page.waitForSelector('li.suggestion:first-child button.copy.done');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const ms = Date.now() - t0;
    comment(`paste to copied reply: ${ms} ms`);
    const json = await (await api).json();
    const sent = JSON.parse((await api).request().postData());
    check(sent.author === 'jo_bloggs' && sent.limit === 5 && !('collection' in sent), 'request ' + JSON.stringify(sent));
    check(reply.startsWith('@jo_bloggs '), 'reply: ' + reply);
    check(copied === reply, 'clipboard: ' + copied);
    check(/^\d+$/.test(count) && +count <= 280, 'count ' + count);
    check(+count === json.suggestions[0].reply_length, `count ${count} != server's reply_length ${json.suggestions[0].reply_length}`);
    check(await page.locator('li.suggestion').count() === json.suggestions.length, 'cards != suggestions');
    check(CONF_FIRST.test(await page.textContent('li.suggestion:first-child .confidence')), 'confidence in words');
    check(await page.locator('li.suggestion:first-child .snippet mark').count() > 0, 'snippet lost its <mark>');
    check(ms < 5000, `took ${ms} ms`);
    clean(page);
    await page.close();
  });

  // Issue #22, item 1: cards belong to the mention and handle they were made for.
  await test('agent console: cards bound to their mention and handle; stale cards greyed and not copyable', async () => {
    const page = await openPage(clip);
    await page.goto('/agent');
    await page.fill('#mention', 'is there a shop in Guildford?');
    await page.fill('#handle', 'alice');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('li.suggestion');
    const before = await page.evaluate(() => getComputedStyle(document.querySelector('li.suggestion')).backgroundColor);
    await page.evaluate(() => navigator.clipboard.writeText('untouched'));
    await page.fill('#mention', 'my screen is cracked, can you fix it?');
    await page.fill('#handle', 'bob');
    await page.focus('#mention');
    await page.keyboard.press('Alt+1');
    await page.waitForTimeout(200);
    const clipText = await page.evaluate(() => navigator.clipboard.readText());
    check(clipText === 'untouched', 'Alt+1 on a stale card copied: ' + clipText);
    check(await page.locator('#suggestions.is-stale').count() === 1, 'cards not marked stale');
    check(await page.locator('li.suggestion button.copy:enabled').count() === 0, 'a stale card can still be copied');
    check(/earlier mention from @alice/.test(await page.textContent('.stale-note')), 'no stale note');
    const after = await page.evaluate(() => getComputedStyle(document.querySelector('li.suggestion')).backgroundColor);
    check(before !== after, 'stale cards look the same: ' + after);
    // Back to the same mention and handle: the cards are live again.
    await page.fill('#mention', 'is there a shop in Guildford?');
    await page.fill('#handle', 'alice');
    check(await page.locator('#suggestions.is-stale').count() === 0, 'still stale');
    check(await page.locator('li.suggestion button.copy:enabled').count() > 0, 'copy still disabled');
    clean(page);
    await page.close();
  });

  await test('agent console in French (/fr/agent): French labels, cards the script renders in French, the calibrated confidence as the server says it', async () => {
    const c = await context({ viewport: DESKTOP });
    const page = await openPage(c);
    const mention = 'slt, comment je récupère mon code RIO pour garder mon numéro ?';
    // the server's cards for the mention, to compare the script's with
    await page.goto('/fr/agent?text=' + encodeURIComponent(mention));
    const server = await page.locator('li.suggestion .confidence').allTextContents();
    const serverTitle = await page.getAttribute('li.suggestion:first-child .confidence', 'title');
    await page.goto('/fr/agent');
    check(await page.getAttribute('html', 'lang') === 'fr', 'html lang');
    check(await page.textContent('label[for=mention]') === 'Message du client', 'label: ' + await page.textContent('label[for=mention]'));
    check(await page.textContent('h1') === 'Console agent', 'h1');
    check(/^Raccourcis : /.test(await page.textContent('#shortcuts')), 'shortcuts: ' + await page.textContent('#shortcuts'));
    check(/Proposer\s*Ctrl\+Entrée/.test(await page.textContent('#agent-form button[type=submit]')), 'button');
    check(await page.getAttribute('nav[aria-label="Menu principal"] a[href="/fr/reports"]', 'href') === '/fr/reports', 'the staff links stay in French');
    await page.fill('#mention', mention);
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('li.suggestion');
    const status = await page.textContent('#agent-status');
    check(/^\d+ suggestions?$/.test(status), 'status: ' + status);
    check(/^Langue : français, détectée \(confiance [01],\d\d\)$/.test(await page.textContent('#agent-lang')), 'lang: ' + await page.textContent('#agent-lang'));
    const words = await page.locator('li.suggestion .confidence').allTextContents();
    check(/^(Juste environ \d+ fois sur 10|Juste presque à chaque fois)$/.test(words[0]), 'first: ' + words[0]);
    check(words.slice(1).every((w) => w === 'Moins probable que la première'), 'others: ' + words);
    check(JSON.stringify(words) === JSON.stringify(server), `script ${words} != server ${server}`);
    check(await page.getAttribute('li.suggestion:first-child .confidence', 'title') === serverTitle, 'title');
    const copyLabel = await page.textContent('li.suggestion:first-child button.copy .label');
    check(['Copier la réponse', 'Copier et marquer comme envoyée'].includes(copyLabel), 'copy label: ' + copyLabel);
    check(await page.textContent('li.suggestion:first-child details.flag summary') === 'Signaler cet article' ||
      await page.locator('details.flag').count() === 0, 'flag summary');
    clean(page);
    await c.close();
  });

  await test('agent console: compact cards (three above the fold at 1280x900), article link, place, did you mean, DM, confidence words', async () => {
    const c = await context({ viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await openPage(c);
    await page.goto('/agent');
    await page.fill('#mention', 'is there a shop in Guildford?');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('li.suggestion');
    const bottoms = await page.$$eval('li.suggestion', (l) => l.map((x) => x.getBoundingClientRect().bottom));
    comment('card bottoms at 1280x900: ' + bottoms.map(Math.round).join(', '));
    check(bottoms.filter((b) => b <= 900).length >= 3, 'cards above the fold: ' + bottoms.filter((b) => b <= 900).length);
    check(/Guildford/.test(await page.textContent('#suggestions .place')), 'no place');
    check(await page.getAttribute('#suggestions .place a', 'href') === '/help/store-guildford', 'no store link');
    const href = await page.getAttribute('li.suggestion:first-child h2 a', 'href');
    check(/^\/help\/[a-z0-9-]+$/.test(href), 'no article link: ' + href);
    const conf = await page.$$eval('li.suggestion', (l) => l.map((x) => +x.dataset.confidence));
    check(conf.every((v, i) => i === 0 || conf[i - 1] >= v), 'not by confidence: ' + conf);
    const words = await page.locator('li.suggestion .confidence').allTextContents();
    check(words.every((w, i) => (i ? /^(Less likely than the first|Not rated: no article seems to fit)$/ : CONF_FIRST).test(w)), 'confidence: ' + words);
    await page.fill('#mention', 'my screan is crakced');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#suggestions .didyoumean');
    check(/cracked/.test(await page.textContent('#suggestions .didyoumean')), 'did you mean');
    await page.fill('#mention', 'my bill is wrong, charged twice');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('li.suggestion:first-child .escalate');
    check(await page.textContent('li.suggestion:first-child .escalate') === 'Move to DM', 'DM flag');
    clean(page);
    await page.close();
    await c.close();
  });

  await test('agent console: one key copies and marks sent, clears the handle and tweet; Undo within 5 s records nothing', async () => {
    const page = await openPage(clip);
    const fb = [];
    page.on('request', (r) => { if (r.url().endsWith('/api/v1/feedback')) fb.push(JSON.parse(r.postData())); });
    await page.goto('/agent');
    await page.fill('#mention', 'where is my refund');
    await page.fill('#handle', 'sam');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('li.suggestion');
    const reply = await page.inputValue('#reply-1');
    await page.keyboard.press('Alt+1');
    await page.waitForSelector('li.suggestion.is-sent button.undo');
    check(await page.evaluate(() => navigator.clipboard.readText()) === reply, 'clipboard');
    check(await page.inputValue('#mention') === '' && await page.inputValue('#handle') === '', 'not cleared');
    check(await page.evaluate(() => document.activeElement.id) === 'mention', 'focus: ' + await page.evaluate(() => document.activeElement.id));
    await page.click('li.suggestion.is-sent button.undo');
    check(await page.inputValue('#mention') === 'where is my refund' && await page.inputValue('#handle') === 'sam', 'undo did not restore');
    await page.waitForTimeout(5600);
    check(fb.length === 0, 'recorded despite undo: ' + JSON.stringify(fb));
    // Edited, then sent with the digit key outside a text box.
    await page.fill('#reply-2', (await page.inputValue('#reply-2')) + ' Thanks!');
    await page.click('h1');
    await page.keyboard.press('2');
    await page.waitForSelector('li.suggestion:nth-child(2).is-sent');
    await page.waitForTimeout(5600);
    check(fb.length === 1 && fb[0].action === 'edited' && fb[0].text === 'where is my refund' && fb[0].author === 'sam', 'feedback ' + JSON.stringify(fb));
    // Not relevant, on fresh cards.
    await page.fill('#mention', 'where is my refund');
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => !document.querySelector('li.suggestion.is-sent'));
    await page.locator('li.suggestion').nth(0).locator('button.dismiss').click();
    await page.waitForSelector('li.suggestion.is-dismissed');
    check(fb.length === 2 && fb[1].action === 'dismissed', 'feedback ' + JSON.stringify(fb));
    // Live count
    const ta = page.locator('#reply-2');
    await ta.fill('x'.repeat(270) + ' https://example.com/' + 'y'.repeat(60));
    check(await page.locator('li.suggestion').nth(1).locator('.count .n').textContent() === '294', 'count with a URL');
    check(/over/.test(await page.locator('li.suggestion').nth(1).locator('.count').getAttribute('class')), 'no .over');
    clean(page);
    await page.close();
  });

  // Issue #22's target: a reply on screen under 100 ms, each of 8 tweets,
  // the first included (a console just opened: the first tweet is pasted
  // once the browser is idle after the console loaded, as an agent pastes
  // a tweet after opening it, not in the same millisecond; idle.mjs: the
  // new window's own UI, Chromium's omnibox popup, loads meanwhile, 280-890
  // ms of CPU that otherwise fell on the first replies; the wait, the
  // console's own CPU in it and that UI's are printed). Timed in the page, from
  // the key's own event timestamp to the end of the first frame that shows
  // the cards (an animation frame after they are in the DOM, then a task
  // after that frame): what the agent waits for, without the test tool's
  // own round trips (Playwright's first call into a page costs it tens of
  // milliseconds, which the wall clock of the press-and-wait also printed
  // here counts). The bound: KB_REPLY_MS when set, else 100 ms on a
  // machine whose load average is at most its cores, scaled by load/cores
  // above that, as the paint test's; in `make test` five times that
  // (KB_REPLY_MS unset: 500 ms scaled by load), KB_REPLY_MS=100 for the
  // issue's target on a quiet machine.
  await test('agent console: 8 pasted tweets, at most 2 keystrokes each (suggest, copy-as-sent), replies on screen measured (target 100 ms: KB_REPLY_MS=100)', async () => {
    const page = await openPage(clip);
    const fb = [];
    page.on('request', (r) => { if (r.url().endsWith('/api/v1/feedback')) fb.push(JSON.parse(r.postData())); });
    await page.goto('/agent');
    const idle = await browserIdle();
    const load0 = loadavg()[0];
    await page.evaluate(() => {
      window.__keys = 0;
      window.__shown = [];
      let pressed = null;
      document.addEventListener('keydown', (e) => {
        if (!['Control', 'Alt', 'Shift', 'Meta'].includes(e.key)) window.__keys++;   // a chord is one keystroke
        if (e.key === 'Enter' && e.ctrlKey) pressed = e.timeStamp;
      }, true);
      new MutationObserver(() => {
        if (pressed === null || !document.getElementById('agent-status')) return;
        const t0 = pressed;
        pressed = null;
        requestAnimationFrame(() => setTimeout(() => {
          window.__shown.push(performance.now() - t0);
          window.__waiting.filter(([k]) => window.__shown.length > k).forEach(([, res]) => res());
        }, 0));
      }).observe(document.getElementById('suggestions'), { childList: true });
      // Resolves once the k+1-th reply is on screen: asked before the key
      // is pressed, so that nothing of the test tool runs in the page while
      // a reply is timed (waitForFunction's first polls there cost the
      // renderer 30 ms, in a trace, between the cards and their frame).
      window.__waiting = [];
      window.__wait = (k) => new Promise((res) => (window.__shown.length > k ? res() : window.__waiting.push([k, res])));
    });
    const tweets = [['how do i get the sim out of my iphone 13', 'jo_bloggs'], ['where is my refund?', 'sam'],
      ['is there a shop in Guildford?', 'alice'], ['my screen is cracked can you fix it', 'bob'],
      ['what time does the leeds store open on thursday', 'cat'], ['how do i set up an esim', 'dan'],
      ['can i keep my number if i switch to you', 'eve'], ['my order never arrived', 'fred']];
    const wall = [];
    for (const [i, [text, who]] of tweets.entries()) {
      await page.fill('#mention', text);                // the paste (no keystrokes)
      await page.fill('#handle', who);
      await page.focus('#mention');
      await page.evaluate(() => { window.__keys = 0; });
      const t0 = Date.now(), shownNow = page.evaluate((k) => window.__wait(k), i);
      await page.keyboard.press('Control+Enter');
      await shownNow;
      wall.push(Date.now() - t0);
      await page.waitForFunction(([w, n]) => { const s = document.getElementById('agent-status'); return s && s.textContent.endsWith('@' + w) && !document.getElementById('suggestions').classList.contains('is-stale') && window.__shown.length > n; }, [who, i]);
      const reply = await page.inputValue('#reply-1');
      await page.keyboard.press('Alt+1');
      await page.waitForFunction(() => document.getElementById('mention').value === '');
      const keys = await page.evaluate(() => window.__keys);
      check(keys <= 2, `${keys} keystrokes for "${text}"`);
      check(reply.startsWith('@' + who + ' '), 'reply for ' + who + ': ' + reply);
      check(await page.evaluate(() => navigator.clipboard.readText()) === reply, 'clipboard for ' + who);
    }
    const shown = (await page.evaluate(() => window.__shown)).map(Math.round);
    const cores = availableParallelism(), avg = (load0 + loadavg()[0]) / 2;
    const bound = +process.env.KB_REPLY_MS || 500 * Math.max(1, avg / cores);
    comment(`key to cards on screen, ms, in the page: ${shown.join(', ')} (the first is a console just opened); ` +
      `the test tool's press-and-wait: ${wall.join(', ')}; the console opened, the browser was idle ${Math.round(idle.waited)} ms later ` +
      `(its window's own UI pages ran ${Math.round(idle.webui)} ms of CPU meanwhile, the console's renderer ${Math.round(idle.renderer)} ms); bound ${Math.round(bound)} ms ` +
      `(${process.env.KB_REPLY_MS ? 'KB_REPLY_MS' : `load average ${avg.toFixed(1)} on ${cores} cores`})`);
    await page.waitForTimeout(5600);
    check(fb.length === 8 && fb.every((f, i) => f.author === tweets[i][1] && f.text === tweets[i][0] && f.action === 'sent'), 'feedback ' + JSON.stringify(fb.map((f) => [f.author, f.action])));
    check(shown.length === 8, `${shown.length} replies timed`);
    const slow = shown.map((ms, i) => [i + 1, ms]).filter(([, ms]) => ms >= bound);
    check(slow.length === 0, 'over the bound: ' + slow.map(([k, ms]) => `tweet ${k} ${ms} ms`).join(', '));
    clean(page);
    await page.close();
  });

  await test('agent console: a named store fills the reply (address, hours of the day asked)', async () => {
    const page = await openPage(clip);
    await page.goto('/agent');
    await page.fill('#mention', 'what time does the leeds store open on thursday');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('li.suggestion');
    const r = await page.inputValue('#reply-1');
    check(/42 Briggate/.test(r) && /09:00-20:00/.test(r) && /Thursday/.test(r) && !/Most stores/.test(r), 'reply: ' + r);
    await page.fill('#mention', 'is there a shop in Guildford?');
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => /Guildford/.test(document.getElementById('reply-1').value));
    const g = await page.inputValue('#reply-1');
    check(/152 High Street/.test(g) && /store-guildford/.test(g) && !/by town or postcode/.test(g), 'reply: ' + g);
    clean(page);
    await page.close();
  });

  await test('agent console: a notice while replies link to a loopback address', async () => {
    const page = await openPage(ctx);
    await page.goto('/agent');
    check(/127\.0\.0\.1.*--public-url/.test(await page.textContent('.notice.loopback')), 'no loopback notice');
    clean(page);
    await page.close();
  });

  await test('agent console: twitter-text weighting in console.js', async () => {
    const page = await openPage(ctx);
    await page.goto('/agent');
    const cases = [
      ['hello', 5],
      ['see https://www.example.com/a/very/long/path/indeed?x=1.', 4 + 23 + 1],
      ['www.phoneretailer.co.uk and example.com', 23 + 5 + 23],
      ['local http://127.0.0.1:8080/help/x', 6 + 28],            // no TLD: not a URL to twitter-text
      ['mail jo@example.com', 19],
      ['e\u0301', 1],                                             // NFC: é
      ['日本', 4],
      ['👨‍👩‍👧‍👦', 2], ['🇬🇧', 2], ['1️⃣', 2], ['👍🏽', 2], ['❤️', 2],
      ['\u2014\u2019', 2],
    ];
    const got = await page.evaluate((c) => c.map(([s]) => window.kbTweetLength(s)), cases);
    const bad = cases.filter((c, i) => got[i] !== c[1]).map((c) => `${JSON.stringify(c[0])}: ${got[cases.indexOf(c)]} (want ${c[1]})`);
    check(bad.length === 0, bad.join('\n'));
    clean(page);
    await page.close();
  });

  await test('agent console: unanswerable note, 401 asks for the key, network error, KB banner', async () => {
    const page = await openPage(ctx);
    await page.route('**/healthz', (r) => r.fulfill({ contentType: 'application/json',
      body: JSON.stringify({ status: 'ok', kb: { builds: 2, errors: 2, problems: ['articles/a.md:3: no title', 'articles/b.md:1: bad <b>yaml</b>'] } }) }));
    await page.goto('/agent');
    await page.waitForSelector('#banner:not([hidden])');
    const text = await page.textContent('#banner');
    check(/knowledge base has 2 problems/.test(text) && !/articles\/|yaml/.test(text), 'banner (one line, no paths or parser text): ' + text);
    check(await page.locator('#banner p').count() === 1, 'more than one line');
    // Chit-chat is not answerable
    await page.fill('#mention', 'you lot are brilliant, thanks!');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#suggestions p.unanswerable');
    // 401
    await page.route('**/api/v1/suggest', (r) => r.fulfill({ status: 401, contentType: 'application/json',
      body: '{"error":{"code":"unauthorized","message":"a valid API key is needed"}}' }));
    await page.click('#agent-form button[type=submit]');
    // no API key field here (a server without keys, or an agent signed in
    // whose sign-in expired): the agent is told to sign in again
    await page.waitForFunction(() => /sign in again/.test(document.getElementById('banner').textContent));
    // Network failure
    await page.unroute('**/api/v1/suggest');
    await page.route('**/api/v1/suggest', (r) => r.abort('connectionrefused'));
    await page.click('#agent-form button[type=submit]');
    await page.waitForFunction(() => /cannot be reached/.test(document.getElementById('banner').textContent));
    page.problems = page.problems.filter((p) => !/401|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p));
    clean(page);
    await page.close();
  });

  await test('agent console: API keys are sent as a Bearer header and kept for the session', async () => {
    const page = await openPage(ctx);
    // The sample server has no keys: show the console as a keyed one would.
    await page.route('**/agent', async (r) => {
      const res = await r.fetch();
      r.fulfill({ response: res, body: (await res.text()).replace('data-keys="0"', 'data-keys="1"')
        .replace('</select>', '</select><label for="apikey" class="apikey">API key</label><input id="apikey" class="apikey" type="password" autocomplete="off">') });
    });
    let auth = null;
    await page.route('**/api/v1/suggest', (r) => { auth = r.request().headers().authorization; r.continue(); });
    await page.goto('/agent');
    await page.fill('#apikey', 's3cret-key');
    await agentWithCards(page);
    check(auth === 'Bearer s3cret-key', 'authorization: ' + auth);
    await page.reload();
    check(await page.inputValue('#apikey') === 's3cret-key', 'key not remembered');
    clean(page);
    await page.close();
  });

  await test('agent console without JavaScript: suggestions, then Not relevant and Mark sent through plain forms', async () => {
    const page = await openPage(noJs);
    await page.goto('/agent?text=' + encodeURIComponent('where is my refund') + '&author=sam');
    check(await page.locator('#suggestions li.suggestion textarea.reply').count() > 0, 'no cards');
    check((await page.inputValue('#reply-1')).startsWith('@sam '), 'reply 1');
    await Promise.all([page.waitForURL(/done=dismissed/), page.click('li.suggestion:first-child button.dismiss')]);
    check(/not relevant/.test(await page.textContent('.notice.done')), 'no notice');
    check(await page.inputValue('#mention') === 'where is my refund' && await page.inputValue('#handle') === 'sam', 'the mention was lost');
    await Promise.all([page.waitForURL(/done=sent/), page.click('li.suggestion:first-child button.copy')]);
    check(/Recorded as sent/.test(await page.textContent('.notice.done')), 'no sent notice');
    check(await page.inputValue('#mention') === '' && await page.inputValue('#handle') === '', 'not cleared for the next');
    clean(page);
    await page.close();
  });

  // (g)
  const XSS = '<script>alert(1)</script>';
  await test('XSS: a script in the query is shown as text (JavaScript off and on)', async () => {
    for (const c of [noJs, ctx]) {
      const page = await openPage(c);
      await page.goto('/search?q=' + encodeURIComponent(XSS));
      await page.waitForTimeout(300);
      check(await page.inputValue('#q') === XSS, 'box: ' + await page.inputValue('#q'));
      check(await page.locator('main script').count() === 0, 'a script element in main');
      check((await page.textContent('#results')).includes(XSS), 'the query is not shown as text');
      clean(page);
      await page.close();
    }
  });

  await test('XSS: typing a script into the search box and into the agent console', async () => {
    const page = await openPage(ctx);
    await page.goto('/');
    const frag = page.waitForResponse((r) => r.url().includes('fragment=1') && r.url().includes('script'));
    await page.fill('#q', XSS + '<img src=x onerror=alert(2)>');
    await frag;
    await page.waitForTimeout(300);
    check(await page.locator('#results script, #results img').count() === 0, 'markup from the query in #results');
    // The agent console: hostile API strings must stay text.
    await page.route('**/api/v1/suggest', (r) => r.fulfill({ contentType: 'application/json', body: JSON.stringify({
      answerable: true, place: null, suggestions: [{ slug: 's"><img src=x onerror=alert(3)>', collection: 'default',
        title: '<img src=x onerror=alert(4)>Title', url: 'https://example.com/', score: 1, confidence: 0.5,
        reply: '@x <script>alert(5)</script>', reply_length: 30,
        snippet: 'ok <mark>fine</mark> <img src=x onerror=alert(6)><script>alert(7)</script><a href="javascript:alert(8)">x</a>',
        escalate: 'dm' }] }) }));
    await page.goto('/agent');
    await page.fill('#mention', XSS);
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('li.suggestion');
    await page.waitForTimeout(300);
    check(await page.locator('#suggestions img, #suggestions script, #suggestions a[href^="javascript"]').count() === 0, 'markup from the API was rendered');
    check(await page.locator('#suggestions a').count() === 1, 'links beyond the title');
    check(await page.locator('#suggestions .snippet mark').count() === 1, 'the <mark> was lost');
    check((await page.textContent('li.suggestion h2')).startsWith('<img'), 'title not shown as text');
    check(await page.locator('li.suggestion .escalate').count() === 1, 'no escalate badge');
    clean(page);
    await page.close();
  });

  // (#20) Each language's site: <html lang>, the page's words, the
  // switcher (a nav whose links name each language in itself, with its
  // lang), hreflang alternates on an article, and nothing wider than a
  // 360 px phone; the switcher leads to the same topic in another language.
  for (const [l, words, q, art] of [['fr', 'Trouver une boutique', 'code rio', 'keep-your-number'],
    ['de', 'Filiale finden', 'rückgabe', 'returns-policy'], ['es', 'Buscar una tienda', 'pantalla rota', 'cracked-screen']]) {
    await test(`${l}: home, search, article and store finder say ${l} at 360 and 1280 px; switcher and hreflang`, async () => {
      for (const vp of [PHONE, DESKTOP]) {
        const c = await context({ viewport: vp });
        const page = await openPage(c);
        for (const path of [`/${l}/`, `/${l}/search?q=${encodeURIComponent(q)}`, `/${l}/help/${art}`, `/${l}/stores`]) {
          await page.goto(path);
          check(await page.getAttribute('html', 'lang') === l, `${path}: html lang ${await page.getAttribute('html', 'lang')}`);
          check((await page.textContent('header.site')).includes(words), `${path}: no "${words}" in the header`);
          const langs = await page.$$eval('nav.langs a', (as) => as.map((a) => [a.getAttribute('lang'), a.getAttribute('hreflang'), a.textContent, a.hasAttribute('aria-current')]));
          check(langs.length === 4 && langs.every(([la, hl]) => la && la === hl), `${path}: switcher ${JSON.stringify(langs)}`);
          check(langs.filter(([la, , , cur]) => cur).map(([la]) => la).join() === l, `${path}: current ${JSON.stringify(langs)}`);
          check(await page.getAttribute('nav.langs', 'aria-label'), `${path}: the switcher has no name`);
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          check(wide <= vp.width, `${path}: ${wide} px wide at ${vp.width}`);
        }
        await page.goto(`/${l}/help/${art}`);
        const alts = await page.$$eval('link[rel=alternate][hreflang]', (ls) => ls.map((x) => [x.hreflang, new URL(x.href).pathname]));
        check(alts.length === 5, `alternates ${JSON.stringify(alts)}`);
        check(alts.some(([h, p]) => h === 'en-GB' && p === `/help/${art}`) && alts.some(([h, p]) => h === 'x-default' && p === `/help/${art}`),
          `no English alternate: ${JSON.stringify(alts)}`);
        const other = l === 'de' ? 'fr' : 'de';
        await page.click(`nav.langs a[lang=${other}]`);
        await page.waitForURL(`**/${other}/help/${art}`);
        check(await page.getAttribute('html', 'lang') === other, 'the switcher did not lead to the translation');
        if (vp === PHONE) await page.screenshot({ path: join(SHOTS, `${l}-article-phone.png`), fullPage: true });
        clean(page);
        await page.close();
        await c.close();
      }
    });
  }

  // (#20) The staff's pages say nothing in English to a French, German
  // or Spanish agent: tests/browser/lang.mjs
  await langChecks({ test, check, Fail, openPage, clean, ctx });

  await test('agent console: the language select sends lang; an English fallback is marked (scripted)', async () => {
    const page = await openPage(ctx);
    await page.goto('/agent');
    await page.fill('#mention', 'slt comment je recupere mon code RIO');
    await page.click('#agent-form button[type=submit]');
    await page.waitForSelector('li.suggestion');
    check((await page.textContent('#agent-lang')).includes('French'), 'detected language not shown: ' + await page.textContent('#agent-lang'));
    check((await page.getAttribute('li.suggestion h2 a', 'href')).startsWith('/fr/help/'), 'card does not link the French page');
    check(await page.getAttribute('li.suggestion textarea.reply', 'lang') === 'fr', 'reply has no lang');
    await page.fill('#mention', 'Briggate Leeds');
    await page.selectOption('#mlang', 'fr');
    await page.click('#agent-form button[type=submit]');
    await page.waitForFunction(() => (document.querySelector('#agent-lang') || {}).textContent?.includes('chosen by you'));
    check(await page.locator('li.suggestion p.fallback').count() > 0, 'no fallback mark');
    check((await page.textContent('#agent-lang')).includes('English articles'), await page.textContent('#agent-lang'));
    clean(page);
    await page.close();
  });

  // (h)
  // Issue #22's target: no violation at all of these rule sets, at both widths, with data present
  // (the tests above have filled the feedback store, the reports and the queue).
  for (const [vw, vp] of [['1280', DESKTOP], ['360', PHONE]]) {
    const axeCtx = await context({ bypassCSP: true, viewport: vp });   // axe is injected as a script
    for (const [name, path, prepare] of PAGES) {
      await test(`axe (${AXE_TAGS.join(', ')}) at ${vw} px: no violations on ${name} (${path})`, async () => {
        const page = await axeCtx.newPage();
        await page.goto(path);
        if (prepare) await prepare(page);
        await axeClean(page);
        await page.close();
      });
    }
    await axeCtx.close();
  }

  // The same signed in (issue #22): a server with API keys (an agent's and
  // the knowledge team's), whose knowledge base has an error in an edit
  // (the console's one-line notice, the health page's problems), and data
  // in every report: mentions, replies sent, searches with and without
  // results, "did this help?" answers, page views, a flagged article and a
  // mention sent to the team.
  await keyedChecks();

  // (i), (j), (k)
  const phone = await context({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
  for (const [name, path, prepare] of PAGES) {
    await test(`360 px: no horizontal scroll on ${name}`, async () => {
      const page = await openPage(phone);
      await page.goto(path);
      if (prepare) await prepare(page);
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      check(w <= 360, `scrollWidth ${w}`);
      await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
      if (SCREENS) await page.screenshot({ path: join(SCREENS, `${name}-360.jpg`), fullPage: true, type: 'jpeg', quality: 60 });
      page.problems = page.problems.filter((p) => !(name === 'not-found' && /404/.test(p)));
      clean(page);
      await page.close();
    });
  }
  for (const [name, path, prepare] of PAGES) {
    await test(`page weight under 100 KB and desktop screenshot: ${name}`, async () => {
      const page = await openPage(ctx);
      const sizes = [];
      page.on('requestfinished', async (req) => {
        const t = req.resourceType();
        if (t === 'image' || t === 'media' || t === 'font' || req.url().endsWith('/favicon.ico')) return;
        sizes.push(req.sizes().then((s) => [t, req.url(), s.responseBodySize]));
      });
      // A cold cache: every byte of the load is counted.
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const idle = /kb-health$/.test(name) ? 'load' : 'networkidle';   // kb-health polls /healthz every 400 ms
      await page.goto(path, { waitUntil: idle });
      if (prepare) await prepare(page);
      await page.waitForLoadState(idle);
      const all = await Promise.all(sizes);
      const total = all.reduce((a, [, , b]) => a + b, 0);
      comment(`${name}: ${(total / 1024).toFixed(1)} KB in ${all.length} responses (${all.map(([t, , b]) => t + ' ' + b).join(', ')})`);
      check(total < 100 * 1024, `${total} bytes`);
      await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
      if (SCREENS) await page.screenshot({ path: join(SCREENS, `${name}-1280.jpg`), fullPage: true, type: 'jpeg', quality: 60 });
      await cdp.detach();
      await page.close();
    });
  }
}

try {
  await main();
} catch (e) {
  failed++;
  console.log(`not ok ${++n} - the runner itself`);
  comment((e && e.stack) || e);
} finally {
  if (browser) await browser.close().catch(() => {});
  stopServer();
}
console.log(`1..${n}`);
console.log(`# ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
