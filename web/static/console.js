/* PhoneRetailer Help: the staff's pages (docs/web-contract.md): the agent
 * console (/agent: suggestions, tweet length, copy-as-sent, flags) and the
 * KB health page (/kb-health). The public pages load app.js instead (see
 * there why the helpers below are in both). Every page works without this
 * file. It runs under the pages' CSP: no eval, no inline handlers,
 * same-origin requests only. Strings from the server go in with
 * textContent; of the API's HTML (snippets) only text and <mark> are kept. */
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

  /* ---- Tweet length as twitter-text v3 counts it ------------------------ */
  // A URL is what twitter-text's extractor finds: optional http(s)://, a
  // domain ending in a known TLD, optional port, path and query. Each weighs
  // 23. (A bare IP address is no URL to twitter-text, so not here either:
  // the same rule as the server's kb_tweet.c.)
  // Built on the first count, not when the script runs: building them and
  // compiling the expressions on their first use cost 30-50 ms of a
  // renderer's time (CDP profile of a console's first reply), which no
  // card needs before the agent edits a reply (the server sends each
  // reply's length, counted by the same rules in kb_tweet.c).
  let R = null;
  function tweetRules() {
    const CC = 'acadaeafagaialamaoaqarasatauawaxazbabbbdbebfbgbhbibjblbmbnbobqbrbsbtbvbwbybzcacccdcfcgchcickclcmcncocrcucvcwcxcyczdedjdkdmdodzeceeegehereseteufifjfkfmfofrgagbgdgegfggghgiglgmgngpgqgrgsgtgugwgyhkhmhnhrhthuidieiliminioiqirisitjejmjojpkekgkhkikmknkpkrkwkykzlalblclilklrlsltlulvlymamcmdmemfmgmhmkmlmmmnmompmqmrmsmtmumvmwmxmymznancnenfngninlnonpnrnunzompapepfpgphpkplpmpnprpsptpwpyqarerorsrurwsasbscsdsesgshsisjskslsmsnsosrssstsusvsxsysztctdtftgthtjtktltmtntotrtttvtwtzuaugukumusuyuzvavcvevgvivnvuwfwsyeytzazmzw';
    const TLD = 'aero|app|arpa|asia|biz|blog|cat|club|com|coop|dev|edu|gov|info|int|jobs|mil|mobi|museum|name|net|online|org|post|pro|shop|site|store|tech|tel|top|travel|xxx|xyz|' + CC.match(/../g).join('|');
    const LABEL = '[\\p{L}\\p{M}\\p{N}](?:[\\p{L}\\p{M}\\p{N}_-]*[\\p{L}\\p{M}\\p{N}])?';
    return {
      URL_RE: new RegExp('(?<![A-Za-z0-9@$#\\uFF20\\uFF03])(?:https?://)?(?:' + LABEL + '\\.)+(?:' + TLD +
        ')(?![0-9A-Za-z@+-])(?::\\d{1,5})?(?:[/?][^\\s"<>^{}\\\\`]*)?', 'giu'),
      URL_END: /[^\p{L}\p{N}+\-=_#/&]+$/u,      // trailing punctuation is not the URL's
      PICTO: /\p{Extended_Pictographic}/u, RI: /^[\u{1F1E6}-\u{1F1FF}]{2}$/u, KEYCAP: /^[0-9#*]\uFE0F?\u20E3$/u,
      seg: window.Intl && Intl.Segmenter ? new Intl.Segmenter('en', { granularity: 'grapheme' }) : null,
    };
  }

  const weight = (cp) => (cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) ||
    (cp >= 8242 && cp <= 8247)) ? 1 : 2;
  // An emoji sequence (flag, keycap, ZWJ, modifier, VS16) weighs 2 in all;
  // © or ® alone are text.
  const isEmoji = (g) => R.RI.test(g) || R.KEYCAP.test(g) ||
    (R.PICTO.test(g) && (g.codePointAt(0) >= 0x2000 || /[\uFE0F\u200D]/.test(g)));
  function tweetLength(text) {
    if (!R) R = tweetRules();
    let n = 0;
    const s = text.normalize('NFC').replace(R.URL_RE, (m) => {
      n += 23;
      return '\0' + ((m.match(R.URL_END) || [''])[0]);   // \0 weighs 0 and splits graphemes
    });
    for (const g of R.seg ? Array.from(R.seg.segment(s), (x) => x.segment) : Array.from(s)) {
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
      coll = $('#collection'), apikey = $('#apikey'), langSel = $('#mlang');
    const feedback = form.dataset.feedback === '1', queue = form.dataset.queue === '1';
    const key = () => (form.dataset.keys === '1' && apikey ? apikey.value.trim() : '');
    const who = () => (handle ? handle.value.trim().replace(/^@/, '') : '');
    const notes = {};                            // banner messages: health, error

    // The console's words, in the page's language: the server puts them in
    // the page (#agent-words, from kb/lang/<code>/ui.tsv); {name} marks take
    // values. A missing word shows its key, as the server's pages do.
    let W = {};
    try { W = JSON.parse(($('#agent-words') || {}).textContent || '{}'); } catch (e) { W = {}; }
    const T = (k, v = {}) => (k in W ? W[k] : k).replace(/\{(\w+)\}/g, (m, n) => (n in v ? String(v[n]) : m));
    // a figure with two decimals in the page's words ("0,71" in French)
    const fixed2 = (x) => Number(x).toFixed(2).replace('.', W['number.decimal'] || '.');
    // key.one or key.other as the language's plural.one numbers say
    const TN = (k, n, v = {}) => T(k + ((' ' + (W['plural.one'] || '1') + ' ').includes(' ' + n + ' ') ? '.one' : '.other'),
      Object.assign({ n }, v));

    // Called by every /healthz poll (each second) and every reply: the
    // banner is only rewritten when its text changes, not a DOM write,
    // style and layout each time.
    function note(kind, msg) {
      if ((notes[kind] || '') === (msg || '')) return;
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
    T('shortcuts')
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

    const UNDO_MS = 5000;                        // the undo window
    // A card's confidence: its class from the threshold the service sends
    // (answerable or not); its words from the bands the server put in the
    // page (#agent-bands, web/calibration.tsv: how often first suggestions
    // of that confidence were right on the check half), for the first
    // suggestion where something fits; as the server's cards say it.
    let BANDS = [];
    try { BANDS = JSON.parse(($('#agent-bands') || {}).textContent || '[]'); } catch (e) { BANDS = []; }
    const words = (c, t, first, nofit) => {
      const cls = c >= (t || 0.75) ? 'conf-good' : c >= 0.35 ? 'conf-fair' : 'conf-weak';
      const b = BANDS.find((x) => c >= x[0] && c < x[1]);
      if (!b) return [cls, T(cls.replace('-', '.'))];
      if (nofit || !first) return [cls, T(nofit ? 'conf.nofit' : 'conf.alt')];
      const k = Math.round(b[3] * 10);
      return [cls, k >= 10 ? T('conf.always') : k <= 0 ? T('conf.rarely') : TN('conf.band', k),
        T('conf.title', { conf: fixed2(Math.round(c * 100) / 100), pct: Math.round(b[3] * 100), lines: b[2] })];
    };
    const hidden = (name, value) => { const i = el('input'); i.type = 'hidden'; i.name = name; i.value = value || ''; return i; };
    // an article in another language than the default is on that language's site
    const deflang = form.dataset.deflang || 'en';
    // this page's site, '' or '/fr' (the server wrote the form's action
    // with it): the links the server's cards give the page's prefix
    // (store finder, store pages, the team's forms) get it here too; at
    // /en/agent only the staff's (the public site stays at /)
    const site = new URL(form.action, location.href).pathname.replace(/\/agent$/, ''),
      pub = site === '/' + deflang ? '' : site;
    const articleHref = (s) => (s.lang && s.lang !== deflang ? '/' + s.lang : '') + '/help/' +
      (s.collection && s.collection !== 'default' ? encodeURIComponent(s.collection) + '/' : '') + encodeURIComponent(s.slug);
    // a language's name as the language select shows it (the page's words)
    const langName = (code) => { const o = langSel && $$('option', langSel).find((x) => x.value === code); return o ? o.textContent : code; };

    // One suggestion, as the server renders it (docs/web-contract.md).
    function card(s, n, text, author, threshold, first, nofit) {
      const li = el('li', 'suggestion'), f = el('form', 'card'), head = el('div', 'head'), h2 = el('h2'), a = el('a', null, s.title);
      li.dataset.slug = s.slug;
      li.dataset.collection = s.collection;
      li.dataset.confidence = String(s.confidence);
      f.action = '/agent/feedback';
      f.method = 'post';
      f.append(hidden('text', text), hidden('author', author), hidden('brand', coll ? coll.value : ''),
        hidden('collection', s.collection), hidden('slug', s.slug), hidden('original', s.reply));
      a.href = articleHref(s);
      h2.append(a);
      const [cls, w, title] = words(s.confidence || 0, threshold, first, nofit);
      const conf = el('p', 'confidence ' + cls, w);
      if (title) conf.title = title;
      head.append(h2, conf);
      if (s.fallback) head.append(el('p', 'fallback', T('fallback', { lang: langName(s.lang) })));
      if (s.escalate) head.append(el('p', 'escalate', T('escalate')));
      const lab = el('label', 'vh', T('reply', { n })), ta = el('textarea', 'reply'), actions = el('div', 'actions'),
        count = el('p', 'count'), copy = el('button', 'copy');
      lab.htmlFor = ta.id = 'reply-' + n;
      ta.name = 'reply';
      ta.rows = 3;
      ta.value = s.reply;
      if (s.lang) ta.lang = s.lang === deflang ? document.documentElement.lang : s.lang;
      count.append(el('span', 'n', String(s.reply_length)), '/280');
      if (s.reply_length > 280) count.classList.add('over');
      copy.append(el('span', 'label'), ' ', el('kbd', null, String(n)));
      actions.append(count, copy);
      if (feedback) actions.append(el('button', 'dismiss', T('notrelevant')));
      f.append(head, lab, ta, actions);
      if (s.snippet) f.append(snippet(s.snippet));
      li.append(f);
      if (queue) li.append(teamForm('flag', '/team/flag', n, { text, author, brand: coll ? coll.value : '', collection: s.collection, slug: s.slug, mention_lang: mlang }));
      return li;
    }

    // "Flag this article" (kind flag) or "No article fits" (kind miss), as
    // the server renders them, but the form inside is made when the agent
    // opens it: made with every card, the forms were 77 of the 218
    // elements a reply put on screen, most of them never opened, and a
    // reply's renderer main-thread CPU was 24.0 ms against 17.9 ms now
    // (docs/benchmarks.md, "Pages, fourth round").
    function teamForm(kind, action, n, fields) {
      const d = el('details', kind), f = el('form', kind), b = el('button', null, T('team.send'));
      d.append(el('summary', null, T(kind === 'flag' ? 'flag' : 'miss')));
      f.action = site + action;
      f.method = 'post';
      d.addEventListener('toggle', () => { if (d.open && !f.isConnected) d.append(fill()); });
      // the form's fields, when the details are first opened
      const fill = () => {
        Object.entries(fields).forEach(([k, v]) => f.append(hidden(k, v)));
        const field = (tag, id, name, label) => {
          const l = el('label', null, label), x = el(tag);
          l.htmlFor = x.id = id;
          x.name = name;
          f.append(l, x);
          return x;
        };
        if (kind === 'flag') {
          const sel = field('select', 'flag-reason-' + n, 'reason', T('flag.why'));
          ['wrong', 'outdated', 'missing'].forEach((v) => {
            const o = el('option', null, T('flag.' + v));
            o.value = v;
            sel.append(o);
          });
          field('input', 'flag-note-' + n, 'note', T('flag.note')).maxLength = 2000;
        } else {
          field('input', 'miss-note', 'note', T('miss.note')).maxLength = 2000;
        }
        b.type = 'submit';
        f.append(b);
        return f;
      };
      return d;
    }

    // The mention and handle the cards on screen were made for.
    let bound = { text: out.dataset.text || '', author: out.dataset.author || '' };
    const staleNote = el('p', 'stale-note');
    staleNote.id = 'stale-note';
    function stale() {
      const cards = $$('li.suggestion', out);
      const is = cards.length > 0 && (mention.value !== bound.text || who() !== bound.author);
      out.classList.toggle('is-stale', is);
      cards.forEach((li) => {
        $$('button.copy, button.dismiss', li).forEach((b) => { b.disabled = is || li.classList.contains('is-dismissed'); });
        const ta = $('textarea.reply', li);
        if (ta) ta.readOnly = is;
      });
      if (is) {
        staleNote.textContent = bound.author ? T('stale.from', { handle: bound.author }) : T('stale');
        if (!staleNote.isConnected) out.prepend(staleNote);
      } else staleNote.remove();
      return is;
    }
    mention.addEventListener('input', stale);
    if (handle) handle.addEventListener('input', stale);

    // Live count, copy-and-send and dismiss for one card (ours or the server's).
    function wire(li) {
      const ta = $('textarea.reply', li), count = $('.count', li), n = count && $('.n', count);
      if (!ta || !n) return;
      // The count on the card is the server's (reply_length, or the
      // number in its HTML): recounted here only when the reply changes.
      ta.addEventListener('input', () => {
        const len = tweetLength(ta.value);
        n.textContent = String(len);
        count.classList.toggle('over', len > 280);
      });
      const copy = $('button.copy', li), label = copy && $('.label', copy);
      if (copy) {
        copy.type = 'button';
        if (label) label.textContent = T(feedback ? 'copysend' : 'copy');
        copy.addEventListener('click', () => send(li));
      }
      const dismiss = $('button.dismiss', li);
      if (dismiss) {
        dismiss.type = 'button';
        dismiss.addEventListener('click', () => {
          dismiss.disabled = true;
          record(li, 'dismissed').then(() => {
            li.classList.add('is-dismissed');
            state(li, T('dismissed'));
            const next = $$('li.suggestion:not(.is-dismissed) button.copy', out)[0];
            if (next) next.focus(); else mention.focus();
          }).catch((e) => { dismiss.disabled = false; fail(e, T('fail.record')); });
        });
      }
    }

    function state(li, msg, undo) {
      let st = $('.state', li);
      if (!st) { st = el('p', 'state'); $('.actions', li).after(st); }
      st.replaceChildren(msg);
      if (undo) { const b = el('button', 'undo', T('undo')); b.type = 'button'; b.addEventListener('click', undo); st.append(' ', b); }
    }

    function record(li, action, text, author) {
      const ta = $('textarea.reply', li), orig = li.querySelector('input[name=original]');
      const body = { text: text || bound.text, slug: li.dataset.slug, collection: li.dataset.collection || 'default',
        action: action === 'sent' && orig && ta.value !== orig.value ? 'edited' : action };
      if (author || (author === undefined && bound.author)) body.author = author || bound.author;
      // the mention's language, for the reports per language
      const ml = li.querySelector('input[name=mention_lang]');
      if (ml && ml.value) body.lang = ml.value; else if (bound.lang) body.lang = bound.lang;
      return fetch('/api/v1/feedback', { method: 'POST', body: JSON.stringify(body), keepalive: true,
        headers: Object.assign({ 'Content-Type': 'application/json', Accept: 'application/json' }, key() ? { Authorization: 'Bearer ' + key() } : {}) })
        .then((r) => { if (!r.ok) throw r; return r; });
    }

    // Copies text; resolves when it is on the clipboard.
    function toClipboard(ta) {
      const legacy = () => {                     // no Clipboard API, or refused
        ta.focus();
        ta.select();
        if (!document.execCommand('copy')) throw new Error('copy');
      };
      if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(ta.value).catch(legacy);
      return Promise.resolve().then(legacy);
    }

    // One key: the reply is copied and, after UNDO_MS unless undone,
    // recorded as sent; the mention and handle are cleared for the next.
    const pending = new Set();
    function send(li) {
      if (stale()) { announce(staleNote.textContent); return; }
      if (li.classList.contains('is-dismissed') || li.classList.contains('is-sent')) return;
      const ta = $('textarea.reply', li), btn = $('button.copy', li), was = { text: mention.value, author: handle ? handle.value : '' };
      const made = { text: bound.text, author: bound.author };
      toClipboard(ta).then(() => {
        btn.classList.add('done');
        li.classList.add('is-sent');
        const p = { li, timer: 0, made };
        const commit = () => {
          pending.delete(p);
          if (!feedback) return;
          record(li, 'sent', made.text, made.author || null).catch((e) => fail(e, T('fail.send')));
        };
        p.commit = commit;
        const undo = () => {
          clearTimeout(p.timer);
          pending.delete(p);
          li.classList.remove('is-sent');
          btn.classList.remove('done');
          $('.state', li).remove();
          mention.value = was.text;
          if (handle) handle.value = was.author;
          stale();
          announce(T('undone'));
          mention.focus();
        };
        pending.add(p);
        p.timer = setTimeout(commit, UNDO_MS);
        state(li, T(feedback ? 'copied.sent' : 'copied'), feedback ? undo : null);
        announce(T(feedback ? 'announce.sent' : 'announce.copied', { n: $$('li.suggestion', out).indexOf(li) + 1, s: UNDO_MS / 1000 }));
        mention.value = '';
        if (handle) handle.value = '';
        stale();
        mention.focus();
      }).catch(() => note('error', T('copyfailed')));
    }
    // Leaving the page sends what is waiting for its undo window.
    window.addEventListener('pagehide', () => pending.forEach((p) => { clearTimeout(p.timer); p.commit(); }));

    const live = el('p', 'vh');
    live.setAttribute('role', 'status');
    form.after(live);
    function announce(m) { live.textContent = m; }

    // e is a failed fetch Response, or an Error when the network failed.
    // The API's error.message is English, for API clients: the agent is
    // told in the page's words, by the error's code (error.CODE, from
    // ui.tsv; error.other for a code the page has no words for).
    function fail(e, what) {
      if (e && e.status === 401 && apikey) {
        note('error', T('fail.key', { what }));
        apikey.focus();
      } else if (e && e.status) {
        const said = (code) => T(typeof code === 'string' && ('error.' + code) in W ? 'error.' + code : 'error.other',
          { status: e.status });
        e.json().then((j) => said(j && j.error && j.error.code), () => T('fail.answered', { status: e.status }))
          .then((m) => note('error', T('fail.status', { what, message: m })));
      } else {
        note('error', T('fail.net', { what }));
      }
    }

    // the language the cards on screen were answered in (the team's forms
    // send it: the reports count each language's flags)
    let mlang = '';
    function render(j, text, author) {
      mlang = (j.lang && j.lang.code) || '';
      const nodes = [], ranked = (j.suggestions || []).map((s, i) => [s, i])
        .sort((x, y) => (y[0].confidence || 0) - (x[0].confidence || 0) || x[1] - y[1]);
      const sorted = ranked.map((x) => x[0]);
      const status = el('p', 'status', TN(author ? 'count.for' : 'count', sorted.length, { handle: author }));
      status.id = 'agent-status';
      nodes.push(status);
      if (j.lang && j.lang.code) {
        const p = el('p', 'lang');
        p.id = 'agent-lang';
        const fb = sorted.length && sorted.every((s) => s.fallback);
        // the sentence of its case, the language's name in <strong>
        const k = 'lang.' + (j.lang.detected ? 'detected' : 'chosen') + (fb ? '.fallback' : '');
        T(k, { conf: fixed2(j.lang.confidence), default: langName(deflang) }).split(/(\{lang\})/)
          .forEach((t) => p.append(t === '{lang}' ? el('strong', null, langName(j.lang.code)) : t));
        nodes.push(p);
      }
      if (j.place) {
        const p = el('p', 'place');
        let a;
        if (j.place.store) {
          a = el('a', null, j.place.store_title || j.place.store);
          a.href = pub + articleHref({ slug: j.place.store, collection: 'default' });
        } else {
          a = el('a', null, T('place.nearest'));
          a.href = pub + '/stores?near=' + encodeURIComponent(j.place.name);
        }
        T(j.place.store ? 'place.store' : 'place.nostore', { place: j.place.name }).split(/(\{link\})/)
          .forEach((t) => p.append(t === '{link}' ? a : t));
        nodes.push(p);
      }
      if (j.corrected) nodes.push(el('p', 'didyoumean', T('readas', { q: j.corrected })));
      // (nothing matched at all: the collection's general pages)
      if (j.nothing_fits) nodes.push(el('p', 'unanswerable', T(sorted.length && sorted.every((s) => s.general) ? 'general' : 'nothingfits')));
      else if (!j.answerable) nodes.push(el('p', 'unanswerable', T('notsure')));
      const ol = el('ol', 'suggestions');
      ranked.forEach(([s, r], i) => ol.append(card(s, i + 1, text, author, j.threshold, r === 0, !!j.nothing_fits)));
      nodes.push(ol.firstChild ? ol : el('p', 'unanswerable', T('none')));
      if (queue) nodes.push(teamForm('miss', '/team/unanswered', 0, { text, author, brand: coll ? coll.value : '', mention_lang: mlang }));
      out.replaceChildren(...nodes);
      bound = { text, author, lang: j.lang && j.lang.code };
      $$('li.suggestion', ol).forEach(wire);
      stale();
      announce(j.answerable ? status.textContent : T('nothingwell', { status: status.textContent }));
    }

    let latest = null;
    function suggest() {
      const text = mention.value, author = who();
      if (!text.trim()) { mention.focus(); return; }
      const body = { text, limit: 5 };
      if (author) body.author = author;
      if (coll && coll.value) body.collection = coll.value;
      if (langSel && langSel.value) body.lang = langSel.value;
      if (apikey) store(apikey.value.trim());
      const mine = latest = {};
      out.setAttribute('aria-busy', 'true');
      postJSON('/api/v1/suggest', body, key()).then((r) => {
        if (!r.ok) throw r;
        return r.json();
      }).then((j) => {
        if (latest !== mine) return;           // a newer request was made
        note('error');
        render(j, text, author);
      }).catch((e) => { if (latest === mine) fail(e, T('fail.suggest')); })
        .finally(() => { if (latest === mine) out.removeAttribute('aria-busy'); });
    }

    form.addEventListener('submit', (ev) => { ev.preventDefault(); suggest(); });

    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        if (form.contains(ev.target) || ev.target === document.body) { ev.preventDefault(); suggest(); }
        return;
      }
      // 1-5 copies and sends that reply; Alt+1-5 also while typing.
      // ev.code: Alt+1 on a Mac types "¡".
      const m = /^Digit([1-5])$/.exec(ev.code), t = ev.target;
      if (!m || ev.ctrlKey || ev.metaKey) return;
      const typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
      const li = $$('li.suggestion', out)[m[1] - 1];
      if (li && (ev.altKey || !typing)) { ev.preventDefault(); send(li); }
    });

    // Cards the server rendered (GET /agent?text=...) work the same.
    $$('li.suggestion', out).forEach(wire);
    stale();

    // An agent about to edit a reply: the counting rules built and their
    // expressions compiled (a first run) before the first keystroke counts.
    out.addEventListener('focusin', (ev) => { if (!R && ev.target.matches('textarea.reply')) tweetLength('a.com'); });

    // The console's first reply on screen took about twice a later one's
    // renderer time (trace and CDP profile of a console just opened): the
    // first cards laid out look up the fonts of their titles, confidence,
    // <kbd> and small print, and card()'s code runs for the first time.
    // One card made with the page's words and laid out out of sight, then
    // removed, while the page loads pays that before the first mention.
    function prime() {
      const box = el('div', 'prime');
      box.setAttribute('aria-hidden', 'true');
      box.inert = true;
      const ol = el('ol', 'suggestions');
      ol.append(card({ slug: 'prime', collection: 'default', title: T('notsure'), reply: T('nothingfits'),
        reply_length: 0, confidence: 0.5, escalate: true, snippet: '<mark>' + T('none') + '</mark> ' + T('stale') },
      0, '', '', 0.75, true, false));
      box.append(el('p', 'status', T('none')), el('p', 'place', T('place.nearest')), ol);
      out.after(box);
      box.getBoundingClientRect();               // style and layout now, fonts included
      box.remove();
    }
    prime();

    // "Flag this article" and "No article fits": posted without leaving
    // the page (the forms work without this script too).
    out.addEventListener('submit', (ev) => {
      const f = ev.target;
      if (!f.matches('form.flag, form.miss')) return;
      ev.preventDefault();
      const btn = $('button', f);
      btn.disabled = true;
      fetch(f.action, { method: 'POST', body: new URLSearchParams(new FormData(f)), redirect: 'manual',
        headers: key() ? { Authorization: 'Bearer ' + key() } : {} })
        .then((r) => {
          if (!(r.ok || r.type === 'opaqueredirect')) throw r;
          const p = el('p', 'sent-to-team', T('sent.team'));
          p.tabIndex = -1;
          f.replaceWith(p);
          announce(p.textContent);
          if (f.matches('form.miss')) {
            mention.value = '';
            if (handle) handle.value = '';
            stale();
            mention.focus();
          } else p.focus();
        }).catch((e) => { btn.disabled = false; fail(e, T('fail.team')); });
    });

    // Knowledge-base health: the indexer's status of its last build, on
    // /healthz; polled every second (a cheap route) while the page is seen,
    // so a saved error, and its fix, show within about a second.
    function health() {
      if (document.hidden) return;
      fetch('/healthz', { headers: { Accept: 'application/json' } }).then((r) => r.json()).then((h) => {
        // Agents get one line, no paths or parser text: the details are
        // the knowledge team's (/kb-health).
        const kb = h && h.kb, errs = kb ? kb.errors : 0;
        if (!(errs > 0)) return note('health');
        note('health', TN('health', errs));
      }).catch(() => { /* the next poll will tell */ });
    }
    health();
    setInterval(health, 1000);
  }

  /* ---- KB health (/kb-health): fresh within a second of a save -------- */
  // The indexer's status changes when a build starts, when its files are
  // checked (its problems known) and when it ends; /healthz has it within
  // 50 ms, and a poll every 250 ms adds at most that.
  function initHealth() {
    const box = $('#health .state');
    if (!box) return;
    let seen = `${box.dataset.builds} ${box.dataset.building} ${box.dataset.finished}`, busy = false;
    setInterval(() => {
      if (document.hidden || busy) return;
      busy = true;
      fetch('/healthz', { headers: { Accept: 'application/json' } }).then((r) => r.json()).then((h) => {
        const now = h.kb ? `${h.kb.builds} ${!!h.kb.building} ${h.kb.finished}` : seen;
        if (now === seen) return null;
        seen = now;
        // this page's own address: /de/kb-health stays German whatever
        // the browser's language (/kb-health would follow it)
        return fetch(location.pathname, { headers: { Accept: 'text/html' } }).then((r) => r.text()).then((html) => {
          const fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('health');
          if (fresh) $('#health').replaceWith(document.importNode(fresh, true));
        });
      }).catch(() => {}).finally(() => { busy = false; });
    }, 250);
  }

  function init() { initAgent(); initHealth(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
