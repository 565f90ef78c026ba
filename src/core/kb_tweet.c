/*
 * kb_tweet.c - a tweet's weighted length, counted as twitter-text v3 counts
 * it (parseTweet in twitter-text's JavaScript), so that a reply we promise
 * to fit in 280 really fits.
 *
 * The count runs in four steps:
 *
 *  1. The text is NFC-normalised with utf8proc; invalid UTF-8 gives -1.
 *  2. URLs are found as twitter-text's extractUrlsWithIndices finds them.
 *     Its extractor is one big regular expression (regexp/extractUrl.js):
 *       preceding char, (https?://)?, domain, (:port)?, (/path)?, (?query)?
 *     where the domain is subdomain* domainName TLD and the TLD must be a
 *     known one followed by a character outside [0-9a-zA-Z@+-]. The regex
 *     is emulated here with hand-written scanners ("The extractor" below),
 *     including its greedy choices, its view of the text as UTF-16 units
 *     (S_exec_at) and the fact that a failed candidate still moves the
 *     search past it. A match is then checked as
 *     isValidUrl does (every DNS label, punycode-encoded when non-ASCII,
 *     1..63 characters; protocol + URL at most 4096 UTF-16 units), and a
 *     scheme-less match is reduced to the ASCII domains inside it.
 *  3. With emoji parsing on, each emoji sequence counts one default weight.
 *     twitter-text 3.1.0 takes its emoji from twemoji-parser 11.0.2, whose
 *     regex lists the Emoji 11.0 sequences; "Emoji" below reproduces the
 *     parts of it that change a count.
 *  4. Every other code point weighs what the configured ranges say.
 *
 * The sum of weights is divided (integer division) by the scale.
 *
 * Known differences, all rare: the TLD list is a compact one (the ISO
 * ccTLDs and the IDN ccTLDs, plus common gTLDs), so a URL under another
 * gTLD ("a.photography", or "example.рус" that twitter-text even finds
 * inside "example.русские") is counted as text: longer than twitter-text
 * when the URL is longer than 23, shorter otherwise. Lone emoji are weighed
 * by the ranges, which under config-v3.json gives them the same 2 as
 * twitter-text; a configuration whose ranges cover emoji code points would
 * see the difference.
 *
 * Cost is linear in the text: label runs are cached per dot-separated chain
 * so that text without spaces (CJK) is not rescanned from every position.
 */
#include "kb_tweet.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/*--- Configurations ---------------------------------------------------- */

/* config-v3.json's ranges (the v2 file has the same ones). */
static const kb_tweet_range S_ranges[] = {
    {0, 4351, 100}, {8192, 8205, 100}, {8208, 8223, 100}, {8242, 8247, 100}};

const kb_tweet_config kb_tweet_config_v3 = {
    .max_weighted_length = 280,
    .scale = 100,
    .default_weight = 200,
    .url_length = 23,
    .emoji_parsing = 1,
    .ranges = S_ranges,
    .nranges = (int)(sizeof S_ranges / sizeof S_ranges[0]),
};

const kb_tweet_config kb_tweet_config_v2 = {
    .max_weighted_length = 280,
    .scale = 100,
    .default_weight = 200,
    .url_length = 23,
    .emoji_parsing = 0,
    .ranges = S_ranges,
    .nranges = (int)(sizeof S_ranges / sizeof S_ranges[0]),
};

#define S_MAX_URL_U16 4096 /* twitter-text's MAX_URL_LENGTH */
#define S_MAX_LABEL 63     /* MAX_DOMAIN_LABEL_LENGTH */
#define S_MAX_TCO_SLUG 40  /* MAX_TCO_SLUG_LENGTH */
#define S_BAD (-1)         /* "code point" of an invalid UTF-8 byte */
#define S_NONE (-2)        /* no character (start or end of text) */

/*--- UTF-8 helpers ----------------------------------------------------- */

/* Decodes the code point at z[i] (i < n) into *pc and returns its length in
 * bytes; an invalid byte gives *pc = S_BAD and length 1. */
static size_t S_decode(const char *z, size_t n, size_t i, int32_t *pc) {
  if ((unsigned char)z[i] < 0x80) { /* ASCII, most of every reply */
    *pc = (unsigned char)z[i];
    return 1;
  }
  size_t rest = n - i < 4 ? n - i : 4;
  utf8proc_int32_t c;
  utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)z + i,
                                          (utf8proc_ssize_t)rest, &c);
  if (len <= 0) {
    *pc = S_BAD;
    return 1;
  }
  *pc = c;
  return (size_t)len;
}

/* The code point at z[i], or S_NONE at the end of the text. */
static int32_t S_peek(const char *z, size_t n, size_t i) {
  int32_t c = S_NONE;
  if (i < n) S_decode(z, n, i, &c);
  return c;
}

/* The offset just after the code point at z[i] (i < n). */
static size_t S_after(const char *z, size_t n, size_t i) {
  int32_t c;
  return i + S_decode(z, n, i, &c);
}

/* Length of z[s..e) in UTF-16 code units, the unit twitter-text's
 * JavaScript measures strings in. */
static size_t S_u16(const char *z, size_t s, size_t e) {
  size_t u = 0;
  for (size_t i = s; i < e; i++) {
    unsigned char b = (unsigned char)z[i];
    if ((b & 0xC0) != 0x80) u += b >= 0xF0 ? 2 : 1;
  }
  return u;
}

/*--- Character classes (twitter-text's regexp/ files) ------------------- */

static int S_is_alnum(int32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

static int S_is_digit(int32_t c) { return c >= '0' && c <= '9'; }

/* c is one of the ASCII characters in `set`. */
static int S_in(int32_t c, const char *set) {
  return c > 0 && c < 128 && strchr(set, (int)c) != NULL;
}

/* punct.js: ASCII punctuation except '"' and '`'. */
static int S_is_punct(int32_t c) {
  return S_in(c, "!'#%&()*+,\\-./:;<=>?@[]^_{|}~$");
}

/* spacesGroup.js */
static int S_is_space(int32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

/* invalidCharsGroup.js */
static int S_is_invalid(int32_t c) {
  return c == 0xFFFE || c == 0xFEFF || c == 0xFFFF;
}

/* directionalMarkersGroup.js */
static int S_is_dirmark(int32_t c) {
  return (c >= 0x202A && c <= 0x202E) || c == 0x061C || c == 0x200E ||
         c == 0x200F || (c >= 0x2066 && c <= 0x2069);
}

/* validDomainChars.js: anything but punctuation, spaces, invalid
 * characters and directional markers. */
static int S_is_domain_char(int32_t c) {
  return c >= 0 && !S_is_punct(c) && !S_is_space(c) && !S_is_invalid(c) &&
         !S_is_dirmark(c);
}

/* A character that may appear inside a label: domain characters plus the
 * '-' and '_' that subdomains allow between them. */
static int S_is_label_char(int32_t c) {
  return S_is_domain_char(c) || c == '-' || c == '_';
}

/* validUrlPrecedingChars.js: what may stand just before a URL. */
static int S_precedes_url(int32_t c) {
  if (S_is_dirmark(c)) return 1;
  return !(S_is_alnum(c) || c == '@' || c == 0xFF20 || c == '$' || c == '#' ||
           c == 0xFF03 || S_is_invalid(c));
}

/* latinAccentChars.js */
static int S_is_latin_accent(int32_t c) {
  return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) ||
         (c >= 0xF8 && c <= 0x24F) || c == 0x253 || c == 0x254 ||
         c == 0x256 || c == 0x257 || c == 0x259 || c == 0x25B ||
         c == 0x263 || c == 0x268 || c == 0x26F || c == 0x272 ||
         c == 0x289 || c == 0x28B || c == 0x2BB ||
         (c >= 0x300 && c <= 0x36F) || (c >= 0x1E00 && c <= 0x1EFF);
}

/* Letters the path classes share: ASCII, Cyrillic, Latin with accents. */
static int S_is_path_letter(int32_t c) {
  return S_is_alnum(c) || (c >= 0x400 && c <= 0x4FF) || S_is_latin_accent(c);
}

/* validGeneralUrlPathChars.js */
static int S_is_path_char(int32_t c) {
  return S_is_path_letter(c) || S_in(c, "!*';:=+,.$/%#[]-_~@|&") ||
         c == 0x2013;
}

/* validUrlPathEndingChars.js, its character class (see S_path_end). */
static int S_is_path_end(int32_t c) {
  return S_is_path_letter(c) || S_in(c, "+-=_#/");
}

/* validUrlQueryChars.js */
static int S_is_query_char(int32_t c) {
  return S_is_alnum(c) || S_in(c, "!?*'@();:&=+$/%#[]-_.,~|");
}

/* validUrlQueryEndingChars.js */
static int S_is_query_end(int32_t c) {
  return S_is_alnum(c) || S_in(c, "-_&=#/");
}

/* The label characters of validAsciiDomain.js: [-a-z0-9] and accents. */
static int S_is_ascii_label_char(int32_t c) {
  return c == '-' || S_is_alnum(c) || S_is_latin_accent(c);
}

/*--- TLDs ------------------------------------------------------------- */

/* ASCII TLDs, sorted (bsearch): the ISO 3166-1 alpha-2 ccTLDs plus ac, eu,
 * su and uk, the original gTLDs, and common newer ones. */
static const char *const S_tlds[] = {
    "ac", "ad", "ae", "aero", "af", "ag", "ai", "al", "am", "ao", "app", "aq",
    "ar", "arpa", "as", "asia", "at", "au", "aw", "ax", "az", "ba", "bb", "bd",
    "be", "bf", "bg", "bh", "bi", "biz", "bj", "bl", "blog", "bm", "bn", "bo",
    "bq", "br", "bs", "bt", "bv", "bw", "by", "bz", "ca", "cat", "cc", "cd",
    "cf", "cg", "ch", "ci", "ck", "cl", "club", "cm", "cn", "co", "com",
    "coop", "cr", "cu", "cv", "cw", "cx", "cy", "cz", "de", "dev", "dj", "dk",
    "dm", "do", "dz", "ec", "edu", "ee", "eg", "eh", "er", "es", "et", "eu",
    "fi", "fj", "fk", "fm", "fo", "fr", "ga", "gb", "gd", "ge", "gf", "gg",
    "gh", "gi", "gl", "gm", "gn", "gov", "gp", "gq", "gr", "gs", "gt", "gu",
    "gw", "gy", "hk", "hm", "hn", "hr", "ht", "hu", "id", "ie", "il", "im",
    "in", "info", "int", "io", "iq", "ir", "is", "it", "je", "jm", "jo",
    "jobs", "jp", "ke", "kg", "kh", "ki", "km", "kn", "kp", "kr", "kw", "ky",
    "kz", "la", "lb", "lc", "li", "lk", "lr", "ls", "lt", "lu", "lv", "ly",
    "ma", "mc", "md", "me", "mf", "mg", "mh", "mil", "mk", "ml", "mm", "mn",
    "mo", "mobi", "mp", "mq", "mr", "ms", "mt", "mu", "museum", "mv", "mw",
    "mx", "my", "mz", "na", "name", "nc", "ne", "net", "nf", "ng", "ni", "nl",
    "no", "np", "nr", "nu", "nz", "om", "online", "org", "pa", "pe", "pf",
    "pg", "ph", "pk", "pl", "pm", "pn", "post", "pr", "pro", "ps", "pt", "pw",
    "py", "qa", "re", "ro", "rs", "ru", "rw", "sa", "sb", "sc", "sd", "se",
    "sg", "sh", "shop", "si", "site", "sj", "sk", "sl", "sm", "sn", "so", "sr",
    "ss", "st", "store", "su", "sv", "sx", "sy", "sz", "tc", "td", "tech",
    "tel", "tf", "tg", "th", "tj", "tk", "tl", "tm", "tn", "to", "top", "tr",
    "travel", "tt", "tv", "tw", "tz", "ua", "ug", "uk", "um", "us", "uy",
    "uz", "va", "vc", "ve", "vg", "vi", "vn", "vu", "wf", "ws", "xxx", "xyz",
    "ye", "yt", "za", "zm", "zw"};

/* The IDN ccTLDs (Unicode form, NFC, lower case). */
static const char *const S_idn_tlds[] = {
    "한국", "香港", "澳門", "新加坡", "台灣", "台湾", "中國", "中国", "გე",
    "ລາວ", "ไทย", "ලංකා", "ഭാരതം", "ಭಾರತ", "భారత్", "சிங்கப்பூர்",
    "இலங்கை", "இந்தியா", "ଭାରତ", "ભારત", "ਭਾਰਤ", "ভাৰত", "ভারত", "বাংলা",
    "भारोत", "भारतम्", "भारत", "ڀارت", "پاکستان", "موريتانيا", "مليسيا",
    "مصر", "قطر", "فلسطين", "عمان", "عراق", "سورية", "سودان", "تونس",
    "بھارت", "بارت", "ایران", "امارات", "المغرب", "السعودية", "الجزائر",
    "البحرين", "الاردن", "հայ", "қаз", "укр", "срб", "рф", "мон", "мкд", "ею",
    "бел", "бг", "ευ", "ελ"};

#define S_TLD_MAXLEN 16 /* longer than any entry of S_tlds */

static int S_tld_cmp(const void *key, const void *elem) {
  return strcmp((const char *)key, *(const char *const *)elem);
}

/* The lookahead after every TLD: the end (of the text, or of the domain
 * when searching inside one) or a character outside [0-9a-zA-Z@+-]. */
static int S_tld_boundary(const char *z, size_t lim, size_t i) {
  unsigned char b = i < lim ? (unsigned char)z[i] : 0;
  return i >= lim || !(S_is_alnum(b) || b == '@' || b == '+' || b == '-');
}

/* An ASCII TLD starting at z[s]: it must be the whole run of letters and
 * digits there, since any shorter prefix is followed by one. Returns its
 * end or 0. */
static size_t S_tld_ascii(const char *z, size_t s, size_t lim) {
  char key[S_TLD_MAXLEN + 1];
  size_t a = s;
  while (a < lim && S_is_alnum((unsigned char)z[a])) a++;
  if (a == s || a - s > S_TLD_MAXLEN || !S_tld_boundary(z, lim, a)) return 0;
  for (size_t i = s; i < a; i++) {
    char c = z[i];
    key[i - s] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  key[a - s] = 0;
  return bsearch(key, S_tlds, sizeof S_tlds / sizeof S_tlds[0],
                 sizeof S_tlds[0], S_tld_cmp)
             ? a
             : 0;
}

/* If z[s..lim) starts with the (lower-case) string t, ignoring case, returns
 * the end of that prefix, else 0. */
static size_t S_prefix_ci(const char *z, size_t s, size_t lim, const char *t) {
  size_t tn = strlen(t), k = 0, i = s;
  while (k < tn) {
    int32_t want, got;
    k += S_decode(t, tn, k, &want);
    if (i >= lim) return 0;
    i += S_decode(z, lim, i, &got);
    if (got < 0 || utf8proc_tolower(got) != want) return 0;
  }
  return i;
}

/* The longest IDN ccTLD starting at z[s] and followed by the boundary;
 * its end or 0. */
static size_t S_tld_idn(const char *z, size_t s, size_t lim) {
  size_t best = 0;
  for (size_t i = 0; i < sizeof S_idn_tlds / sizeof S_idn_tlds[0]; i++) {
    size_t e = S_prefix_ci(z, s, lim, S_idn_tlds[i]);
    if (e > best && S_tld_boundary(z, lim, e)) best = e;
  }
  return best;
}

static int S_is_puny_char(unsigned char b) { return b == '-' || S_is_alnum(b); }

/* validPunycode.js: "xn--" and one or more of [-0-9a-z], no lookahead. */
static size_t S_tld_puny(const char *z, size_t s, size_t lim) {
  size_t e = s + 4;
  if (lim - s < 5 || !S_prefix_ci(z, s, lim, "xn--") ||
      !S_is_puny_char((unsigned char)z[e]))
    return 0;
  while (e < lim && S_is_puny_char((unsigned char)z[e])) e++;
  return e;
}

/* End of the TLD twitter-text would match at z[s] (gTLD | ccTLD |
 * punycode), or 0. lim is where the subject string ends. */
static size_t S_tld_end(const char *z, size_t s, size_t lim) {
  size_t e;
  if (s >= lim) return 0;
  e = S_tld_ascii(z, s, lim);
  if (!e && (unsigned char)z[s] >= 0x80) e = S_tld_idn(z, s, lim);
  if (!e) e = S_tld_puny(z, s, lim);
  return e;
}

/*--- Punycode (RFC 3492), for the label-length check --------------------- */

/* RFC 3492 section 6.1. */
static uint64_t S_puny_adapt(uint64_t delta, uint64_t npoints, int first) {
  uint64_t k = 0;
  delta = first ? delta / 700 : delta / 2;
  delta += delta / npoints;
  while (delta > 455) { /* ((base - tmin) * tmax) / 2 */
    delta /= 35;
    k += 36;
  }
  return k + (36 * delta) / (delta + 38);
}

/* Length of a variable-length integer q at the given bias (section 6.3). */
static size_t S_puny_digits(uint64_t q, uint64_t bias) {
  size_t out = 1;
  for (uint64_t k = 36;; k += 36) {
    uint64_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
    if (q < t) return out;
    out++;
    q = (q - t) / (36 - t);
  }
}

/* Length of punycode.toASCII() of one dot-free part a[0..na): the part
 * itself when it is all printable ASCII, else "xn--" plus its RFC 3492
 * encoding (punycode.js 1.4.1, which twitter-text uses, encodes parts with
 * control characters too). Only the length is computed. */
static size_t S_puny_len(const int32_t *a, size_t na) {
  size_t b = 0, printable = 0, h, out;
  uint64_t n = 0x80, delta = 0, bias = 72;
  for (size_t i = 0; i < na; i++) {
    b += a[i] < 0x80;
    printable += a[i] >= 0x20 && a[i] < 0x7F;
  }
  if (printable == na) return na;
  out = 4 + b + (b > 0);
  for (h = b; h < na; delta++, n++) {
    uint64_t m = UINT64_MAX;
    for (size_t i = 0; i < na; i++)
      if ((uint64_t)a[i] >= n && (uint64_t)a[i] < m) m = (uint64_t)a[i];
    delta += (m - n) * (h + 1);
    n = m;
    for (size_t i = 0; i < na; i++) {
      if ((uint64_t)a[i] < n) delta++;
      if ((uint64_t)a[i] != n) continue;
      out += S_puny_digits(delta, bias);
      bias = S_puny_adapt(delta, h + 1, h == b);
      delta = 0;
      h++;
    }
  }
  return out;
}

/* punycode.js also splits labels on these full stops. */
static int S_is_label_sep(int32_t c) {
  return c == 0x3002 || c == 0xFF0E || c == 0xFF61;
}

/* idna.js: the label z[s..e) is valid when punycode.toASCII() of it is 1..63
 * characters long. Each code point yields at least one character, so a
 * label of more than 63 code points fails at once. With half, the label
 * starts at the low surrogate of its first character, which punycode.js
 * then encodes as a code point of its own. */
static int S_label_ok(const char *z, size_t s, size_t e, int half) {
  int32_t cp[S_MAX_LABEL];
  size_t k = 0, part = 0, total = 0;
  for (size_t i = s; i < e; k++) {
    if (k == S_MAX_LABEL) return 0;
    i += S_decode(z, e, i, &cp[k]);
  }
  if (half && k > 0) cp[0] = 0xDC00 + ((cp[0] - 0x10000) & 0x3FF);
  for (size_t j = 0; j <= k; j++) {
    if (j < k && !S_is_label_sep(cp[j])) continue;
    total += S_puny_len(cp + part, j - part) + (j < k);
    part = j + 1;
  }
  return total >= 1 && total <= S_MAX_LABEL;
}

/*--- Label runs ------------------------------------------------------- */

/*
 * A domain is a chain of label runs joined by single dots. validDomain.js
 * reads it as subdomain* domainName TLD, taking as many subdomains as it
 * can. So for the run R[i] heading a domain, the end of that domain is
 *   G[i] = G[i+1]      if R[i] is a valid subdomain and G[i+1] exists,
 *        = TLD(R[i+1])  else if R[i] is a valid domain name,
 *        = none         otherwise,
 * which one right-to-left pass over a chain computes. A domain may also
 * start inside a run (after a '-' or '_', or in CJK text); only that first
 * label's own validity then changes, so the chain is computed once and
 * looked up for every starting point in it.
 */
typedef struct S_run {
  size_t s, e;   /* label characters z[s..e) */
  size_t us;     /* 1 + offset of the run's last '_', 0 if none */
  int last_dc;   /* the last character is a domain character */
  int sub, name; /* the whole run is a valid subdomain / domain name */
  size_t tld;    /* end of the TLD matched at s, 0 if none */
  size_t g;      /* end of the domain headed by the whole run, 0 if none */
} S_run;

typedef struct S_chain {
  S_run *a; /* runs in text order, R[i+1].s == R[i].e + 1 */
  size_t na, cap;
} S_chain;

/* Scans the label characters from z[s] into *r (sub, name, us, last_dc;
 * tld and g are left 0). */
static void S_run_scan(const char *z, size_t n, size_t s, S_run *r) {
  size_t i = s;
  int32_t c;
  memset(r, 0, sizeof *r);
  while (i < n) {
    size_t len = S_decode(z, n, i, &c);
    if (!S_is_label_char(c)) break;
    if (c == '_') r->us = i + 1;
    r->last_dc = S_is_domain_char(c);
    i += len;
  }
  r->s = s;
  r->e = i;
  r->sub = i > s && S_is_domain_char(S_peek(z, n, s)) && r->last_dc;
  r->name = r->sub && !r->us;
}

/* Appends *r; 0 on success, -1 when out of memory. */
static int S_chain_push(S_chain *ch, const S_run *r) {
  if (ch->na == ch->cap) {
    size_t cap = ch->cap ? 2 * ch->cap : 16;
    S_run *a = realloc(ch->a, cap * sizeof *a);
    if (!a) return -1;
    ch->a = a;
    ch->cap = cap;
  }
  ch->a[ch->na++] = *r;
  return 0;
}

/* Replaces the cache by the chain whose first run starts at z[d] (a label
 * character). Returns 0, or -1 when out of memory. */
static int S_chain_build(S_chain *ch, const char *z, size_t n, size_t d) {
  S_run r;
  ch->na = 0;
  for (size_t s = d;; s = r.e + 1) {
    S_run_scan(z, n, s, &r);
    if (r.e == r.s) break;
    if (S_chain_push(ch, &r)) return -1;
    if (r.e >= n || z[r.e] != '.') break;
  }
  for (size_t i = 1; i < ch->na; i++)
    ch->a[i].tld = S_tld_end(z, ch->a[i].s, n);
  for (size_t i = ch->na; i-- > 1;) {
    S_run *p = &ch->a[i - 1], *q = &ch->a[i];
    p->g = (p->sub && q->g) ? q->g : (p->name ? q->tld : 0);
  }
  return 0;
}

/* Index of the cached run holding offset d, or SIZE_MAX. */
static size_t S_chain_find(const S_chain *ch, size_t d) {
  size_t lo = 0, hi = ch->na;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ch->a[mid].e <= d)
      lo = mid + 1;
    else if (ch->a[mid].s > d)
      hi = mid;
    else
      return mid;
  }
  return SIZE_MAX;
}

/* The domain starting at z[d]: returns 1 and sets *pe to its end, 0 when
 * none starts there, -1 when out of memory. */
static int S_domain_at(S_chain *ch, const char *z, size_t n, size_t d,
                       size_t *pe) {
  int32_t c = S_peek(z, n, d);
  size_t i;
  int sub, name;
  if (!S_is_label_char(c)) return 0;
  i = S_chain_find(ch, d);
  if (i == SIZE_MAX) {
    if (S_chain_build(ch, z, n, d)) return -1;
    i = 0;
  }
  if (i + 1 >= ch->na) return 0;
  sub = S_is_domain_char(c) && ch->a[i].last_dc;
  name = sub && !(ch->a[i].us && ch->a[i].us - 1 >= d);
  *pe = (sub && ch->a[i + 1].g) ? ch->a[i + 1].g : (name ? ch->a[i + 1].tld : 0);
  return *pe != 0;
}

/*--- The extractor (regexp/extractUrl.js) ----------------------------- */

/* One match of the extractor's regex. */
typedef struct S_match {
  int32_t before;      /* the preceding character ($2), S_NONE at start */
  size_t url_s;        /* start of the URL ($3) */
  int half;            /* the URL starts at the low surrogate of the
                          supplementary character at url_s (see S_exec_at) */
  size_t proto_len;    /* length of "http://" or "https://" ($4), or 0 */
  size_t dom_s, dom_e; /* the domain ($5) */
  int has_path;        /* a path ($7) follows the domain and port */
  size_t end;          /* end of the URL, where the next search resumes */
} S_match;

/* z[i..n) starts with the lower-case ASCII string t, ignoring case. */
static int S_starts_ci(const char *z, size_t n, size_t i, const char *t) {
  size_t tn = strlen(t);
  if (n - i < tn) return 0;
  for (size_t k = 0; k < tn; k++) {
    char c = z[i + k];
    if (((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c) != t[k]) return 0;
  }
  return 1;
}

/* Length of the protocol at z[p] (https?://), 0 if none. */
static size_t S_protocol_len(const char *z, size_t n, size_t p) {
  if (S_starts_ci(z, n, p, "http://")) return 7;
  if (S_starts_ci(z, n, p, "https://")) return 8;
  return 0;
}

/* End of the run of general path characters starting at z[i]. */
static size_t S_path_run(const char *z, size_t n, size_t i) {
  int32_t c;
  while (i < n) {
    size_t len = S_decode(z, n, i, &c);
    if (!S_is_path_char(c)) break;
    i += len;
  }
  return i;
}

/* validUrlBalancedParens.js at z[k] == '(': "(x)" or "(x(y)z)". Returns
 * the end of the group or 0. */
static size_t S_parens_end(const char *z, size_t n, size_t k) {
  size_t a = S_path_run(z, n, k + 1), b, c;
  if (a < n && z[a] == ')' && a > k + 1) return a + 1;
  if (a >= n || z[a] != '(') return 0;
  b = S_path_run(z, n, a + 1);
  if (b == a + 1 || b >= n || z[b] != ')') return 0;
  c = S_path_run(z, n, b + 1);
  return (c < n && z[c] == ')') ? c + 1 : 0;
}

/* validUrlPath.js after the '/' at z[i - 1]. Its ending class is spliced in
 * ungrouped as "[chars]|(parens)", so each repetition of the path is
 * either path characters and balanced parenthesis groups ending on an
 * ending character, or one parenthesis group alone; the greedy regex takes
 * the longest of the first kind, then groups that follow directly. So
 * "/foo." leaves the period out, "/Primer_(film)" and "/a(b)" keep their
 * group, but "/org%(film)" stops at "/org". Returns the path's end. */
static size_t S_path_end(const char *z, size_t n, size_t i) {
  size_t best = i, k = i, e;
  int32_t c;
  while (k < n) { /* the run of tokens, noting the last ending char */
    size_t len = S_decode(z, n, k, &c);
    if (c == '(') {
      if (!(e = S_parens_end(z, n, k))) break;
      k = e;
      continue;
    }
    if (!S_is_path_char(c)) break;
    k += len;
    if (S_is_path_end(c)) best = k;
  }
  while (best < n && z[best] == '(' && (e = S_parens_end(z, n, best)))
    best = e;
  return best;
}

/* The query after the '?' at z[i - 1]: query characters ending on a query
 * ending character, within z[..lim). Returns its end, 0 if there is none. */
static size_t S_query_end(const char *z, size_t lim, size_t i) {
  size_t best = 0;
  for (; i < lim && S_is_query_char((unsigned char)z[i]); i++)
    if (S_is_query_end((unsigned char)z[i])) best = i + 1;
  return best;
}

/* The port, path and query after the domain ending at z[e]; returns the end
 * of the URL and sets m->has_path. */
static size_t S_url_tail(const char *z, size_t n, size_t e, S_match *m) {
  if (e + 1 < n && z[e] == ':' && S_is_digit((unsigned char)z[e + 1])) {
    for (e++; e < n && S_is_digit((unsigned char)z[e]);) e++;
  }
  m->has_path = e < n && z[e] == '/';
  if (m->has_path) e = S_path_end(z, n, e + 1);
  if (e < n && z[e] == '?') {
    size_t q = S_query_end(z, n, e + 1);
    if (q) e = q;
  }
  return e;
}

/* The regex anchored at URL start p (with half, at the low surrogate of
 * the character at p): 1 and *m filled (but m->before), 0 if it does not
 * match there, -1 when out of memory. When a protocol is present the domain
 * must follow it: without it the regex could only try "http" itself as a
 * label, which a ':' ends. A low surrogate is a domain character, so a
 * half start parses like a start at p; only the checks differ. */
static int S_match_at(S_chain *ch, const char *z, size_t n, size_t p,
                      int half, S_match *m) {
  size_t plen = half ? 0 : S_protocol_len(z, n, p), de = 0;
  int rc = S_domain_at(ch, z, n, p + plen, &de);
  if (rc <= 0) return rc;
  m->half = half;
  m->url_s = p;
  m->proto_len = plen;
  m->dom_s = p + plen;
  m->dom_e = de;
  m->end = S_url_tail(z, n, de, m);
  return 1;
}

/* The regex's attempts at the character c (len bytes) at z[q], in its
 * order. The regex runs on UTF-16 units: a supplementary character is two
 * positions, its high surrogate may stand as the preceding character of a
 * URL starting at its low surrogate, and its low surrogate before one
 * starting after it. At offset 0 the start of the text stands in for the
 * preceding character, but only after the character alternative has failed
 * there (so in "éxample.com" the URL is "xample.com"). Returns 1 and fills
 * *m, 0 when nothing matches, -1 when out of memory. */
static int S_exec_at(S_chain *ch, const char *z, size_t n, size_t q,
                     int32_t c, size_t len, S_match *m) {
  int rc = 0, astral = c >= 0x10000;
  int32_t before = S_NONE;
  if (astral) {
    rc = S_match_at(ch, z, n, q, 1, m);
    before = 0xD800;
  } else if (S_precedes_url(c)) {
    rc = S_match_at(ch, z, n, q + len, 0, m);
    before = c;
  }
  if (rc == 0 && q == 0) {
    rc = S_match_at(ch, z, n, 0, 0, m);
    before = S_NONE;
  }
  if (rc == 0 && astral) {
    rc = S_match_at(ch, z, n, q + len, 0, m);
    before = 0xDC00;
  }
  m->before = before;
  return rc;
}

/* The regex's next match at or after lastIndex `last`: the preceding
 * character is part of the match, so it must lie at or after `last`.
 * Returns 1 and fills *m, 0 when there is no match, -1 when out of
 * memory. */
static int S_exec(S_chain *ch, const char *z, size_t n, size_t last,
                  S_match *m) {
  int32_t c;
  for (size_t q = last; q < n;) {
    size_t len = S_decode(z, n, q, &c);
    int rc = S_exec_at(ch, z, n, q, c, len, m);
    if (rc) return rc;
    q += len;
  }
  return 0;
}

/*--- The extractor's checks (extractUrlsWithIndices.js, idna.js) ------ */

/* End of the run of validAsciiDomain label characters at z[i]. */
static size_t S_ascii_label_end(const char *z, size_t lim, size_t i) {
  int32_t c;
  while (i < lim) {
    size_t len = S_decode(z, lim, i, &c);
    if (!S_is_ascii_label_char(c)) break;
    i += len;
  }
  return i;
}

/* Searches z[from..de) for validAsciiDomain, (label.)+ TLD, as a global
 * regex would, the domain's end standing for the end of the subject.
 * Returns 1 and sets [*ps, *pe), or 0. When no TLD follows any dot of the
 * labels read from q, no later start among them can do better, so the
 * search jumps past them: this keeps it linear. */
static int S_ascii_find(const char *z, size_t de, size_t from, size_t *ps,
                        size_t *pe) {
  size_t q = from;
  while (q < de) {
    size_t i = q, found = 0, past = 0;
    for (;;) {
      size_t r = S_ascii_label_end(z, de, i);
      if (r == i || r >= de || z[r] != '.') break;
      i = past = r + 1;
      size_t t = S_tld_end(z, i, de);
      if (t) found = t;
    }
    if (found) {
      *ps = q;
      *pe = found;
      return 1;
    }
    if (past)
      q = past;
    else {
      size_t r = S_ascii_label_end(z, de, q);
      q = r > q ? r : S_after(z, de, q);
    }
  }
  return 0;
}

/* isValidUrl: protocol (or "https://" when absent) plus the whole URL fit
 * in 4096 UTF-16 units (twitter-text counts the protocol twice), a domain
 * starting "xn--" holds an ASCII domain, and every label is 1..63
 * characters once punycode-encoded. */
static int S_url_valid(const char *z, const S_match *m) {
  size_t proto = m->proto_len ? m->proto_len : 8, a, b, s;
  size_t u16 = S_u16(z, m->url_s, m->end) - (size_t)m->half;
  if (proto + u16 > S_MAX_URL_U16) return 0;
  if (!m->half && m->dom_e - m->dom_s >= 4 &&
      memcmp(z + m->dom_s, "xn--", 4) == 0 &&
      !S_ascii_find(z, m->dom_e, m->dom_s, &a, &b))
    return 0;
  s = m->dom_s;
  for (size_t i = m->dom_s; i <= m->dom_e; i++) {
    if (i < m->dom_e && z[i] != '.') continue;
    if (!S_label_ok(z, s, i, m->half && s == m->dom_s)) return 0;
    s = i + 1;
  }
  return 1;
}

/*--- URL iterator ----------------------------------------------------- */

/* A URL as parseTweet uses it: it starts at s, covers z[s..e), and the
 * counting loop skips skip16 UTF-16 units from s (twitter-text skips
 * url.length, which differs from e - s in one quirky case). */
typedef struct S_url {
  size_t s, e, skip16;
} S_url;

/* State of extractUrlsWithIndices' loop over a text. */
typedef struct S_scan {
  const char *z;
  size_t n;
  size_t last;   /* the regex's lastIndex */
  S_chain ch;    /* label runs of the current chain */
  int pending;   /* ASCII domains of a scheme-less match remain */
  size_t as, ae; /* the next of them */
  S_match m;     /* that scheme-less match */
} S_scan;

static void S_scan_init(S_scan *sc, const char *z, size_t n) {
  memset(sc, 0, sizeof *sc);
  sc->z = z;
  sc->n = n;
}

static void S_scan_free(S_scan *sc) { free(sc->ch.a); }

/* A URL with a protocol; t.co URLs are cut after their slug (and query).
 * Returns 1 and fills *u, or 0 when a t.co slug is over 40 characters. */
static int S_scan_proto(const char *z, const S_match *m, S_url *u) {
  size_t d = m->dom_s, e = d + 5;
  u->s = m->url_s;
  u->e = m->end;
  if (m->end > e && S_starts_ci(z, m->end, d, "t.co/") &&
      S_is_alnum((unsigned char)z[e])) {
    while (e < m->end && S_is_alnum((unsigned char)z[e])) e++;
    if (e - d - 5 > S_MAX_TCO_SLUG) return 0;
    if (e < m->end && z[e] == '?') {
      size_t q = S_query_end(z, m->end, e + 1);
      if (q) e = q;
    }
    u->e = e;
  }
  u->skip16 = S_u16(z, u->s, u->e);
  return 1;
}

/* Hands out the next ASCII domain of a scheme-less match. The last one is
 * stretched to the end of the match when there is a path, and parseTweet
 * then skips url.length with the domain replaced by that ASCII domain. */
static void S_scan_pending(S_scan *sc, S_url *u) {
  const S_match *m = &sc->m;
  size_t ns, ne;
  int more = S_ascii_find(sc->z, m->dom_e, sc->ae, &ns, &ne);
  u->s = sc->as;
  u->e = sc->ae;
  u->skip16 = S_u16(sc->z, sc->as, sc->ae);
  if (more) {
    sc->as = ns;
    sc->ae = ne;
    return;
  }
  sc->pending = 0;
  if (m->has_path) {
    u->e = m->end;
    u->skip16 += S_u16(sc->z, m->url_s, m->end) -
                 S_u16(sc->z, m->dom_s, m->dom_e);
  }
}

/* The next URL: 1 and *u filled, 0 at the end, -1 when out of memory. */
static int S_scan_next(S_scan *sc, S_url *u) {
  for (;;) {
    S_match *m = &sc->m;
    int rc;
    if (sc->pending) {
      S_scan_pending(sc, u);
      return 1;
    }
    rc = S_exec(&sc->ch, sc->z, sc->n, sc->last, m);
    if (rc <= 0) return rc;
    sc->last = m->end;
    if (!S_url_valid(sc->z, m)) continue;
    if (m->proto_len) {
      if (S_scan_proto(sc->z, m, u)) return 1;
      continue;
    }
    if (S_in(m->before, "-_./")) continue; /* invalidUrlWithoutProtocol... */
    sc->pending = S_ascii_find(sc->z, m->dom_e, m->dom_s, &sc->as, &sc->ae);
  }
}

/*--- Emoji ------------------------------------------------------------- */

/*
 * twitter-text 3.1.0 finds emoji with twemoji-parser 11.0.2: one regular
 * expression listing the Emoji 11.0 sequences, scanned left to right, the
 * first alternative that matches winning. Only what changes a count is
 * modelled. A code point that no sequence absorbs weighs 2 whether or not
 * the regex calls it an emoji (no emoji code point lies in a weight-1 range
 * of config-v3.json; (c) and (R) are text unless FE0F follows), so single
 * emoji need no table; what needs tables is which characters absorb the
 * ones after them. These tables were derived from that regex by probing
 * every code point up to U+1FFFF. In the regex's order:
 *   1. man/woman, skin tone?, ZWJ, profession or hair    S_emoji_role
 *   2. gendered person, skin tone or FE0F, ZWJ, sign, FE0F  S_emoji_gender
 *   3. a listed family, couple or flag ZWJ sequence       S_emoji_listed
 *   4. keycap: [#*0-9] FE0F? U+20E3                       S_emoji_keycap
 *   5. text-default emoji + FE0F (required for (c) (R) TM and the chess
 *      pawn), then a skin tone for modifier bases; modifier base + skin
 *                                                        S_emoji_single
 *   6. England/Scotland/Wales tag flags, valid flag pairs S_emoji_flag
 * So sequences newer than Emoji 11 (e.g. technologist, heart on fire) and
 * an FE0F after an emoji that is already emoji-style count as their parts,
 * exactly as twitter-text counts them.
 */

#define S_ZWJ 0x200D
#define S_VS16 0xFE0F

/* Followed by FE0F, these absorb it (and a skin tone after it when also
 * in S_emo_skin). Followed by FE0E they are not emoji. */
static const int32_t S_emo_vs[][2] = {
    {0xA9, 0xA9}, {0xAE, 0xAE}, {0x203C, 0x203C}, {0x2049, 0x2049},
    {0x2122, 0x2122}, {0x2139, 0x2139}, {0x2194, 0x2199}, {0x21A9, 0x21AA},
    {0x231A, 0x231B}, {0x2328, 0x2328}, {0x23CF, 0x23CF}, {0x23ED, 0x23EF},
    {0x23F1, 0x23F2}, {0x23F8, 0x23FA}, {0x24C2, 0x24C2}, {0x25AA, 0x25AB},
    {0x25B6, 0x25B6}, {0x25C0, 0x25C0}, {0x25FB, 0x25FE}, {0x2600, 0x2604},
    {0x260E, 0x260E}, {0x2611, 0x2611}, {0x2614, 0x2615}, {0x2618, 0x2618},
    {0x261D, 0x261D}, {0x2620, 0x2620}, {0x2622, 0x2623}, {0x2626, 0x2626},
    {0x262A, 0x262A}, {0x262E, 0x262F}, {0x2638, 0x263A}, {0x2640, 0x2640},
    {0x2642, 0x2642}, {0x2648, 0x2653}, {0x265F, 0x2660}, {0x2663, 0x2663},
    {0x2665, 0x2666}, {0x2668, 0x2668}, {0x267B, 0x267B}, {0x267F, 0x267F},
    {0x2692, 0x2697}, {0x2699, 0x2699}, {0x269B, 0x269C}, {0x26A0, 0x26A1},
    {0x26AA, 0x26AB}, {0x26B0, 0x26B1}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5},
    {0x26C8, 0x26C8}, {0x26CF, 0x26CF}, {0x26D1, 0x26D1}, {0x26D3, 0x26D4},
    {0x26E9, 0x26EA}, {0x26F0, 0x26F5}, {0x26F7, 0x26FA}, {0x26FD, 0x26FD},
    {0x2702, 0x2702}, {0x2708, 0x2709}, {0x270C, 0x270D}, {0x270F, 0x270F},
    {0x2712, 0x2712}, {0x2714, 0x2714}, {0x2716, 0x2716}, {0x271D, 0x271D},
    {0x2721, 0x2721}, {0x2733, 0x2734}, {0x2744, 0x2744}, {0x2747, 0x2747},
    {0x2757, 0x2757}, {0x2763, 0x2764}, {0x27A1, 0x27A1}, {0x2934, 0x2935},
    {0x2B05, 0x2B07}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
    {0x3030, 0x3030}, {0x303D, 0x303D}, {0x3297, 0x3297}, {0x3299, 0x3299},
    {0x1F004, 0x1F004}, {0x1F170, 0x1F171}, {0x1F17E, 0x1F17F},
    {0x1F202, 0x1F202}, {0x1F21A, 0x1F21A}, {0x1F22F, 0x1F22F},
    {0x1F237, 0x1F237}, {0x1F321, 0x1F321}, {0x1F324, 0x1F32C},
    {0x1F336, 0x1F336}, {0x1F37D, 0x1F37D}, {0x1F396, 0x1F397},
    {0x1F399, 0x1F39B}, {0x1F39E, 0x1F39F}, {0x1F3CB, 0x1F3CE},
    {0x1F3D4, 0x1F3DF}, {0x1F3F3, 0x1F3F3}, {0x1F3F5, 0x1F3F5},
    {0x1F3F7, 0x1F3F7}, {0x1F43F, 0x1F43F}, {0x1F441, 0x1F441},
    {0x1F4FD, 0x1F4FD}, {0x1F549, 0x1F54A}, {0x1F56F, 0x1F570},
    {0x1F573, 0x1F579}, {0x1F587, 0x1F587}, {0x1F58A, 0x1F58D},
    {0x1F590, 0x1F590}, {0x1F5A5, 0x1F5A5}, {0x1F5A8, 0x1F5A8},
    {0x1F5B1, 0x1F5B2}, {0x1F5BC, 0x1F5BC}, {0x1F5C2, 0x1F5C4},
    {0x1F5D1, 0x1F5D3}, {0x1F5DC, 0x1F5DE}, {0x1F5E1, 0x1F5E1},
    {0x1F5E3, 0x1F5E3}, {0x1F5E8, 0x1F5E8}, {0x1F5EF, 0x1F5EF},
    {0x1F5F3, 0x1F5F3}, {0x1F5FA, 0x1F5FA}, {0x1F6CB, 0x1F6CB},
    {0x1F6CD, 0x1F6CF}, {0x1F6E0, 0x1F6E5}, {0x1F6E9, 0x1F6E9},
    {0x1F6F0, 0x1F6F0}, {0x1F6F3, 0x1F6F3}};

/* Modifier bases: these absorb a skin tone. */
static const int32_t S_emo_skin[][2] = {
    {0x261D, 0x261D}, {0x26F7, 0x26F7}, {0x26F9, 0x26F9}, {0x270A, 0x270D},
    {0x1F385, 0x1F385}, {0x1F3C2, 0x1F3C4}, {0x1F3C7, 0x1F3C7},
    {0x1F3CA, 0x1F3CC}, {0x1F442, 0x1F443}, {0x1F446, 0x1F450},
    {0x1F466, 0x1F469}, {0x1F46E, 0x1F46E}, {0x1F470, 0x1F478},
    {0x1F47C, 0x1F47C}, {0x1F481, 0x1F483}, {0x1F485, 0x1F487},
    {0x1F4AA, 0x1F4AA}, {0x1F574, 0x1F575}, {0x1F57A, 0x1F57A},
    {0x1F590, 0x1F590}, {0x1F595, 0x1F596}, {0x1F645, 0x1F647},
    {0x1F64B, 0x1F64F}, {0x1F6A3, 0x1F6A3}, {0x1F6B4, 0x1F6B6},
    {0x1F6C0, 0x1F6C0}, {0x1F6CC, 0x1F6CC}, {0x1F918, 0x1F91C},
    {0x1F91E, 0x1F91F}, {0x1F926, 0x1F926}, {0x1F930, 0x1F939},
    {0x1F93D, 0x1F93E}, {0x1F9B5, 0x1F9B6}, {0x1F9B8, 0x1F9B9},
    {0x1F9D1, 0x1F9DD}};

/* Take skin tone, ZWJ, female/male sign, FE0F. */
static const int32_t S_emo_gender_skin[][2] = {
    {0x26F9, 0x26F9}, {0x1F3C3, 0x1F3C4}, {0x1F3CA, 0x1F3CC},
    {0x1F46E, 0x1F46E}, {0x1F471, 0x1F471}, {0x1F473, 0x1F473},
    {0x1F477, 0x1F477}, {0x1F481, 0x1F482}, {0x1F486, 0x1F487},
    {0x1F574, 0x1F575}, {0x1F645, 0x1F647}, {0x1F64B, 0x1F64B},
    {0x1F64D, 0x1F64E}, {0x1F6A3, 0x1F6A3}, {0x1F6B4, 0x1F6B6},
    {0x1F926, 0x1F926}, {0x1F935, 0x1F935}, {0x1F937, 0x1F939},
    {0x1F93D, 0x1F93E}, {0x1F9B8, 0x1F9B9}, {0x1F9D6, 0x1F9DD}};

/* Take FE0F, ZWJ, female/male sign, FE0F. */
static const int32_t S_emo_gender_vs[][2] = {
    {0x26F9, 0x26F9}, {0x1F3CB, 0x1F3CC}, {0x1F574, 0x1F575}};

/* Take ZWJ, female/male sign, FE0F. */
static const int32_t S_emo_gender_bare[][2] = {
    {0x1F3C3, 0x1F3C4}, {0x1F3CA, 0x1F3CA}, {0x1F46E, 0x1F46F},
    {0x1F471, 0x1F471}, {0x1F473, 0x1F473}, {0x1F477, 0x1F477},
    {0x1F481, 0x1F482}, {0x1F486, 0x1F487}, {0x1F645, 0x1F647},
    {0x1F64B, 0x1F64B}, {0x1F64D, 0x1F64E}, {0x1F6A3, 0x1F6A3},
    {0x1F6B4, 0x1F6B6}, {0x1F926, 0x1F926}, {0x1F935, 0x1F935},
    {0x1F937, 0x1F939}, {0x1F93C, 0x1F93E}, {0x1F9B8, 0x1F9B9},
    {0x1F9D6, 0x1F9DF}};

/* After man/woman, skin tone?, ZWJ: professions and hair styles; the last
 * three need an FE0F after them. */
static const int32_t S_emo_role[] = {
    0x1F33E, 0x1F373, 0x1F393, 0x1F3A4, 0x1F3A8, 0x1F3EB, 0x1F3ED, 0x1F4BB,
    0x1F4BC, 0x1F527, 0x1F52C, 0x1F680, 0x1F692, 0x1F9B0, 0x1F9B1, 0x1F9B2,
    0x1F9B3};
static const int32_t S_emo_role_vs[] = {0x2695, 0x2696, 0x2708};

/* Listed ZWJ sequences (0-terminated), longest first as in the regex:
 * couples, families, rainbow flag, pirate flag, eye in speech bubble. */
static const int32_t S_emo_seqs[][9] = {
{0x1F468, 0x200D, 0x2764, 0xFE0F, 0x200D, 0x1F48B, 0x200D, 0x1F468},
    {0x1F468, 0x200D, 0x1F468, 0x200D, 0x1F466, 0x200D, 0x1F466},
    {0x1F468, 0x200D, 0x1F468, 0x200D, 0x1F467, 0x200D, 0x1F466},
    {0x1F468, 0x200D, 0x1F468, 0x200D, 0x1F467, 0x200D, 0x1F467},
    {0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F466, 0x200D, 0x1F466},
    {0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F467, 0x200D, 0x1F466},
    {0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F467, 0x200D, 0x1F467},
    {0x1F469, 0x200D, 0x2764, 0xFE0F, 0x200D, 0x1F48B, 0x200D, 0x1F468},
    {0x1F469, 0x200D, 0x2764, 0xFE0F, 0x200D, 0x1F48B, 0x200D, 0x1F469},
    {0x1F469, 0x200D, 0x1F469, 0x200D, 0x1F466, 0x200D, 0x1F466},
    {0x1F469, 0x200D, 0x1F469, 0x200D, 0x1F467, 0x200D, 0x1F466},
    {0x1F469, 0x200D, 0x1F469, 0x200D, 0x1F467, 0x200D, 0x1F467},
    {0x1F468, 0x200D, 0x2764, 0xFE0F, 0x200D, 0x1F468},
    {0x1F468, 0x200D, 0x1F466, 0x200D, 0x1F466},
    {0x1F468, 0x200D, 0x1F467, 0x200D, 0x1F466},
    {0x1F468, 0x200D, 0x1F467, 0x200D, 0x1F467},
    {0x1F468, 0x200D, 0x1F468, 0x200D, 0x1F466},
    {0x1F468, 0x200D, 0x1F468, 0x200D, 0x1F467},
    {0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F466},
    {0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F467},
    {0x1F469, 0x200D, 0x2764, 0xFE0F, 0x200D, 0x1F468},
    {0x1F469, 0x200D, 0x2764, 0xFE0F, 0x200D, 0x1F469},
    {0x1F469, 0x200D, 0x1F466, 0x200D, 0x1F466},
    {0x1F469, 0x200D, 0x1F467, 0x200D, 0x1F466},
    {0x1F469, 0x200D, 0x1F467, 0x200D, 0x1F467},
    {0x1F469, 0x200D, 0x1F469, 0x200D, 0x1F466},
    {0x1F469, 0x200D, 0x1F469, 0x200D, 0x1F467},
    {0x1F3F3, 0xFE0F, 0x200D, 0x1F308},
    {0x1F3F4, 0x200D, 0x2620, 0xFE0F},
    {0x1F441, 0x200D, 0x1F5E8},
    {0x1F468, 0x200D, 0x1F466},
    {0x1F468, 0x200D, 0x1F467},
    {0x1F469, 0x200D, 0x1F466},
    {0x1F469, 0x200D, 0x1F467},
};

/* Subdivision flags: England, Scotland, Wales. */
static const int32_t S_emo_tag_flags[][8] = {
    {0x1F3F4, 0xE0067, 0xE0062, 0xE0065, 0xE006E, 0xE0067, 0xE007F},
    {0x1F3F4, 0xE0067, 0xE0062, 0xE0073, 0xE0063, 0xE0074, 0xE007F},
    {0x1F3F4, 0xE0067, 0xE0062, 0xE0077, 0xE006C, 0xE0073, 0xE007F}};

/* Valid flags: bit b of S_emo_flags[a] is set when regional indicators
 * a, b (0 = A) form one. */
static const uint32_t S_emo_flags[26] = {
    0x2DF597C, 0x36F7BFB, 0x3F2FDED, 0x2005650, 0x01E00D5, 0x0025700, 0x15FB9FB,
    0x01A3400, 0x00F781C, 0x000D010, 0x342B1D0, 0x13E0507, 0x3FFFCFD, 0x212C975,
    0x0001000, 0x14E3CF1, 0x0000001, 0x0544010, 0x3AE7FDF, 0x26A7EED, 0x3043041,
    0x0102155, 0x0040020, 0x0000400, 0x0080010, 0x0401001};

#define S_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* c lies in one of the sorted ranges r[0..nr). */
static int S_in_ranges(int32_t c, const int32_t (*r)[2], size_t nr) {
  size_t lo = 0, hi = nr;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (c < r[mid][0])
      hi = mid;
    else if (c > r[mid][1])
      lo = mid + 1;
    else
      return 1;
  }
  return 0;
}

/* c is one of a[0..na). */
static int S_in_list(int32_t c, const int32_t *a, size_t na) {
  for (size_t i = 0; i < na; i++)
    if (a[i] == c) return 1;
  return 0;
}

static int S_is_modifier(int32_t c) { return c >= 0x1F3FB && c <= 0x1F3FF; }

static int S_is_ri(int32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }

/* The 0-terminated code points seq at z[i]: the end of the match, or i. */
static size_t S_match_seq(const char *z, size_t n, size_t i,
                          const int32_t *seq) {
  size_t j = i;
  for (; *seq; seq++) {
    if (S_peek(z, n, j) != *seq) return i;
    j = S_after(z, n, j);
  }
  return j;
}

/* 1. Man or woman, skin tone?, ZWJ, profession or hair: end, or i. */
static size_t S_emoji_role(const char *z, size_t n, size_t i) {
  int32_t c = S_peek(z, n, i), o;
  size_t j;
  if (c != 0x1F468 && c != 0x1F469) return i;
  j = S_after(z, n, i);
  if (S_is_modifier(S_peek(z, n, j))) j = S_after(z, n, j);
  if (S_peek(z, n, j) != S_ZWJ) return i;
  j = S_after(z, n, j);
  o = S_peek(z, n, j);
  if (S_in_list(o, S_emo_role, S_NELEM(S_emo_role))) return S_after(z, n, j);
  if (!S_in_list(o, S_emo_role_vs, S_NELEM(S_emo_role_vs))) return i;
  j = S_after(z, n, j);
  return S_peek(z, n, j) == S_VS16 ? S_after(z, n, j) : i;
}

/* 2. Gendered person, then a skin tone, FE0F or nothing (each allowed for
 * its own set of bases), ZWJ, female/male sign, FE0F: end, or i. */
static size_t S_emoji_gender(const char *z, size_t n, size_t i) {
  int32_t c = S_peek(z, n, i), d, g;
  size_t j;
  int ok;
  if (c < 0x26F9) return i; /* below every base */
  j = S_after(z, n, i);
  d = S_peek(z, n, j);
  if (S_is_modifier(d))
    ok = S_in_ranges(c, S_emo_gender_skin, S_NELEM(S_emo_gender_skin));
  else if (d == S_VS16)
    ok = S_in_ranges(c, S_emo_gender_vs, S_NELEM(S_emo_gender_vs));
  else
    ok = S_in_ranges(c, S_emo_gender_bare, S_NELEM(S_emo_gender_bare));
  if (!ok) return i;
  if (S_is_modifier(d) || d == S_VS16) j = S_after(z, n, j);
  if (S_peek(z, n, j) != S_ZWJ) return i;
  j = S_after(z, n, j);
  g = S_peek(z, n, j);
  if (g != 0x2640 && g != 0x2642) return i;
  j = S_after(z, n, j);
  return S_peek(z, n, j) == S_VS16 ? S_after(z, n, j) : i;
}

/* 3. A listed ZWJ sequence: end, or i. */
static size_t S_emoji_listed(const char *z, size_t n, size_t i) {
  if (S_peek(z, n, i) < 0x1F3F3) return i;
  for (size_t k = 0; k < S_NELEM(S_emo_seqs); k++) {
    size_t e = S_match_seq(z, n, i, S_emo_seqs[k]);
    if (e > i) return e;
  }
  return i;
}

/* 4. Keycap: end, or i. */
static size_t S_emoji_keycap(const char *z, size_t n, size_t i) {
  int32_t c = S_peek(z, n, i);
  size_t j;
  if (c != '#' && c != '*' && !S_is_digit(c)) return i;
  j = S_after(z, n, i);
  if (S_peek(z, n, j) == S_VS16) j = S_after(z, n, j);
  return S_peek(z, n, j) == 0x20E3 ? S_after(z, n, j) : i;
}

/* Text-style characters that are emoji only with FE0F. */
static int S_needs_vs16(int32_t c) {
  return c == 0xA9 || c == 0xAE || c == 0x2122 || c == 0x265F;
}

/* 5. One emoji absorbing an FE0F and/or a skin tone after it: end, or i
 * when it absorbs nothing (it then weighs the same as a code point). */
static size_t S_emoji_single(const char *z, size_t n, size_t i) {
  int32_t c = S_peek(z, n, i), d;
  int vs, skin;
  size_t j;
  if (c < 0xA9) return i;
  vs = S_in_ranges(c, S_emo_vs, S_NELEM(S_emo_vs));
  skin = S_in_ranges(c, S_emo_skin, S_NELEM(S_emo_skin));
  if (!vs && !skin) return i;
  j = S_after(z, n, i);
  d = S_peek(z, n, j);
  if (vs && d == S_VS16)
    j = S_after(z, n, j);
  else if (vs && (S_needs_vs16(c) || d == 0xFE0E))
    return i;
  if (skin && S_is_modifier(S_peek(z, n, j))) j = S_after(z, n, j);
  return j;
}

/* 6. A subdivision flag or a valid pair of regional indicators: end, or i. */
static size_t S_emoji_flag(const char *z, size_t n, size_t i) {
  int32_t c = S_peek(z, n, i), d;
  size_t j;
  if (c == 0x1F3F4) {
    for (size_t k = 0; k < S_NELEM(S_emo_tag_flags); k++) {
      size_t e = S_match_seq(z, n, i, S_emo_tag_flags[k]);
      if (e > i) return e;
    }
    return i;
  }
  if (!S_is_ri(c)) return i;
  j = S_after(z, n, i);
  d = S_peek(z, n, j);
  if (S_is_ri(d) && ((S_emo_flags[c - 0x1F1E6] >> (d - 0x1F1E6)) & 1u))
    return S_after(z, n, j);
  return i;
}

/* The emoji sequence starting at z[i] that absorbs more than its first code
 * point: its end, or i. */
static size_t S_emoji_end(const char *z, size_t n, size_t i) {
  size_t e;
  if ((e = S_emoji_role(z, n, i)) > i) return e;
  if ((e = S_emoji_gender(z, n, i)) > i) return e;
  if ((e = S_emoji_listed(z, n, i)) > i) return e;
  if ((e = S_emoji_keycap(z, n, i)) > i) return e;
  if ((e = S_emoji_single(z, n, i)) > i) return e;
  return S_emoji_flag(z, n, i);
}

/*--- Weighted length --------------------------------------------------- */

/* The weight of code point c: the first range holding it, else default. */
static int S_weight(const kb_tweet_config *cfg, int32_t c) {
  for (int i = 0; i < cfg->nranges; i++) {
    if ((uint32_t)c >= cfg->ranges[i].start && (uint32_t)c <= cfg->ranges[i].end)
      return cfg->ranges[i].weight;
  }
  return cfg->default_weight;
}

/* Skips `units` UTF-16 units from z[pos]; returns the new offset. When the
 * skip ends inside a surrogate pair, twitter-text goes on from the low
 * surrogate and weighs it alone: *phalf is then set. */
static size_t S_skip_u16(const char *z, size_t n, size_t pos, size_t units,
                         int *phalf) {
  int32_t c;
  *phalf = 0;
  while (units > 0 && pos < n) {
    size_t len = S_decode(z, n, pos, &c);
    size_t u = c >= 0x10000 ? 2 : 1;
    pos += len;
    if (u > units) {
      *phalf = 1;
      break;
    }
    units -= u;
  }
  return pos;
}

/* parseTweet's loop over the (normalised) text z[0..n): puts the sum of
 * weights, before scaling, in *psum. Returns 0, or -1 when out of memory.
 * A URL whose start lies inside an emoji already counted is ignored, as the
 * JavaScript loop never visits its start. */
static int S_weigh(const kb_tweet_config *cfg, const char *z, size_t n,
                   int64_t *psum) {
  S_scan sc;
  S_url u;
  int64_t sum = 0;
  size_t pos = 0;
  int have, half;
  S_scan_init(&sc, z, n);
  have = S_scan_next(&sc, &u);
  while (have >= 0 && pos < n) {
    int32_t c;
    size_t e;
    if (have == 1 && u.s < pos) {
      have = S_scan_next(&sc, &u);
    } else if (have == 1 && u.s == pos) {
      sum += (int64_t)cfg->url_length * cfg->scale;
      pos = S_skip_u16(z, n, pos, u.skip16, &half);
      sum += half ? cfg->default_weight : 0;
      have = S_scan_next(&sc, &u);
    } else if (cfg->emoji_parsing && (e = S_emoji_end(z, n, pos)) > pos) {
      sum += cfg->default_weight;
      pos = e;
    } else {
      pos += S_decode(z, n, pos, &c);
      sum += S_weight(cfg, c);
    }
  }
  S_scan_free(&sc);
  *psum = sum;
  return have < 0 ? -1 : 0;
}

/* See kb_tweet.h. The count runs on utf8proc's NFC copy of z, freed here. */
int kb_tweet_length_cfg(const kb_tweet_config *cfg, const char *z, size_t n) {
  utf8proc_uint8_t *nfc = NULL;
  utf8proc_ssize_t m;
  int64_t sum;
  int rc;
  if (!cfg || cfg->scale <= 0 || (!z && n)) return -1;
  if (n == 0) return 0;
  if (n > (size_t)PTRDIFF_MAX) return -1;
  /* ASCII is already in NFC: most replies skip the normalisation (and
   * its allocation), which was most of the cost of counting */
  size_t i = 0;
  while (i < n && (unsigned char)z[i] < 0x80 && z[i] != 0) i++;
  if (i == n) {
    rc = S_weigh(cfg, z, n, &sum);
    if (rc) return -1;
    sum /= cfg->scale;
    return sum > INT_MAX ? INT_MAX : sum < INT_MIN ? INT_MIN : (int)sum;
  }
  m = utf8proc_map((const utf8proc_uint8_t *)z, (utf8proc_ssize_t)n, &nfc,
                   UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (m < 0) return -1;
  rc = S_weigh(cfg, (const char *)nfc, (size_t)m, &sum);
  free(nfc);
  if (rc) return -1;
  sum /= cfg->scale;
  return sum > INT_MAX ? INT_MAX : sum < INT_MIN ? INT_MIN : (int)sum;
}

/* See kb_tweet.h. */
int kb_tweet_length(const char *z, size_t n) {
  return kb_tweet_length_cfg(&kb_tweet_config_v3, z, n);
}

/* See kb_tweet.h. Scans from the start and skips URLs before `from`, so
 * that a walk sees exactly the list the counter uses. */
int kb_tweet_find_url(const char *z, size_t n, size_t from, size_t *pstart,
                      size_t *pend) {
  S_scan sc;
  S_url u;
  int rc;
  if (!z || from > n) return 0;
  S_scan_init(&sc, z, n);
  do
    rc = S_scan_next(&sc, &u);
  while (rc == 1 && u.s < from);
  S_scan_free(&sc);
  if (rc != 1) return 0;
  if (pstart) *pstart = u.s;
  if (pend) *pend = u.e;
  return 1;
}
