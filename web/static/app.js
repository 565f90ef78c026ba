/* PhoneRetailer Help: progressive enhancement for the pages kb-serve
 * renders (docs/web-contract.md). Every page works without this file.
 * Runs under the pages' CSP: no eval, no inline handlers, same-origin
 * requests only. Server strings are inserted with textContent; the only
 * HTML taken from the API (snippets) is reduced to text and <mark>. */
(function () {
  'use strict';

  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function postJSON(url, body, key) {
    var h = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (key) h.Authorization = 'Bearer ' + key;
    return fetch(url, { method: 'POST', headers: h, body: JSON.stringify(body), credentials: 'same-origin' });
  }

  /* ---- Search as you type (/ and /search) ------------------------------ */
  function initSearch() {
    var form = $('form.search'), q = $('#q');
    if (!form || !q || !window.fetch || !window.AbortController) return;
    var timer = 0, ctrl = null, last = q.value;
    q.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(run, 200);
    });
    function run() {
      var v = q.value;
      if (v.trim().length < 2 || v === last) return;
      last = v;
      if (ctrl) ctrl.abort();           // a newer query wins
      ctrl = new AbortController();
      var url = '/search?q=' + encodeURIComponent(v);
      fetch(url + '&fragment=1', { signal: ctrl.signal, headers: { Accept: 'text/html' } })
        .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('results');
          if (!fresh) return;
          var cur = $('#results');
          if (!cur) {
            cur = el('div');
            cur.id = 'results';
            cur.setAttribute('aria-live', 'polite');
            form.parentNode.insertBefore(cur, form.nextSibling);
          }
          // Children only: #results itself (and its aria-live) stays put.
          cur.replaceChildren.apply(cur, Array.prototype.map.call(fresh.childNodes,
            function (n) { return document.importNode(n, true); }));
          history.replaceState(null, '', url);
        })
        .catch(function () { /* aborted or offline: the form still submits */ });
    }
  }

  /* ---- "Did this help?" (articles) ------------------------------------- */
  function initHelpful() {
    $$('form.helpful').forEach(function (form) {
      form.addEventListener('submit', function (ev) {
        if (form.dataset.plain) return;          // fallback: a normal POST
        ev.preventDefault();
        var btn = ev.submitter, f = form.elements;
        var body = { slug: f.slug.value, helpful: !btn || btn.value !== 'no' };
        if (f.collection && f.collection.value) body.collection = f.collection.value;
        postJSON('/api/v1/helpful', body).then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          var p = el('p', 'helpful-thanks', 'Thanks for telling us.');
          p.setAttribute('role', 'status');
          form.replaceWith(p);
        }).catch(function () {
          form.dataset.plain = '1';
          if (btn && form.requestSubmit) form.requestSubmit(btn); else form.submit();
        });
      });
    });
  }

  /* ---- Tweet length as twitter-text v3 counts it ------------------------ */
  // A URL is what twitter-text's extractor finds: an optional http(s)://,
  // a domain ending in a known TLD, an optional port, path and query; each
  // weighs 23. (A bare IP address is no URL to twitter-text, nor here.)
  var CC = 'acadaeafagaialamaoaqarasatauawaxazbabbbdbebfbgbhbibjblbmbnbobqbrbsbtbvbwbybzcacccdcfcgchcickclcmcncocrcucvcwcxcyczdedjdkdmdodzeceeegehereseteufifjfkfmfofrgagbgdgegfggghgiglgmgngpgqgrgsgtgugwgyhkhmhnhrhthuidieiliminioiqirisitjejmjojpkekgkhkikmknkpkrkwkykzlalblclilklrlsltlulvlymamcmdmemfmgmhmkmlmmmnmompmqmrmsmtmumvmwmxmymznancnenfngninlnonpnrnunzompapepfpgphpkplpmpnprpsptpwpyqarerorsrurwsasbscsdsesgshsisjskslsmsnsosrssstsusvsxsysztctdtftgthtjtktltmtntotrtttvtwtzuaugukumusuyuzvavcvevgvivnvuwfwsyeytzazmzw';
  var TLD = 'aero|app|arpa|asia|biz|blog|cat|club|com|coop|dev|edu|gov|info|int|jobs|mil|mobi|museum|name|net|online|org|post|pro|shop|site|store|tech|tel|top|travel|xxx|xyz|' + CC.match(/../g).join('|');
  var LABEL = '[\\p{L}\\p{M}\\p{N}](?:[\\p{L}\\p{M}\\p{N}_-]*[\\p{L}\\p{M}\\p{N}])?';
  var URL_RE = new RegExp('(?<![A-Za-z0-9@$#\\uFF20\\uFF03])(?:https?:\\/\\/)?(?:' + LABEL + '\\.)+(?:' + TLD +
    ')(?![0-9A-Za-z@+-])(?::\\d{1,5})?(?:[/?][^\\s"<>^{}\\\\`]*)?', 'giu');
  var URL_END = /[^\p{L}\p{N}+\-=_#/&]+$/u;    // trailing punctuation is not the URL's
  var PICTO = /\p{Extended_Pictographic}/u, RI = /^[\u{1F1E6}-\u{1F1FF}]{2}$/u, KEYCAP = /^[0-9#*]\uFE0F?\u20E3$/u;
  var seg = window.Intl && Intl.Segmenter ? new Intl.Segmenter('en', { granularity: 'grapheme' }) : null;

  function weight(cp) {
    return (cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) ||
            (cp >= 8242 && cp <= 8247)) ? 1 : 2;
  }
  function isEmoji(g) {
    if (RI.test(g) || KEYCAP.test(g)) return true;
    // © or ® alone are text; with VS16, a ZWJ or outside the BMP, emoji.
    return PICTO.test(g) && (g.codePointAt(0) >= 0x2000 || /[\uFE0F\u200D]/.test(g));
  }
  function tweetLength(text) {
    var n = 0, s = text.normalize('NFC').replace(URL_RE, function (m) {
      var tail = (m.match(URL_END) || [''])[0];
      n += 23;
      return '\u0000' + tail;   // keeps the text's graphemes apart; weighs 0
    });
    var parts = seg ? Array.from(seg.segment(s), function (x) { return x.segment; }) : Array.from(s);
    parts.forEach(function (g) {
      if (isEmoji(g)) { n += 2; return; }
      for (var ch of g) if (ch !== '\u0000') n += weight(ch.codePointAt(0));
    });
    return n;
  }
  window.kbTweetLength = tweetLength;   // for the browser tests

  /* ---- Agent console (/agent) ------------------------------------------ */
  var KEY_STORE = 'kb-api-key';
  function initAgent() {
    var form = $('#agent-form');
    if (!form) return;
    var banner = $('#banner'), out = $('#suggestions'), mention = $('#mention'), handle = $('#handle'),
      coll = $('#collection'), apikey = $('#apikey');
    var useKeys = form.dataset.keys === '1', feedback = form.dataset.feedback === '1';
    var notes = {};    // banner messages by source: 'health', 'error'

    function note(kind, msg) {
      if (msg) notes[kind] = msg; else delete notes[kind];
      if (!banner) return;
      banner.replaceChildren.apply(banner, Object.keys(notes).map(function (k) { return el('p', null, notes[k]); }));
      banner.hidden = !Object.keys(notes).length;
    }
    function key() { return useKeys && apikey ? apikey.value.trim() : ''; }
    if (apikey) {
      try { apikey.value = sessionStorage.getItem(KEY_STORE) || ''; } catch (e) { /* storage off */ }
      apikey.addEventListener('change', function () {
        try { sessionStorage.setItem(KEY_STORE, apikey.value.trim()); } catch (e) { /* storage off */ }
      });
    }

    // Keyboard help, added here since the shortcuts need this script.
    var help = el('p');
    help.id = 'shortcuts';
    [['Shortcuts: '], ['Ctrl', 1], ['+'], ['Enter', 1], [' (or '], ['⌘', 1], ['+'], ['Enter', 1],
     [') suggests; '], ['1', 1], ['–'], ['5', 1], [' (or '], ['Alt', 1], ['+'], ['1', 1],
     [' while typing) copies that reply.']].forEach(function (p) {
      help.appendChild(p[1] ? el('kbd', null, p[0]) : document.createTextNode(p[0]));
    });
    form.appendChild(help);

    // Snippets arrive as escaped text with <mark>: keep only text and marks.
    function snippet(html) {
      var p = el('p', 'snippet'), body = new DOMParser().parseFromString('<p>' + html, 'text/html').body;
      (function walk(node, into) {
        node.childNodes.forEach(function (c) {
          if (c.nodeType === 3) into.appendChild(document.createTextNode(c.data));
          else if (c.nodeType === 1 && c.tagName === 'MARK') walk(c, into.appendChild(el('mark')));
          else if (c.nodeType === 1) walk(c, into);
        });
      })(body, p);
      return p;
    }

    function card(s, i) {
      var li = el('li', 'suggestion'), n = i + 1;
      li.dataset.slug = s.slug;
      li.dataset.collection = s.collection;
      li.appendChild(el('h2', null, s.title));
      li.appendChild(el('p', 'confidence', 'Confidence ' + Math.round((s.confidence || 0) * 100) + '%'));
      if (s.escalate) li.appendChild(el('p', 'escalate', 'Move to DM'));
      var lab = el('label', null, 'Reply');
      lab.htmlFor = 'reply-' + n;
      var ta = el('textarea', 'reply');
      ta.id = 'reply-' + n;
      ta.value = s.reply;
      var count = el('p', 'count');
      count.appendChild(el('span', 'n', String(s.reply_length)));
      count.appendChild(document.createTextNode('/280'));
      var copy = el('button', 'copy', 'Copy reply ');
      copy.type = 'button';
      copy.appendChild(el('kbd', null, String(n)));
      li.append(lab, ta, count, copy);
      if (feedback) {
        ['sent', 'Sent', 'dismiss', 'Not relevant'].forEach(function (v, j, a) {
          if (j % 2) return;
          var b = el('button', v, a[j + 1]);
          b.type = 'button';
          li.append(' ', b);
        });
      }
      if (s.snippet) li.appendChild(snippet(s.snippet));
      return li;
    }

    // Wires one card (rendered by us or by the server).
    function wire(li, text) {
      var ta = $('textarea.reply', li), count = $('.count', li), n = $('.n', count);
      if (!ta) return;
      var original = ta.value;
      li._mention = text;
      function recount() {
        var len = tweetLength(ta.value);
        n.textContent = String(len);
        count.classList.toggle('over', len > 280);
      }
      ta.addEventListener('input', recount);
      recount();
      $$('button.sent, button.dismiss', li).forEach(function (b) {
        if (!feedback) { b.hidden = true; return; }
        b.addEventListener('click', function () {
          var action = b.classList.contains('dismiss') ? 'dismissed' : ta.value === original ? 'sent' : 'edited';
          var body = { text: li._mention, slug: li.dataset.slug, collection: li.dataset.collection || 'default', action: action };
          var who = handle && handle.value.replace(/^@/, '').trim();
          if (who) body.author = who;
          b.disabled = true;
          postJSON('/api/v1/feedback', body, key()).then(function (r) {
            if (!r.ok) throw r;
            li.classList.add(action === 'dismissed' ? 'is-dismissed' : 'is-sent');
            $$('button.sent, button.dismiss', li).forEach(function (x) { x.disabled = true; });
            var st = $('.state', li) || li.insertBefore(el('p', 'state'), count.nextSibling);
            st.textContent = action === 'dismissed' ? 'Marked not relevant' : 'Marked as sent';
            note('error');
          }).catch(function (e) { b.disabled = false; fail(e, 'Could not record that'); });
        });
      });
      $('button.copy', li).addEventListener('click', function () { copyReply(li); });
    }

    function copyReply(li) {
      var ta = $('textarea.reply', li), btn = $('button.copy', li);
      if (!ta || !btn) return;
      var done = function () {
        var k = $('kbd', btn);
        btn.textContent = 'Copied ';
        if (k) btn.appendChild(k);
        btn.classList.add('done');
        clearTimeout(btn._t);
        btn._t = setTimeout(function () { btn.firstChild.data = 'Copy reply '; btn.classList.remove('done'); }, 2500);
      };
      var legacy = function () {
        ta.focus();
        ta.select();
        if (document.execCommand('copy')) done(); else note('error', 'Copy failed: select the reply and press Ctrl+C.');
      };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(ta.value).then(done, legacy);
      else legacy();
    }

    function fail(e, what) {
      if (e && e.status === 401) {
        note('error', what + ': the server needs an API key. Enter it in the API key field and try again.');
        if (apikey) apikey.focus();
      } else if (e && e.status) {
        (e.json ? e.json() : Promise.reject()).then(function (j) {
          note('error', what + ': ' + ((j.error && j.error.message) || 'error ' + e.status) + '.');
        }, function () { note('error', what + ': the server answered ' + e.status + '.'); });
      } else {
        note('error', what + ': the server cannot be reached. Check your connection and try again.');
      }
    }

    var busy = null;
    function suggest() {
      var text = mention.value;
      if (!text.trim()) { mention.focus(); return; }
      var body = { text: text, limit: 5 }, who = handle ? handle.value.trim().replace(/^@/, '') : '';
      if (who) body.author = who;
      if (coll && coll.value) body.collection = coll.value;
      if (apikey) try { sessionStorage.setItem(KEY_STORE, apikey.value.trim()); } catch (e) { /* storage off */ }
      var mine = busy = {};
      out.setAttribute('aria-busy', 'true');
      postJSON('/api/v1/suggest', body, key()).then(function (r) {
        if (!r.ok) throw r;
        return r.json();
      }).then(function (j) {
        if (busy !== mine) return;   // a newer request was made
        note('error');
        var nodes = [];
        if (!j.answerable) nodes.push(el('p', 'unanswerable', 'Nothing fits well enough to send: these are the closest articles.'));
        var ol = el('ol', 'suggestions');
        (j.suggestions || []).forEach(function (s, i) { ol.appendChild(card(s, i)); });
        if (!ol.children.length) nodes.push(el('p', 'unanswerable', 'No articles found.'));
        else nodes.push(ol);
        out.replaceChildren.apply(out, nodes);
        $$('li.suggestion', ol).forEach(function (li) { wire(li, text); });
      }).catch(function (e) { if (busy === mine) fail(e, 'No suggestions'); })
        .then(function () { if (busy === mine) out.removeAttribute('aria-busy'); });
    }

    form.addEventListener('submit', function (ev) {
      if (!window.fetch) return;
      ev.preventDefault();
      suggest();
    });

    document.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        if (form.contains(ev.target) || ev.target === document.body) { ev.preventDefault(); suggest(); }
        return;
      }
      var m = /^Digit([1-5])$/.exec(ev.code);
      if (!m || ev.ctrlKey || ev.metaKey) return;
      var t = ev.target, typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
      if (ev.altKey || !typing) {
        var li = $$('li.suggestion', out)[m[1] - 1];
        if (li) { ev.preventDefault(); copyReply(li); }
      }
    });

    // Server-rendered cards (GET /agent?text=...) get the same behaviour.
    $$('li.suggestion', out).forEach(function (li) { wire(li, mention.value); });

    // Knowledge-base health: warn the agents when the KB has problems.
    function health() {
      fetch('/healthz', { headers: { Accept: 'application/json' } }).then(function (r) { return r.json(); }).then(function (h) {
        var kb = h && h.kb;
        if (!kb || !(kb.errors > 0)) { note('health'); return; }
        var list = (kb.problems || []).slice(0, 3).map(function (p) {
          return typeof p === 'string' ? p : [p.file, p.line, p.message].filter(Boolean).join(':');
        });
        note('health', 'The knowledge base has ' + kb.errors + ' problem' + (kb.errors === 1 ? '' : 's') + ': ' +
          list.join('; ') + (kb.problems && kb.problems.length > 3 ? '; …' : ''));
      }).catch(function () { /* the next poll will tell */ });
    }
    health();
    setInterval(health, 30000);
  }

  function init() {
    initSearch();
    initHelpful();
    initAgent();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
