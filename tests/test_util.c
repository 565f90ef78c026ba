/*
 * test_util.c - kb_util.h's buffer formatting: what the JSON writers rely
 * on to print exactly what printf would, faster; and kb_sha256.h's
 * digests, which the pages' Content-Security-Policy names their inline
 * stylesheet by.
 */
#include "harness.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_esc.h"
#include "kb_sha256.h"
#include "kb_util.h"

static void S_same_as_printf(double v, int d) {
  char want[128];
  snprintf(want, sizeof want, "%.*f", d, v);
  kb_buf b = KB_BUF_INIT;
  kb_buf_put_fixed(&b, v, d);
  if (strcmp(kb_buf_str(&b), want))
    fail_msg("%.17g with %d decimals: got %s, printf gives %s", v, d, kb_buf_str(&b), want);
  kb_buf_cleanup(&b);
}

/* kb_buf_put_fixed() gives printf's "%.*f" for scores, confidences and
 * timings: random values at every scale, exact halves (where printf rounds
 * the binary value half to even), values a hair either side of a half,
 * negative zero, and what printf alone handles (huge, infinite, NaN). */
static void test_put_fixed(void **state) {
  (void)state;
  const double fixed[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, 0.125, 0.0005, 0.00005, 1.23455,
                          0.9999996, 0.99995, 123.4565, 1e-12, -1e-12, 999999999.9996,
                          1e9, 1.5e12, 4e18, INFINITY, -INFINITY, NAN, 8589.9345925,
                          0.1 + 0.2, 2.675, 1.005,
                          /* past 10^9 (kb_util.c's own path below 2^63): a learned
                           * score's size, halves of the last decimal or the whole
                           * part (ties to even), .9999 carried, the ends */
                          1e9 + 0.5, 1e9 + 1.5, 1e9 - 0.5, 1099511627776.03125,
                          1099511627776.09375, 1099511627777.5, 1099511627778.5,
                          1099511627775.99999, -37449095554.1144, 655874086775.5194,
                          4503599627370495.5, 9007199254740993.0, 0x1p63, -0x1p63,
                          nextafter(0x1p63, 0), 1e19, 1e22};
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
    for (int d = 0; d <= 9; d++) S_same_as_printf(fixed[i], d);
  unsigned long long seed = 88172645463325252ull;
  for (int i = 0; i < 200000; i++) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17; /* xorshift */
    int d = (int)(seed % 10);
    double scale = pow(10.0, (double)((seed >> 8) % 26) - 6.0); /* to 10^19 */
    double v = (double)(seed >> 11) / 9007199254740992.0 * scale;
    if (seed & 0x100000) v = -v;
    if (i % 4 == 0) { /* at or next to a half of the last decimal */
      double p = pow(10.0, d);
      v = (floor(v * p) + 0.5) / p;
      if (i % 8 == 0) v = nextafter(v, (seed & 1) ? INFINITY : -INFINITY);
    }
    S_same_as_printf(v, d);
  }
  /* kb_buf_put_int(), which reverses its digits in place: printf's %lld
   * at the ends of the range, at every length of 1 to 19 digits, and
   * appended after text */
  const long long ints[] = {0, 1, -1, 9, 10, -10, 99, 100, 12345, -123456, LLONG_MAX, LLONG_MIN,
                            LLONG_MIN + 1};
  kb_buf b = KB_BUF_INIT;
  char want[64];
  for (size_t i = 0; i < sizeof ints / sizeof *ints + 36; /* (18 more digits at most) */ i++) {
    long long v = i < sizeof ints / sizeof *ints ? ints[i] : 1;
    for (size_t k = sizeof ints / sizeof *ints; k < i; k++) v = k % 2 ? v * 10 + 7 : v;
    if (i >= sizeof ints / sizeof *ints && i % 2) v = -v;
    kb_buf_clear(&b);
    kb_buf_puts(&b, "n=");
    kb_buf_put_int(&b, v);
    snprintf(want, sizeof want, "n=%lld", v);
    assert_string_equal(kb_buf_str(&b), want);
  }
  kb_buf_cleanup(&b);
}

/* Outside text escaped for terminals and logs (issue #18, 8). */
static void test_esc(void **state) {
  (void)state;
  static const struct { const char *in, *out; } cases[] = {
      {"plain caf\xc3\xa9", "plain caf\xc3\xa9"},
      {"\x1b[31mred", "\\x1b[31mred"},
      {"two\nlines\r\tx", "two\\nlines\\r\\tx"},
      {"del\x7f", "del\\x7f"},
      {"c1 \xc2\x9b" "31m", "c1 \\x9b31m"},
      {"bad \xff\xc3", "bad \\xff\\xc3"},
      {"overlong \xc0\xaf", "overlong \\xc0\\xaf"},
      {"back\\slash", "back\\\\slash"},
      {"emoji \xf0\x9f\x98\x80", "emoji \xf0\x9f\x98\x80"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *e = kb_esc(cases[i].in);
    assert_string_equal(e, cases[i].out);
    free(e);
  }
  /* a cut never splits a character */
  const char *s = "ab\xc3\xa9\xf0\x9f\x98\x80";
  assert_int_equal(kb_esc_cut(s, strlen(s), 2), 2);
  assert_int_equal(kb_esc_cut(s, strlen(s), 3), 2);
  assert_int_equal(kb_esc_cut(s, strlen(s), 4), 4);
  assert_int_equal(kb_esc_cut(s, strlen(s), 7), 4);
  assert_int_equal(kb_esc_cut(s, strlen(s), 8), 8);
  assert_int_equal(kb_esc_cut(s, strlen(s), 100), 8);
}

/* JSON strings as kb_buf_put_json() must write them, one byte at a time. */
static void S_json_want(kb_buf *want, const char *in, size_t n) {
  kb_buf_putc(want, '"');
  for (size_t k = 0; k < n; k++) {
    int i = (unsigned char)in[k];
    if (i == '\n') kb_buf_puts(want, "\\n");
    else if (i == '\r') kb_buf_puts(want, "\\r");
    else if (i == '\t') kb_buf_puts(want, "\\t");
    else if (i == '"') kb_buf_puts(want, "\\\"");
    else if (i == '\\') kb_buf_puts(want, "\\\\");
    else if (i < 0x20 || i == '<' || i == '>' || i == '&') kb_buf_printf(want, "\\u%04x", i);
    else kb_buf_put(want, in + k, 1);
  }
  kb_buf_putc(want, '"');
}

/* JSON strings: every control character, '"', '\\' and <>& escaped (so
 * the JSON can sit inside HTML), every other byte as it is, NULs within
 * the length included. Sixteen bytes are tested at once where the CPU
 * can (kb_util.c): every byte value at every place of a 40-byte text (in
 * the first, second and third block of sixteen, and in the tail), alone
 * and after an escaped byte, is written as one byte at a time would. */
static void test_put_json(void **state) {
  (void)state;
  char in[256];
  for (int i = 0; i < 256; i++) in[i] = (char)i;
  kb_buf b = KB_BUF_INIT;
  kb_buf_put_json(&b, in, sizeof in);
  kb_buf want = KB_BUF_INIT;
  S_json_want(&want, in, sizeof in);
  assert_int_equal(b.n, want.n);
  assert_memory_equal(b.p, want.p, want.n);
  kb_buf_clear(&b);
  kb_buf_put_json(&b, "caf\xc3\xa9 <b>", 9);
  assert_string_equal(kb_buf_str(&b), "\"caf\xc3\xa9 \\u003cb\\u003e\"");
  char t[40];
  for (int c = 0; c < 256; c++)
    for (size_t at = 0; at < sizeof t; at++) {
      memset(t, 'a' + (int)(at % 26), sizeof t);
      t[at] = (char)c;
      if (at >= 3) t[at - 3] = '<';
      kb_buf_clear(&b);
      kb_buf_clear(&want);
      kb_buf_put_json(&b, t, sizeof t);
      S_json_want(&want, t, sizeof t);
      assert_int_equal(b.n, want.n);
      assert_memory_equal(b.p, want.p, want.n);
    }
  /* the buffer is grown for the text as it is, then again only when
   * escapes need more (kb_util.c): texts of escapes alone and mixed,
   * appended to buffers filled to every length about a doubling (64,
   * 128), so every escape meets the end of the room somewhere; the ASan
   * build would see a byte written past it */
  for (size_t fill = 0; fill < 140; fill++)
    for (size_t len = 1; len <= 40; len++)
      for (int mix = 0; mix < 2; mix++) {
        for (size_t k = 0; k < len; k++) t[k] = mix && k % 3 ? 'x' : k % 2 ? '<' : '\x01';
        kb_buf_cleanup(&b);
        kb_buf_cleanup(&want);
        for (size_t k = 0; k < fill; k++) kb_buf_putc(&b, 'p'), kb_buf_putc(&want, 'p');
        kb_buf_put_json(&b, t, len);
        S_json_want(&want, t, len);
        assert_int_equal(b.n, want.n);
        assert_memory_equal(b.p, want.p, want.n + 1); /* with the NUL */
        assert_true(b.n < b.cap);
      }
  kb_buf_cleanup(&b);
  kb_buf_cleanup(&want);
}

/* The plain runs are copied in overlapping pieces of 16, 8 or 4 bytes
 * (kb_util.c's S_copy_run()): a run of every length from 0 to 70 between
 * two escapes, then a last run of every length, each text in a block of
 * its own size (the ASan build sees a byte read past it), written as one
 * byte at a time would. */
static void test_put_json_runs(void **state) {
  (void)state;
  kb_buf b = KB_BUF_INIT, want = KB_BUF_INIT;
  for (size_t run = 0; run <= 70; run++)
    for (size_t tail = 0; tail <= 70; tail++) {
      size_t n = 1 + run + 1 + tail;
      char *t = kb_xmalloc(n);
      t[0] = '<';
      for (size_t k = 0; k < run; k++) t[1 + k] = (char)('a' + k % 26);
      t[1 + run] = '&';
      for (size_t k = 0; k < tail; k++) t[2 + run + k] = (char)('A' + k % 26);
      kb_buf_clear(&b);
      kb_buf_clear(&want);
      kb_buf_put_json(&b, t, n);
      S_json_want(&want, t, n);
      assert_int_equal(b.n, want.n);
      assert_memory_equal(b.p, want.p, want.n + 1);
      kb_buf_clear(&b);
      kb_buf_put_json(&b, t + 1, run); /* a run alone, no escape */
      assert_int_equal(b.n, run + 2);
      assert_memory_equal(b.p + 1, t + 1, run);
      free(t);
    }
  kb_buf_cleanup(&b);
  kb_buf_cleanup(&want);
}

/* FIPS 180-4's examples ("abc", the 56-byte message that needs a second
 * block of padding, a million 'a'), the empty string, and the lengths
 * either side of where the padding spills into a second block (55/56, 63,
 * 64); the digests are Python's hashlib's. */
/* kb_buf_printf() formats into the room it has and again only when that
 * was too little: what printf gives at every length across the buffer's
 * growth (empty buffer, room to spare, exactly full, one byte short),
 * appended after what the buffer holds, and nothing for "". */
/* kb_hash_more() goes on from a kb_hash(): a key hashed in two parts,
 * split anywhere (the place finder joins words one by one, kb_geo.c), is
 * hashed as the whole key. */
static void test_hash_more(void **state) {
  (void)state;
  const char *s = "milton keynes caf\xc3\xa9";
  size_t n = strlen(s);
  for (size_t k = 0; k <= n; k++) {
    assert_int_equal(kb_hash_more(kb_hash(s, k), s + k, n - k), kb_hash(s, n));
    assert_int_equal(kb_hash_more(kb_hash_more(kb_hash(s, 0), s, k), s + k, n - k), kb_hash(s, n));
  }
  assert_int_not_equal(kb_hash("ab", 2), kb_hash("ba", 2));
}

static void test_printf(void **state) {
  (void)state;
  char y[300];
  memset(y, 'y', sizeof y);
  for (int pre = 0; pre < 140; pre += 7) {
    for (int len = 0; len < 300; len += 13) {
      kb_buf b = KB_BUF_INIT;
      char want[512];
      for (int i = 0; i < pre; i++) kb_buf_putc(&b, 'p');
      int n = snprintf(want, sizeof want, "%.*s", pre, b.p ? b.p : "");
      snprintf(want + n, sizeof want - (size_t)n, "%s-%d-%.*s", "x", len, len, y);
      kb_buf_printf(&b, "%s-%d-%.*s", "x", len, len, y);
      if (strcmp(kb_buf_str(&b), want) || b.n != strlen(want))
        fail_msg("after %d bytes, %d formatted: got %zu bytes, want %zu", pre, len, b.n, strlen(want));
      kb_buf_printf(&b, "%s", "");
      assert_int_equal(b.n, strlen(want));
      assert_string_equal(kb_buf_str(&b), want);
      kb_buf_cleanup(&b);
    }
  }
}

/* kb_buf_put_html(): &<>"' escaped wherever they fall (in the first
 * sixteen bytes, past them, in the last few), every other byte as it is,
 * a NUL inside the length included; against a byte-by-byte reference at
 * every length up to 70 and every position of each escaped byte. */
static void test_put_html(void **state) {
  (void)state;
  static const char special[] = "&<>\"'";
  static const char *const as[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
  for (size_t n = 0; n <= 70; n++)
    for (size_t at = 0; at < (n ? n : 1); at++)
      for (int k = 0; k < 6; k++) {
        char in[80];
        for (size_t i = 0; i < n; i++) in[i] = (char)('a' + i % 26);
        if (n && k < 5) in[at] = special[k];
        if (n > 3 && k == 5) in[at] = 0; /* not escaped, copied */
        kb_buf got = KB_BUF_INIT, want = KB_BUF_INIT;
        kb_buf_put_html(&got, in, n);
        for (size_t i = 0; i < n; i++) {
          const char *e = strchr(special, in[i]);
          if (in[i] && e) kb_buf_puts(&want, as[e - special]);
          else kb_buf_put(&want, in + i, 1);
        }
        if (got.n != want.n || (want.n && memcmp(got.p, want.p, want.n)))
          fail_msg("length %zu, byte %d at %zu: got %zu bytes, want %zu", n, k, at, got.n, want.n);
        kb_buf_cleanup(&got);
        kb_buf_cleanup(&want);
      }
}

/* kb_buf_put_query(): RFC 3986's unreserved bytes as themselves, runs of
 * them copied at once; a space as '+' in a form, %20 otherwise; every
 * other byte %XX, UTF-8 byte by byte. */
static void test_put_query(void **state) {
  (void)state;
  static const struct { const char *in; int form; const char *out; } cases[] = {
      {"", 1, ""},
      {"plain-slug_1.2~x", 0, "plain-slug_1.2~x"},
      {"track my order", 1, "track+my+order"},
      {"track my order", 0, "track%20my%20order"},
      {"a&b=c/d?e#f", 1, "a%26b%3Dc%2Fd%3Fe%23f"},
      {"caf\xc3\xa9 ", 1, "caf%C3%A9+"},
      {" ", 1, "+"},
      {"%", 0, "%25"},
      {"\x7f\x01Z", 0, "%7F%01Z"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "q=");
    kb_buf_put_query(&b, cases[i].in, cases[i].form);
    if (strcmp(kb_buf_str(&b) + 2, cases[i].out))
      fail_msg("%s (form %d): got %s, want %s", cases[i].in, cases[i].form, kb_buf_str(&b) + 2, cases[i].out);
    kb_buf_cleanup(&b);
  }
  kb_buf b = KB_BUF_INIT;
  kb_buf_put_query(&b, NULL, 1);
  assert_int_equal(b.n, 0);
  kb_buf_cleanup(&b);
}

static void test_sha256(void **state) {
  (void)state;
  static const struct { const char *in; size_t n; const char *b64; } cases[] = {
      {"", 0, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
      {"abc", 3, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
       "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE="},
      {NULL, 55, "n0OQ+NMMLdkuyfCVtl4rmumwqSWlJY4kHJ8ekQ9zQxg="},
      {NULL, 63, "fT50oF19sVvOStnsBljqmOPwbu7PFrTG//LaRX3cLzQ="},
      {NULL, 64, "/+BU/nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs="},
      {NULL, 1000000, "zcduXJkU+5KBocfihNc+Z/GAmkiklyAOBG05zMcRLNA="},
  };
  char *as = malloc(1000000);
  assert_non_null(as);
  memset(as, 'a', 1000000);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char got[45];
    kb_sha256_base64(cases[i].in ? cases[i].in : as, cases[i].n, got);
    if (strcmp(got, cases[i].b64)) fail_msg("%zu bytes: %s, want %s", cases[i].n, got, cases[i].b64);
  }
  unsigned char d[32];
  kb_sha256("abc", 3, d);
  assert_int_equal(d[0], 0xba);
  assert_int_equal(d[31], 0xad);
  free(as);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_put_fixed),
      cmocka_unit_test(test_esc),
      cmocka_unit_test(test_put_json),
      cmocka_unit_test(test_put_json_runs),
      cmocka_unit_test(test_hash_more),
      cmocka_unit_test(test_printf),
      cmocka_unit_test(test_put_query),
      cmocka_unit_test(test_put_html),
      cmocka_unit_test(test_sha256),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
