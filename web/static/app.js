/* PhoneRetailer Help: progressive enhancement for the public pages kb-serve
 * renders (docs/web-contract.md): search as you type and "Did this help?".
 * The staff's pages load console.js instead; the two share nothing but the
 * few helpers below, each file carrying its own, so that a public page
 * fetches and compiles only what it runs. Every page works without this
 * file. It runs under the pages' CSP: no eval, no inline handlers,
 * same-origin requests only. */
(() => {
  'use strict';

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const postJSON = (url, body, key) => fetch(url, {
    method: 'POST', body: JSON.stringify(body),
    headers: Object.assign({ 'Content-Type': 'application/json', Accept: 'application/json' },
      key ? { Authorization: 'Bearer ' + key } : {}),
  });

  /* ---- Search as you type (/ and /search) ------------------------------ */
  function initSearch() {
    const form = $('form.search'), q = $('#q');
    if (!form || !q || !window.AbortController) return;
    let timer = 0, ctrl = null, last = q.value;
    q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 200); });
    function run() {
      const v = q.value;
      if (v.trim().length < 2 || v === last) return;
      last = v;
      if (ctrl) ctrl.abort();                    // a newer query wins
      ctrl = new AbortController();
      // the form's own address: /search, or /fr/search on the French site
      const url = (form.getAttribute('action') || '/search') + '?q=' + encodeURIComponent(v);
      fetch(url + '&fragment=1', { signal: ctrl.signal, headers: { Accept: 'text/html' } })
        .then((r) => { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then((html) => {
          // Our own server's escaped HTML: <div id="results">…</div>.
          const fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('results');
          if (!fresh) return;
          let cur = $('#results');
          if (!cur) {
            cur = el('div');
            cur.id = 'results';
            form.after(cur);
          }
          cur.replaceChildren(...[...fresh.childNodes].map((n) => document.importNode(n, true)));
          // Only the count is announced (the one live region), and the home
          // page's own topics and popular list step aside for the results.
          const count = $('.count', cur) || $('.empty p', cur), status = $('#result-count');
          if (status) status.textContent = count ? count.textContent : '';
          $$('.home-extra').forEach((x) => { x.hidden = !!cur.firstChild; });
          history.replaceState(null, '', url);
        })
        .catch(() => { /* aborted or offline: the form still submits */ });
    }
  }

  /* ---- "Did this help?" (articles) ------------------------------------- */
  function initHelpful() {
    $$('form.helpful').forEach((form) => form.addEventListener('submit', (ev) => {
      if (form.dataset.plain) return;            // the fallback: a normal POST
      ev.preventDefault();
      const btn = ev.submitter, f = form.elements;
      const body = { slug: f.slug.value, helpful: !btn || btn.value !== 'no' };
      if (f.collection && f.collection.value) body.collection = f.collection.value;
      postJSON('/api/v1/helpful', body).then((r) => {
        if (!r.ok) throw new Error(r.status);
        const p = el('p', 'helpful-thanks', form.dataset.thanks);
        p.setAttribute('role', 'status');
        p.tabIndex = -1;                         // focus was on the removed button
        form.replaceWith(p);
        p.focus();
      }).catch(() => {
        form.dataset.plain = '1';
        if (btn && form.requestSubmit) form.requestSubmit(btn); else form.submit();
      });
    }));
  }

  function init() { initSearch(); initHelpful(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
