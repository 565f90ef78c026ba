/* PhoneRetailer Help: progressive enhancement for the pages kb-serve renders
 * (docs/web-contract.md). Every page works without this file. It runs under
 * the pages' CSP: no eval, no inline handlers, same-origin requests only.
 * Strings from the server go in with textContent; of the API's HTML
 * (snippets) only text and <mark> are kept. */
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
  const ENT = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  const unescapeHTML = (s) => s.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e) => {
    if (e[0] !== '#') return ENT[e] || m;
    const cp = /x/i.test(e[1]) ? parseInt(e.slice(2), 16) : +e.slice(1);
    return cp > 0 && cp < 0x110000 ? String.fromCodePoint(cp) : m;
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
      const url = '/search?q=' + encodeURIComponent(v);
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
            cur.setAttribute('aria-live', 'polite');
            form.after(cur);
          }
          // Replace the children only: the live region itself stays.
          cur.replaceChildren(...[...fresh.childNodes].map((n) => document.importNode(n, true)));
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
        const p = el('p', 'helpful-thanks', 'Thanks for telling us.');
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

  /* ---- Tweet length as twitter-text v3 counts it ------------------------ */
  // A URL is what twitter-text's extractor finds: optional http(s)://, a
  // domain ending in a known TLD, optional port, path and query. Each weighs
  // 23. (A bare IP address is no URL to twitter-text, so not here either:
  // the same rule as the server's kb_tweet.c.)
  const CC = 'acadaeafagaialamaoaqarasatauawaxazbabbbdbebfbgbhbibjblbmbnbobqbrbsbtbvbwbybzcacccdcfcgchcickclcmcncocrcucvcwcxcyczdedjdkdmdodzeceeegehereseteufifjfkfmfofrgagbgdgegfggghgiglgmgngpgqgrgsgtgugwgyhkhmhnhrhthuidieiliminioiqirisitjejmjojpkekgkhkikmknkpkrkwkykzlalblclilklrlsltlulvlymamcmdmemfmgmhmkmlmmmnmompmqmrmsmtmumvmwmxmymznancnenfngninlnonpnrnunzompapepfpgphpkplpmpnprpsptpwpyqarerorsrurwsasbscsdsesgshsisjskslsmsnsosrssstsusvsxsysztctdtftgthtjtktltmtntotrtttvtwtzuaugukumusuyuzvavcvevgvivnvuwfwsyeytzazmzw';
  const TLD = 'aero|app|arpa|asia|biz|blog|cat|club|com|coop|dev|edu|gov|info|int|jobs|mil|mobi|museum|name|net|online|org|post|pro|shop|site|store|tech|tel|top|travel|xxx|xyz|' + CC.match(/../g).join('|');
  const LABEL = '[\\p{L}\\p{M}\\p{N}](?:[\\p{L}\\p{M}\\p{N}_-]*[\\p{L}\\p{M}\\p{N}])?';
  const URL_RE = new RegExp('(?<![A-Za-z0-9@$#\\uFF20\\uFF03])(?:https?://)?(?:' + LABEL + '\\.)+(?:' + TLD +
    ')(?![0-9A-Za-z@+-])(?::\\d{1,5})?(?:[/?][^\\s"<>^{}\\\\`]*)?', 'giu');
  const URL_END = /[^\p{L}\p{N}+\-=_#/&]+$/u;   // trailing punctuation is not the URL's
  const PICTO = /\p{Extended_Pictographic}/u, RI = /^[\u{1F1E6}-\u{1F1FF}]{2}$/u, KEYCAP = /^[0-9#*]\uFE0F?\u20E3$/u;
  const seg = window.Intl && Intl.Segmenter ? new Intl.Segmenter('en', { granularity: 'grapheme' }) : null;

  const weight = (cp) => (cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) ||
    (cp >= 8242 && cp <= 8247)) ? 1 : 2;
  // An emoji sequence (flag, keycap, ZWJ, modifier, VS16) weighs 2 in all;
  // © or ® alone are text.
  const isEmoji = (g) => RI.test(g) || KEYCAP.test(g) ||
    (PICTO.test(g) && (g.codePointAt(0) >= 0x2000 || /[\uFE0F\u200D]/.test(g)));
  function tweetLength(text) {
    let n = 0;
    const s = text.normalize('NFC').replace(URL_RE, (m) => {
      n += 23;
      return '\0' + ((m.match(URL_END) || [''])[0]);   // \0 weighs 0 and splits graphemes
    });
    for (const g of seg ? Array.from(seg.segment(s), (x) => x.segment) : Array.from(s)) {
      if (isEmoji(g)) n += 2;
      else for (const ch of g) if (ch !== '\0') n += weight(ch.codePointAt(0));
    }
    return n;
  }
  window.kbTweetLength = tweetLength;            // for the browser tests

  /* ---- Agent console (/agent) ------------------------------------------ */
  const KEY_STORE = 'kb-api-key';
  const store = (v) => { try { return v == null ? sessionStorage.getItem(KEY_STORE) : sessionStorage.setItem(KEY_STORE, v); } catch (e) { return null; } };

  function initAgent() {
    const form = $('#agent-form');
    if (!form) return;
    const banner = $('#banner'), out = $('#suggestions'), mention = $('#mention'), handle = $('#handle'),
      coll = $('#collection'), apikey = $('#apikey');
    const feedback = form.dataset.feedback === '1';
    const key = () => (form.dataset.keys === '1' && apikey ? apikey.value.trim() : '');
    const who = () => (handle ? handle.value.trim().replace(/^@/, '') : '');
    const notes = {};                            // banner messages: health, error

    function note(kind, msg) {
      if (msg) notes[kind] = msg; else delete notes[kind];
      if (!banner) return;
      banner.replaceChildren(...Object.values(notes).map((m) => el('p', null, m)));
      banner.hidden = !banner.firstChild;
    }
    if (apikey) {
      apikey.value = store() || '';
      apikey.addEventListener('change', () => store(apikey.value.trim()));
    }

    // The shortcuts need this script, so their help is added by it: [x] is a key.
    const help = el('p');
    help.id = 'shortcuts';
    'Shortcuts: [Ctrl]+[Enter] (or [⌘]+[Enter]) suggests; [1]–[5] (or [Alt]+[1]… while typing) copies that reply.'
      .split(/\[([^\]]+)\]/).forEach((t, i) => help.append(i % 2 ? el('kbd', null, t) : t));
    form.append(help);

    // Snippets are escaped text plus <mark>: only those exact tags become
    // elements, anything else stays text.
    function snippet(html) {
      const p = el('p', 'snippet');
      let into = p;
      String(html).split(/(<\/?mark>)/).forEach((part) => {
        if (part === '<mark>') { if (into === p) into = p.appendChild(el('mark')); }
        else if (part === '</mark>') into = p;
        else if (part) into.append(unescapeHTML(part));
      });
      return p;
    }

    // One suggestion, as the server renders it (docs/web-contract.md).
    function card(s, i) {
      const li = el('li', 'suggestion'), n = i + 1;
      li.dataset.slug = s.slug;
      li.dataset.collection = s.collection;
      const lab = el('label', null, 'Reply'), ta = el('textarea', 'reply'), count = el('p', 'count'),
        copy = el('button', 'copy', 'Copy reply ');
      lab.htmlFor = ta.id = 'reply-' + n;
      ta.value = s.reply;
      count.append(el('span', 'n', String(s.reply_length)), '/280');
      copy.append(el('kbd', null, String(n)));
      li.append(el('h2', null, s.title), el('p', 'confidence', 'Confidence ' + Math.round((s.confidence || 0) * 100) + '%'));
      if (s.escalate) li.append(el('p', 'escalate', 'Move to DM'));
      li.append(lab, ta, count, copy);
      if (feedback) li.append(' ', el('button', 'sent', 'Sent'), ' ', el('button', 'dismiss', 'Not relevant'));
      $$('button', li).forEach((b) => { b.type = 'button'; });
      if (s.snippet) li.append(snippet(s.snippet));
      return li;
    }

    // Live count, copy and feedback for one card (ours or the server's).
    function wire(li, text) {
      const ta = $('textarea.reply', li), count = $('.count', li), n = count && $('.n', count);
      if (!ta || !n) return;
      const original = ta.value;
      const recount = () => {
        const len = tweetLength(ta.value);
        n.textContent = String(len);
        count.classList.toggle('over', len > 280);
      };
      ta.addEventListener('input', recount);
      recount();
      const buttons = $$('button.sent, button.dismiss', li);
      buttons.forEach((b) => {
        if (!feedback) { b.hidden = true; return; }
        b.addEventListener('click', () => {
          const action = b.classList.contains('dismiss') ? 'dismissed' : ta.value === original ? 'sent' : 'edited';
          const body = { text, slug: li.dataset.slug, collection: li.dataset.collection || 'default', action };
          if (who()) body.author = who();
          b.disabled = true;
          postJSON('/api/v1/feedback', body, key()).then((r) => {
            if (!r.ok) throw r;
            li.classList.add(action === 'dismissed' ? 'is-dismissed' : 'is-sent');
            buttons.forEach((x) => { x.disabled = true; });
            const st = $('.state', li) || li.insertBefore(el('p', 'state'), count.nextSibling);
            st.textContent = action === 'dismissed' ? 'Marked not relevant' : 'Marked as ' + action;
            note('error');
          }).catch((e) => { b.disabled = false; fail(e, 'Could not record that'); });
        });
      });
      const copy = $('button.copy', li);
      if (copy) copy.addEventListener('click', () => copyReply(li));
    }

    function copyReply(li) {
      const ta = $('textarea.reply', li), btn = $('button.copy', li);
      if (!ta || !btn) return;
      const done = () => {
        btn.firstChild.data = 'Copied ';
        btn.classList.add('done');
        clearTimeout(btn.kbTimer);
        btn.kbTimer = setTimeout(() => { btn.firstChild.data = 'Copy reply '; btn.classList.remove('done'); }, 2500);
      };
      const legacy = () => {                     // no Clipboard API, or refused
        ta.focus();
        ta.select();
        if (document.execCommand('copy')) done(); else note('error', 'Copy failed: select the reply and press Ctrl+C.');
      };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(ta.value).then(done, legacy);
      else legacy();
    }

    // e is a failed fetch Response, or an Error when the network failed.
    function fail(e, what) {
      if (e && e.status === 401) {
        note('error', what + ': the server needs an API key. Enter it in the API key field and try again.');
        if (apikey) apikey.focus();
      } else if (e && e.status) {
        e.json().then((j) => j.error.message || e.status, () => 'the server answered ' + e.status)
          .catch(() => 'error ' + e.status)
          .then((m) => note('error', what + ': ' + m + '.'));
      } else {
        note('error', what + ': the server cannot be reached. Check your connection and try again.');
      }
    }

    let latest = null;
    function suggest() {
      const text = mention.value;
      if (!text.trim()) { mention.focus(); return; }
      const body = { text, limit: 5 };
      if (who()) body.author = who();
      if (coll && coll.value) body.collection = coll.value;
      if (apikey) store(apikey.value.trim());
      const mine = latest = {};
      out.setAttribute('aria-busy', 'true');
      postJSON('/api/v1/suggest', body, key()).then((r) => {
        if (!r.ok) throw r;
        return r.json();
      }).then((j) => {
        if (latest !== mine) return;           // a newer request was made
        note('error');
        const ol = el('ol', 'suggestions'), nodes = [];
        (j.suggestions || []).forEach((s, i) => ol.append(card(s, i)));
        if (!j.answerable) nodes.push(el('p', 'unanswerable', 'Nothing fits well enough to send: these are the closest articles.'));
        nodes.push(ol.firstChild ? ol : el('p', 'unanswerable', 'No articles found.'));
        out.replaceChildren(...nodes);
        $$('li.suggestion', ol).forEach((li) => wire(li, text));
      }).catch((e) => { if (latest === mine) fail(e, 'No suggestions'); })
        .finally(() => { if (latest === mine) out.removeAttribute('aria-busy'); });
    }

    form.addEventListener('submit', (ev) => { ev.preventDefault(); suggest(); });

    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        if (form.contains(ev.target) || ev.target === document.body) { ev.preventDefault(); suggest(); }
        return;
      }
      // 1-5 copies that reply; Alt+1-5 also while typing. ev.code: Alt+1 on
      // a Mac types "¡".
      const m = /^Digit([1-5])$/.exec(ev.code), t = ev.target;
      if (!m || ev.ctrlKey || ev.metaKey) return;
      const typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
      const li = $$('li.suggestion', out)[m[1] - 1];
      if (li && (ev.altKey || !typing)) { ev.preventDefault(); copyReply(li); }
    });

    // Cards the server rendered (GET /agent?text=...) work the same.
    $$('li.suggestion', out).forEach((li) => wire(li, mention.value));

    // Knowledge-base health: the indexer's status of its last build, on
    // /healthz; polled every second (a cheap route) while the page is seen,
    // so a saved error, and its fix, show within about a second.
    function health() {
      if (document.hidden) return;
      fetch('/healthz', { headers: { Accept: 'application/json' } }).then((r) => r.json()).then((h) => {
        const kb = h && h.kb, errs = kb ? kb.errors : 0, probs = (kb && kb.problems) || [];
        if (!(errs > 0)) return note('health');
        const list = probs.slice(0, 3).map((p) => (typeof p === 'string' ? p : [p.file, p.line, p.message].filter(Boolean).join(':')));
        note('health', `The knowledge base has ${errs} problem${errs === 1 ? '' : 's'}: ${list.join('; ')}${probs.length > 3 ? '; …' : ''}`);
      }).catch(() => { /* the next poll will tell */ });
    }
    health();
    setInterval(health, 1000);
  }

  function init() { initSearch(); initHelpful(); initAgent(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
