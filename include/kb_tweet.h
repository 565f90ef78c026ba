/*
 * kb_tweet.h - a tweet's length counted exactly as X/Twitter's twitter-text
 * v3 counts it, so the server can promise that a reply fits in 280.
 *
 * twitter-text NFC-normalises the text, then walks it: every URL its
 * extractor finds weighs transformedURLLength (23) however long it is, every
 * emoji sequence (ZWJ sequence, skin-tone modifier, flag, tag sequence,
 * keycap, VS16 sequence) weighs one default weight (2) when emoji parsing is
 * on, and every other code point weighs what the configured ranges say
 * (100 = one character, default 200 = two), the sum divided by the scale.
 * Emoji sequences are the ones twitter-text 3.1.0 knows (Emoji 11.0, via
 * twemoji-parser 11): newer ones count as their parts, as it counts them.
 * The conformance cases in ../shared/conformance/twitter-text/validate.yml
 * are run by tests/test_tweet.c.
 *
 * Nothing here allocates anything the caller must free.
 */
#ifndef KB_TWEET_H
#define KB_TWEET_H

#include <stddef.h>
#include <stdint.h>

/* Code points start..end (inclusive) weigh `weight`. */
typedef struct kb_tweet_range {
  uint32_t start, end;
  int weight;
} kb_tweet_range;

/* A weighting configuration, as in twitter-text's config-v3.json. */
typedef struct kb_tweet_config {
  int max_weighted_length;      /* maxWeightedTweetLength: 280 */
  int scale;                    /* scale: 100 (must be > 0) */
  int default_weight;           /* defaultWeight: 200 */
  int url_length;               /* transformedURLLength: 23 */
  int emoji_parsing;            /* emojiParsingEnabled: 1 in v3, 0 in v2 */
  const kb_tweet_range *ranges; /* first matching range wins */
  int nranges;
} kb_tweet_config;

/* The values of config-v3.json. */
extern const kb_tweet_config kb_tweet_config_v3;
/* The same without emoji parsing (twitter-text's v2 behaviour). */
extern const kb_tweet_config kb_tweet_config_v2;

/* Weighted length of z[0..n) as twitter-text v3 counts it: 0 for an empty
 * text, -1 if z is not valid UTF-8 (or memory runs out). z need not be
 * NUL-terminated; NUL bytes count as U+0000. */
int kb_tweet_length(const char *z, size_t n);

/* The same with an explicit configuration; -1 also when cfg is NULL or its
 * scale is not positive. Supplementary code points are weighed by their own
 * value (twitter-text's JavaScript weighs their low surrogate instead; no
 * published configuration tells the two apart). */
int kb_tweet_length_cfg(const kb_tweet_config *cfg, const char *z, size_t n);

/* Finds, among the URLs twitter-text's extractor finds in z[0..n), the
 * first that starts at or after byte `from`: with a scheme http:// or
 * https://, or without one when the host ends in a known TLD. Returns 1 and
 * sets [*pstart, *pend), or 0 if there is none. Walking with from = 0, then
 * from = *pend, visits exactly the URLs kb_tweet_length() counts (it scans
 * the NFC form of the text; pass NFC text to see the same ones). Each call
 * scans from the start of z. z is taken as it is; invalid UTF-8 bytes act
 * as separators. Quirks of twitter-text are kept: in "éxample.com" the URL
 * is "xample.com", and a scheme-less host yields only its ASCII domains
 * ("test_underscore.twitter.com" gives "underscore.twitter.com"). */
int kb_tweet_find_url(const char *z, size_t n, size_t from, size_t *pstart,
                      size_t *pend);

#endif
