// Real-browser tests of issue #20's last English (run by run.mjs, with its
// helpers and its JavaScript-on context): the agent console says every
// API error in the page's words, the links its script renders stay on the
// page's language's site, figures carry the language's decimal mark, and
// the KB health page stays in its language when it refreshes.

export async function langChecks({ test, check, Fail, openPage, clean, ctx }) {
  // (#20) The console in each language: an error the API answers with is
  // said in the page's words, by its code (ui.tsv's agent.error.CODE; the
  // API's own message is English, for API clients), a code the page does
  // not know in its generic words; never the API's English.
  const STATUS = { bad_request: 400, invalid_json: 400, wrong_type: 400, invalid_utf8: 400, invalid_value: 400,
    missing_field: 400, out_of_range: 400, method_not_allowed: 405, unsupported_media_type: 415, forbidden_origin: 403,
    not_found: 404, payload_too_large: 413, uri_too_long: 414, unauthorized: 401, too_many_requests: 429,
    too_many_connections: 503, index_unavailable: 503, feedback_unavailable: 503, reports_unavailable: 503, internal: 500 };
  for (const l of ['', '/fr', '/de', '/es']) {
    await test(`agent console${l || ' (en)'}: every API error code in the page's words, never the API's English`, async () => {
      const page = await openPage(ctx);
      await page.goto(l + '/agent');
      const W = JSON.parse(await page.textContent('#agent-words'));
      const T = (k, v = {}) => (k in W ? W[k] : k).replace(/\{(\w+)\}/g, (m, x) => (x in v ? String(v[x]) : m));
      const codes = Object.keys(W).filter((k) => k.startsWith('error.') && k !== 'error.other').map((k) => k.slice(6));
      check(codes.length >= 20, 'codes with words: ' + codes.join());
      await page.fill('#mention', 'slt comment je recupere mon code RIO');
      const ENGLISH = 'The API says this in English';
      for (const code of [...codes, 'some_new_code']) {
        const status = STATUS[code] || 418;
        await page.unroute('**/api/v1/suggest');
        await page.route('**/api/v1/suggest', (r) => r.fulfill({ status, contentType: 'application/json',
          body: JSON.stringify({ error: { code, message: ENGLISH + ' (' + code + ')' } }) }));
        const want = T('fail.status', { what: T('fail.suggest'), message: T(code in STATUS ? 'error.' + code : 'error.other', { status }) });
        check(!/\{|error\./.test(want), `${code}: no words (${want})`);
        await page.click('#agent-form button[type=submit]');
        await page.waitForFunction((w) => document.getElementById('banner').textContent === w, want, { timeout: 5000 })
          .catch(async () => { throw new Fail(`${code}: banner "${await page.textContent('#banner')}", want "${want}"`); });
        check(!(await page.textContent('#banner')).includes(ENGLISH), code + ': the API\'s English');
      }
      // an answer that is no JSON at all (a proxy's page): its status
      await page.unroute('**/api/v1/suggest');
      await page.route('**/api/v1/suggest', (r) => r.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' }));
      const want = T('fail.status', { what: T('fail.suggest'), message: T('fail.answered', { status: 502 }) });
      await page.click('#agent-form button[type=submit]');
      await page.waitForFunction((w) => document.getElementById('banner').textContent === w, want, { timeout: 5000 });
      page.problems = page.problems.filter((p) => !/Failed to load resource/.test(p));
      clean(page);
      await page.close();
    });
  }

  await test('agent console with an API key field: a 401 asks for the key, in the page\'s words', async () => {
    const page = await openPage(ctx);
    await page.route('**/fr/agent', async (r) => {
      const res = await r.fetch();
      r.fulfill({ response: res, body: (await res.text()).replace('data-keys="0"', 'data-keys="1"')
        .replace('</select><button', '</select><label for="apikey" class="apikey">Clé</label><input id="apikey" class="apikey" type="password"><button') });
    });
    await page.route('**/api/v1/suggest', (r) => r.fulfill({ status: 401, contentType: 'application/json',
      body: '{"error":{"code":"unauthorized","message":"this route needs an API key"}}' }));
    await page.goto('/fr/agent');
    check(await page.locator('#apikey').count() === 1, 'no key field');
    await page.fill('#mention', 'slt');
    await page.click('#agent-form button[type=submit]');
    await page.waitForFunction(() => /clé d’API/.test(document.getElementById('banner').textContent));
    check(!/API key|needs/.test(await page.textContent('#banner')), await page.textContent('#banner'));
    page.problems = page.problems.filter((p) => !/401|Failed to load resource/.test(p));
    clean(page);
    await page.close();
  });

  // (#20) The cards the script renders link the page's own site, as the
  // server's do: a French agent's store finder is the French one.
  await test('agent console (scripted) on /fr/: the store, the store finder and the team\'s forms stay on the French site', async () => {
    const page = await openPage(ctx);
    for (const [text, href] of [['y a une boutique à Annecy ?', '/fr/stores?near=Annecy'], ['vous avez une boutique à Lyon ?', '/fr/help/store-lyon']]) {
      await page.goto('/fr/agent');
      await page.fill('#mention', text);
      await page.click('#agent-form button[type=submit]');
      await page.waitForSelector('#suggestions p.place a');
      const got = await page.getAttribute('#suggestions p.place a', 'href');
      check(got === href, `${text}: ${got}, want ${href}`);
      // the server's own card says the same
      await page.goto('/fr/agent?text=' + encodeURIComponent(text));
      check(await page.getAttribute('#suggestions p.place a', 'href') === href, 'the server\'s card: ' + await page.getAttribute('#suggestions p.place a', 'href'));
    }
    await page.goto('/fr/agent');
    await page.fill('#mention', 'slt comment je recupere mon code RIO');
    await page.click('#agent-form button[type=submit]');
    await page.waitForSelector('li.suggestion details.flag');
    // figures in the page's words: "confiance 0,71"
    check(/confiance 0,\d\d\)/.test(await page.textContent('#agent-lang')), 'decimal mark: ' + await page.textContent('#agent-lang'));
    const title = await page.getAttribute('li.suggestion:first-child p.confidence', 'title');
    check(!title || /^Confiance \d,\d\d /.test(title), 'confidence title: ' + title);
    // the script makes the team's forms when the agent opens them
    await page.click('li.suggestion:first-child details.flag summary');
    await page.click('details.miss summary');
    check(await page.getAttribute('li.suggestion:first-child form.flag', 'action') === '/fr/team/flag', 'flag form: ' + await page.getAttribute('li.suggestion:first-child form.flag', 'action'));
    check(await page.getAttribute('form.miss', 'action') === '/fr/team/unanswered', 'miss form: ' + await page.getAttribute('form.miss', 'action'));
    clean(page);
    await page.close();
  });

  await test('/de/kb-health, refreshed after a build, stays German in an English browser', async () => {
    const page = await openPage(ctx);                                  // locale en-GB
    await page.goto('/de/kb-health');
    const before = await page.textContent('#health');
    const b = await page.getAttribute('#health .state', 'data-builds');
    await page.route('**/healthz', (r) => r.fulfill({ contentType: 'application/json',
      body: JSON.stringify({ status: 'ok', kb: { builds: Number(b) + 1, building: false, finished: 'later', errors: 0 } }) }));
    const asked = await page.waitForRequest((r) => r.resourceType() === 'fetch' && /kb-health/.test(r.url()), { timeout: 5000 });
    check(new URL(asked.url()).pathname === '/de/kb-health', 'refreshed from ' + asked.url());
    await page.waitForTimeout(500);
    check(await page.textContent('#health') === before, 'the health box changed language: ' + await page.textContent('#health'));
    check(await page.getAttribute('html', 'lang') === 'de', 'html lang');
    clean(page);
    await page.close();
  });
}
