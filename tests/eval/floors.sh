#!/bin/sh
# Relevance floors: runs kb-eval (the real suggest and search paths over a
# real index) on the labelled sets and fails when a figure falls under the
# floor it must keep. The floors sit a little under today's figures
# (docs/relevance.md), so a change that costs relevance is caught by
# make test, not found later in make eval. Prints TAP.
#
# Sets: our own (tests/eval), always; cpw-dev and cdp from ../shared/eval
# (SHARED=DIR) when present, as they are in CI.
#
# The comments below give each floor's figures on the model it was first
# set on. A refit moves them all (a new operating point): after session
# 23's (change H) every per-set floor was moved with its figure, keeping the
# slack it had (tests/eval/floors_reset.py: new floor = old floor + new
# figure - old figure; 89 of 141 moved, docs/relevance.md eighteenth round).
set -u
cd "$(dirname "$0")/../.."
BIN=${KB_BIN:-bin}
SHARED=${SHARED:-../shared}
OUT=build/eval-floors
mkdir -p "$OUT"
n=0
fails=0

ok() { # description
  n=$((n + 1)); echo "ok $n - $1"
}
not_ok() { # description why
  n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; echo "# $2"
}

# fig FILE BLOCK ROW COL: a figure from kb-eval's output. BLOCK is "learned"
# (the cross-validated block of --feedback-cv) or "text" (the text-alone
# block, the only one without --feedback-cv); COL 1 is ours, 2 the baseline.
fig() {
  awk -v block="$2" -v row="$3" -v col="$4" '
    /learning from agents/ { in_b = "learned"; next }
    /text alone:/ { in_b = "text"; next }
    /^  [A-Za-z@0-9]/ && in_b == "" { in_b = "text" }
    {
      line = $0; sub(/^  /, "", line)
      if (in_b == block && index(line, row) == 1) {
        rest = substr(line, length(row) + 1); split(rest, f, " ")
        print f[col]; exit
      }
    }' "$1"
}

# floor NAME VALUE MIN: VALUE >= MIN
floor() {
  if [ -z "$2" ]; then not_ok "$1" "no figure (kb-eval output changed?)"; return; fi
  if awk -v v="$2" -v m="$3" 'BEGIN { exit !(v + 0 >= m + 0) }'; then
    ok "$1: $2 >= $3"
  else
    not_ok "$1: $2 >= $3" "fell under its floor"
  fi
}

# ceiling NAME VALUE MAX: VALUE <= MAX
ceiling() {
  if [ -z "$2" ]; then not_ok "$1" "no figure (kb-eval output changed?)"; return; fi
  if awk -v v="$2" -v m="$3" 'BEGIN { exit !(v + 0 <= m + 0) }'; then
    ok "$1: $2 <= $3"
  else
    not_ok "$1: $2 <= $3" "rose over its ceiling"
  fi
}

run() { # OUTFILE kb-eval args...
  f=$1; shift
  if ! "$BIN/kb-eval" "$@" >"$f" 2>&1; then
    not_ok "kb-eval $*" "$(tail -3 "$f")"
    return 1
  fi
}

if ! "$BIN/kb-index" -q kb -o "$OUT/kb.sqlite"; then
  not_ok "index kb/" "kb-index failed"
  echo "1..$n"; exit 1
fi

# Our own sets: public search queries, tweets with and without an article.
if run "$OUT/public.txt" "$OUT/kb.sqlite" tests/eval/public-queries.tsv --public; then
  floor "public search R@1" "$(fig "$OUT/public.txt" text 'R@1' 1)" 0.95
  floor "public search MRR" "$(fig "$OUT/public.txt" text 'MRR' 1)" 0.97
fi
# publicq NAME SET LANG R1 R3: a public-query set's floors, through the
# public search path (kb-eval --public, in LANG: en, fr, de, es).
publicq() { # (its variables pq_*: sh has no local ones)
  pq_f="$OUT/$1.txt"
  if [ "$3" = en ]; then pq_la=""; else pq_la="--lang $3"; fi
  # shellcheck disable=SC2086
  run "$pq_f" "$OUT/kb.sqlite" "$2" --public $pq_la || return 0
  floor "$1 R@1" "$(fig "$pq_f" text 'R@1' 1)" "$4"
  floor "$1 R@3" "$(fig "$pq_f" text 'R@3' 1)" "$5"
}
# The French, German and Spanish public queries (tests/eval/intl, 33 each,
# read after every change since #20): 1.000 each since the public search
# ranks as a suggest does (session 35); a line may go.
for l in fr de es; do
  publicq "public search $l" "tests/eval/intl/public-queries-$l.tsv" $l 0.96 0.96
done
# blind29's check halves (session 35): public search queries written blind
# by four new writers, first measured with PQ (rule35c): R@1 / R@3 en 0.918
# / 0.969 (98 lines with an article), fr 0.967 / 0.978 (92), de 0.930 /
# 0.969 (129), es 0.925 / 0.978 (93); floors about one line under.
publicq "blind29 en check, public search" tests/eval/blind29/queries-blind29-en-check.tsv en 0.905 0.955
publicq "blind29 fr check, public search" tests/eval/blind29/queries-blind29-fr-check.tsv fr 0.955 0.965
publicq "blind29 de check, public search" tests/eval/blind29/queries-blind29-de-check.tsv de 0.92 0.96
publicq "blind29 es check, public search" tests/eval/blind29/queries-blind29-es-check.tsv es 0.91 0.965
# tweets NAME SET MIN_R1 MIN_PRECISION MIN_RECALL MIN_MARKED MAX_WRONG: the
# floors of a labelled tweet set (against kb/): R@1, R@3 0.95, abstention
# precision and recall (the service saying nothing fits: a model of its
# own since #19), the share of mentions with an article marked answerable
# ("very probably right") and the ceiling of confident-and-wrong; and
# learning from agents never makes a good text ranking much worse. Any
# arguments after the seventh go to kb-eval.
tweets() {
  f="$OUT/$1.txt"
  name=$1 setp=$2 r1=$3 prec=$4 rec=$5 marked=$6 wrong=$7
  shift 7
  run "$f" "$OUT/kb.sqlite" "$setp" --feedback-cv 5 "$@" || return
  set -- "$name" "$setp" "$r1" "$prec" "$rec" "$marked" "$wrong"
  floor "$1 R@1" "$(fig "$f" text 'R@1' 1)" "$3"
  floor "$1 R@3" "$(fig "$f" text 'R@3' 1)" 0.95
  floor "$1 abstention precision" "$(fig "$f" text 'abstention precision' 1)" "$4"
  floor "$1 abstention recall" "$(fig "$f" text 'abstention recall' 1)" "$5"
  floor "$1 marked answerable" "$(fig "$f" text 'marked answerable' 1)" "$6"
  ceiling "$1 confident and wrong" "$(fig "$f" text 'confident and wrong' 1)" "$7"
  t=$(fig "$f" text 'MRR' 1)
  floor "$1 MRR with feedback (text alone $t, less 0.01)" \
    "$(fig "$f" learned 'MRR' 1)" "$(awk -v t="$t" 'BEGIN { print t - 0.01 }')"
}
# Our own tweets are also example mentions (kb/lang/en/examples.tsv, since
# the twelfth round): scored as they are, each finds itself among the
# examples (R@1 1.000). So each is scored without its own example
# (--leave-own-example-out; the models were still fitted on these lines):
# R@1 0.964, abstention P / R 0.891 / 0.950, marked 0.829 (116 of 140),
# confident-and-wrong 0.009 (1 of 117) on main 9af37f7's model (h65). The
# floors let 2-3 lines go (R@1 3 of 140, precision and recall 2 lines of
# about 60, marked 2, confident-and-wrong 2 more), and every line must have
# been found among the examples, or the figures would be in sample again
# without a word.
tweets own-tweets tests/eval/tweets-own.tsv 0.92 0.86 0.91 0.79 0.04 --leave-own-example-out
own=$(sed -n 's/.*example: \([0-9]*\) of \([0-9]*\) lines are examples).*/\1 \2/p' "$OUT/own-tweets.txt")
if [ -n "$own" ] && [ "${own% *}" = "${own#* }" ] && [ "${own% *}" -gt 0 ]; then
  ok "own-tweets: each line scored without its own example (${own% *} of ${own#* })"
else
  not_ok "own-tweets: each line scored without its own example" "kb-eval found ${own:-no count}"
fi

# The blind sets' check halves (tests/eval/blind, blind2, blind3: written
# blind, never fitted or tuned on; docs/relevance.md): floors a little under
# their figures with the example mentions (the twelfth round: R@1, abstention
# and confident-and-wrong raised; marked kept where it did not move).
# checkhalf NAME SET R1 R3 PRECISION RECALL TOWN MARKED WRONG
checkhalf() {
  f="$OUT/$(echo "$1" | tr ' ' -).txt"
  run "$f" "$OUT/kb.sqlite" "$2" || return
  floor "$1 R@1" "$(fig "$f" text 'R@1' 1)" "$3"
  floor "$1 R@3" "$(fig "$f" text 'R@3' 1)" "$4"
  floor "$1 abstention precision" "$(fig "$f" text 'abstention precision' 1)" "$5"
  floor "$1 abstention recall" "$(fig "$f" text 'abstention recall' 1)" "$6"
  floor "$1 town -> store link" "$(fig "$f" text 'town -> store link' 1)" "$7"
  floor "$1 marked answerable" "$(fig "$f" text 'marked answerable' 1)" "$8"
  ceiling "$1 confident and wrong" "$(fig "$f" text 'confident and wrong' 1)" "$9"
}
# W's refit (session 32, rule32c) moved three floors by floors_reset.py's rule
# (old floor + W's figure - main's, to 0.01 down): blind check abstention
# recall 0.84 -> 0.81, blind2 es check R@1 0.99 -> 0.96, blind7 en check
# abstention precision 0.70 -> 0.64; every other floor is as it was.
checkhalf "blind check" tests/eval/blind/tweets-blind-check.tsv 0.86 0.95 0.88 0.78 0.85 0.68 0.06
checkhalf "blind2 check" tests/eval/blind2/tweets-blind2-check.tsv 0.84 0.96 0.84 0.81 0.92 0.68 0.09
checkhalf "blind3 check" tests/eval/blind3/tweets-blind3-check.tsv 0.85 0.95 0.75 0.87 0.87 0.64 0.10
# The fourth blind set's English check half (tests/eval/blind4, session 19):
# floors from its first look (main ca77fed's model and kb/, before anything
# was tuned on the set: R@1 0.817, R@3 0.931, abstention 0.826 / 0.760, town
# 0.915, marked 0.674, confident-and-wrong 0.081), less about 4-6 lines each
checkhalf "blind4 en check" tests/eval/blind4/tweets-blind4-en-check.tsv 0.81 0.91 0.72 0.68 0.82 0.60 0.12
# A French, German or Spanish set: R@1, abstention precision, town link.
# Each line is scored without its own labelled example (where a language's
# tuning halves are example mentions, kb/lang/LANG/examples.tsv, a tuning
# line would find itself among them; on a check half, and in a language
# without examples, nothing is left out and the output is the same).
# langset NAME OUTFILE SET LANG:R1:PRECISION:TOWN ("NAME R@1" ... in the
# lines printed; SET and OUTFILE with LANG in place of %s)
langset() {
  c=${4%%:*}; r=${4#*:}
  f="$OUT/$(printf "$2" "$c")"
  if run "$f" "$OUT/kb.sqlite" "$(printf "$3" "$c")" --lang "$c" --leave-own-example-out; then
    floor "$(printf "$1" "$c") R@1" "$(fig "$f" text 'R@1' 1)" "${r%%:*}"; r=${r#*:}
    floor "$(printf "$1" "$c") abstention precision" "$(fig "$f" text 'abstention precision' 1)" "${r%%:*}"
    floor "$(printf "$1" "$c") town -> store link" "$(fig "$f" text 'town -> store link' 1)" "${r#*:}"
  fi
}
# the second blind set's fr/de/es check halves (about 50 lines with an
# article and 8 town lines each: one line is 0.02 of R@1, 0.12 of town link)
for l in fr:0.90:0.72:0.88 de:0.89:0.72:0.87 es:0.96:0.90:0.85; do
  langset "blind2 %s check" "blind2-%s-check.txt" "tests/eval/blind2/tweets2-%s-check.tsv" "$l"
done
# the fourth blind set's fr/de/es check halves (session 19; first look on
# main ca77fed: R@1 fr 0.864 de 0.728 es 0.819, abstention precision 0.821
# 0.774 0.800, town 0.950 0.875 0.955): less about 3-4 lines each
for l in fr:0.83:0.77:0.85 de:0.76:0.70:0.74 es:0.83:0.78:0.86; do
  langset "blind4 %s check" "blind4-%s-check.txt" "tests/eval/blind4/tweets-blind4-%s-check.tsv" "$l"
done
# The fifth blind sets' TUNING halves (tests/eval/blind5, session 20): each
# language's misses were fixed in kb/lang and the articles on them (in
# sample, docs/relevance.md "Fifteenth round"); these floors keep those fixes
# from being lost. Main's model on 5e23e42's kb/: English R@1 0.881, R@3
# 0.973, abstention 0.917 / 0.696, town 0.906, marked 0.680, confident-and-
# wrong 0.084; French / German / Spanish R@1 0.898 / 0.966 / 0.872,
# abstention precision 0.857 / 0.864 / 0.909, town 0.963 / 0.875 / 0.875.
# Floors: about 3 lines under each (check halves: not held here).
checkhalf "blind5 en tune" tests/eval/blind5/tweets-blind5-en-tune.tsv 0.87 0.95 0.81 0.65 0.79 0.60 0.10
for l in fr:0.89:0.82:0.88 de:0.93:0.83:0.87 es:0.89:0.88:0.78; do
  langset "blind5 %s tune" "blind5-%s-tune.txt" "tests/eval/blind5/tweets-blind5-%s-tune.tsv" "$l"
done
# The sixth blind sets' TUNING halves (tests/eval/blind6, session 21): their
# misses were fixed in kb/lang and the articles (h95-h98, in sample,
# docs/relevance.md "Sixteenth round"); main ea15fab: English R@1 0.921, R@3
# 0.983, abstention 0.891 / 0.766, town 1.000, marked 0.746, confident-and-
# wrong 0.051; French / German / Spanish R@1 0.886 / 0.908 / 0.880,
# abstention precision 0.952 / 0.900 / 0.833, town 0.958 / 0.742 / 1.000.
# Floors about 3 lines under (a town line is 0.03-0.07). The blind6 check
# halves have no floor: measured twice (rule21), not a third time.
checkhalf "blind6 en tune" tests/eval/blind6/tweets-blind6-en-tune.tsv 0.88 0.96 0.81 0.74 0.90 0.71 0.09
for l in fr:0.88:0.90:0.78 de:0.88:0.77:0.67 es:0.89:0.76:0.79; do
  langset "blind6 %s tune" "blind6-%s-tune.txt" "tests/eval/blind6/tweets-blind6-%s-tune.tsv" "$l"
done
# The seventh blind sets' CHECK halves (tests/eval/blind7, session 21; eight
# customers per writer): never tuned on; main ea15fab (the sixth sets'
# fixes in) measured by rule21: English R@1 0.811, R@3 0.933, abstention
# 0.780 / 0.821, town 0.919, marked 0.518, confident-and-wrong 0.047;
# French / German / Spanish R@1 0.788 / 0.798 / 0.761, abstention precision
# 0.750 / 0.706 / 0.806, town 0.750 / 0.842 / 0.722. Floors about 3 lines
# under (a town line is 0.03-0.06).
checkhalf "blind7 en check" tests/eval/blind7/tweets-blind7-en-check.tsv 0.77 0.91 0.63 0.79 0.75 0.45 0.10
for l in fr:0.83:0.70:0.57 de:0.80:0.70:0.67 es:0.79:0.68:0.66; do
  langset "blind7 %s check" "blind7-%s-check.txt" "tests/eval/blind7/tweets-blind7-%s-check.tsv" "$l"
done
# The fourteenth blind sets' CHECK halves (tests/eval/blind14, session 24;
# never tuned on): H'F1 (the French, German and Spanish examples and their
# refit, session 25) measured once by rule25c: English R@1 0.911, R@3 0.959,
# abstention 0.796 / 0.830, town 0.882, marked 0.520, confident-and-wrong
# 0.015; French / German / Spanish R@1 0.853 / 0.868 / 0.833, abstention
# precision 0.818 / 0.800 / 0.837, town 0.909 / 0.792 / 0.692. Floors about 3
# lines under (a town line is 0.04-0.06; one wrong line of 65 marked 0.015).
checkhalf "blind14 en check" tests/eval/blind14/tweets-blind14-en-check.tsv 0.88 0.93 0.74 0.76 0.70 0.49 0.07
for l in fr:0.82:0.75:0.77 de:0.83:0.76:0.66 es:0.80:0.78:0.57; do
  langset "blind14 %s check" "blind14-%s-check.txt" "tests/eval/blind14/tweets-blind14-%s-check.tsv" "$l"
done
# and their store questions' town link (the lines whose article deep-links
# stores; kb-eval, session 25): 15/15, 17/18, 15/16, 16/16 with H'F1; floors
# two lines under
for l in en:0.86 fr:0.83 de:0.81 es:0.87; do
  c=${l%%:*}
  floor "blind14 $c check store questions' town link" \
    "$(fig "$OUT/blind14-$c-check.txt" text "store questions' town link" 1)" "${l#*:}"
done
# The fifteenth blind sets' CHECK halves (tests/eval/blind15, session 25;
# never tuned on): main's first look (H'F1, rule25d) and change D's one
# measurement (session 26, not kept) have been taken on them, so they are
# no longer a fresh round and guard main instead. Main: English R@1 0.922,
# R@3 0.992, abstention 0.891 / 0.837, town 0.778, marked 0.682,
# confident-and-wrong 0.044; French / German / Spanish R@1 0.890 / 0.957 /
# 0.887, abstention precision 0.951 / 0.857 / 0.875, town 0.800 / 0.882 /
# 0.833. Floors about 3 lines under. (blind16's check halves, the next
# change's fresh round, have none: a floor there would show a change's
# result on them before its one measurement.)
checkhalf "blind15 en check" tests/eval/blind15/tweets-blind15-en-check.tsv 0.88 0.96 0.83 0.79 0.66 0.65 0.08
for l in fr:0.86:0.86:0.60 de:0.94:0.79:0.70 es:0.86:0.76:0.66; do
  langset "blind15 %s check" "blind15-%s-check.txt" "tests/eval/blind15/tweets-blind15-%s-check.tsv" "$l"
done
# The check halves already spent, pooled (session 30): blind16 to blind24,
# each measured once by a change (or by main's first look) and never tuned
# on, nine rounds of four new writers (36 writers, 4,614 lines with an
# article, 1,774 with none). One round moves by several points from the next
# with the same product, so these have no floor of their own; pooled
# (tests/eval/pooled.py, counted line by line) they move by about one, and
# the floors below sit about 1.5 standard errors under main's figures at
# 1359eb1 (R and T in): English R@1 0.855, R@3 0.960, abstention 0.814 /
# 0.784, confident-and-wrong 0.050, marked 0.575, town 0.870; French, German
# and Spanish R@1 0.875, R@3 0.968, abstention 0.837 / 0.820,
# confident-and-wrong 0.052, marked 0.611, town 0.802. A round becomes part of
# the pool once a change has spent its check halves (blind25's, the next
# change's fresh round, has no floor: it would show the change's result
# before its one measurement).
# pooled NAME R1 R3 PREC REC MAX_WRONG MARKED TOWN FILE...: the floors of a pool
pooled() {
  name=$1 r1=$2 r3=$3 prec=$4 rec=$5 wrong=$6 marked=$7 town=$8
  shift 8
  if ! figs=$(python3 tests/eval/pooled.py "$@" 2>&1); then
    not_ok "$name pooled" "$figs"; return
  fi
  set -- $figs
  floor "$name R@1" "$1" "$r1"
  floor "$name R@3" "$2" "$r3"
  floor "$name abstention precision" "$3" "$prec"
  floor "$name abstention recall" "$4" "$rec"
  ceiling "$name confident and wrong" "$5" "$wrong"
  floor "$name marked answerable" "$6" "$marked"
  floor "$name town -> store link" "$7" "$town"
}
spent_en="" spent_x="" spent_ok=1
for r in 16 17 18 19 20 21 22 23 24; do
  d=tests/eval/blind$r
  run "$OUT/spent-blind$r-en.txt" "$OUT/kb.sqlite" "$d/tweets-blind$r-en-check.tsv" || spent_ok=0
  spent_en="$spent_en $OUT/spent-blind$r-en.txt"
  for c in fr de es; do
    run "$OUT/spent-blind$r-$c.txt" "$OUT/kb.sqlite" "$d/tweets-blind$r-$c-check.tsv" --lang $c || spent_ok=0
    spent_x="$spent_x $OUT/spent-blind$r-$c.txt"
  done
done
# Session 33 (W, the word model, kept by rule33): the floors raised by what
# W added, each at W's pooled figure less the margin it had under main's
# (English R@1 0.900, R@3 0.969, abstention 0.850 / 0.841,
# confident-and-wrong 0.049, marked 0.785, town 0.845; fr/de/es 0.916,
# 0.980, 0.877 / 0.855, 0.051, 0.822, 0.788), but the town links, which W
# lowers (English 0.870 -> 0.845: a town named in passing, relevance.md
# "Twenty-eighth round"), kept where they were. W's training lines are
# these writers' tuning halves, so this pool is in-writer for W.
if [ "$spent_ok" = 1 ]; then
  # shellcheck disable=SC2086 # the file lists are split on purpose
  pooled "blind16-24 en check, pooled" 0.885 0.955 0.825 0.815 0.065 0.76 0.84 $spent_en
  # shellcheck disable=SC2086
  pooled "blind16-24 fr/de/es check, pooled" 0.905 0.97 0.86 0.835 0.06 0.80 0.78 $spent_x
fi
# blind27's check halves, spent by W's one measurement (rule33 §3; writers
# in no training line): W's figures there less about two lines each
# (English 148 lines with an article, 60 without, 31 town lines: R@1 0.959,
# R@3 0.980, abstention 0.914 / 0.883, confident-and-wrong 0.025, marked
# 0.811, town 0.806; fr/de/es 435, 172, 81: 0.954, 0.993, 0.946 / 0.913,
# 0.026, 0.874, 0.864).
# spent_round N R1 R3 PREC REC WRONG MARKED TOWN, then the same seven: blind
# N's four check halves, the English one against the first seven floors and
# the French, German and Spanish ones pooled against the second (pooled():
# R@1, R@3, abstention precision and recall, confident-and-wrong, marked,
# town); nothing when a half did not run.
spent_round() { # (its variables sr_*: sh has no local ones, and n is the checks' count)
  sr_n=$1 sr_ok=1 sr_xs=""
  shift
  run "$OUT/spent-blind$sr_n-en.txt" "$OUT/kb.sqlite" "tests/eval/blind$sr_n/tweets-blind$sr_n-en-check.tsv" || sr_ok=0
  for c in fr de es; do
    run "$OUT/spent-blind$sr_n-$c.txt" "$OUT/kb.sqlite" "tests/eval/blind$sr_n/tweets-blind$sr_n-$c-check.tsv" --lang $c ||
      sr_ok=0
    sr_xs="$sr_xs $OUT/spent-blind$sr_n-$c.txt"
  done
  [ "$sr_ok" = 1 ] || return 0
  pooled "blind$sr_n en check" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$OUT/spent-blind$sr_n-en.txt"
  # shellcheck disable=SC2086 # the file list is split on purpose
  pooled "blind$sr_n fr/de/es check, pooled" "$8" "$9" "${10}" "${11}" "${12}" "${13}" "${14}" $sr_xs
}
spent_round 27 0.94 0.96 0.87 0.85 0.045 0.78 0.74  0.945 0.985 0.92 0.89 0.035 0.85 0.82
# blind28's check halves (session 34; writers in no training line): main's
# first look (rule34 §3) and change S's one measurement (rule34b), the same
# figures; floors at them less about two lines each (English 138 lines with
# an article, 54 without, 41 town lines: R@1 0.942, R@3 0.993, abstention
# 0.961 / 0.907, confident-and-wrong 0.033, marked 0.877, town 0.780;
# fr/de/es 427, 162, 95: 0.951, 0.986, 0.901 / 0.901, 0.019, 0.841, 0.821).
spent_round 28 0.925 0.975 0.92 0.865 0.05 0.86 0.73  0.945 0.98 0.89 0.885 0.025 0.835 0.80
# blind30's check halves (session 36; writers in no training line): main's
# first look (rule36 §3), then WX's one measurement (rule36b, kept); floors at
# WX's figures as pooled() counts them less about two lines each (English 144
# lines with an article, 54 without, 32 town lines: R@1 0.903, R@3 0.993,
# abstention 0.941 / 0.889, confident-and-wrong 0.056, marked 0.854, town
# 0.906; fr/de/es 389, 143, 93: 0.925, 0.974, 0.890 / 0.902, 0.030, 0.838,
# 0.742).
spent_round 30 0.885 0.975 0.90 0.85 0.075 0.84 0.84  0.92 0.965 0.875 0.885 0.04 0.83 0.72
# blind31's check halves (session 36; writers in no training line): main's
# first look with WX (rule36c §2), the same as WX2's English figures; WX2 was
# not kept. Floors at main's figures less about two lines each (rule37 §0;
# English 124 lines with an article, 47 without, 30 town lines: R@1 0.960,
# R@3 1.000, abstention 0.902 / 0.979, confident-and-wrong 0.019, marked
# 0.871, town 0.833; fr/de/es 389, 143, 98: 0.933, 0.987, 0.928 / 0.895,
# 0.035, 0.866, 0.694).
spent_round 31 0.94 0.98 0.865 0.93 0.04 0.85 0.76  0.925 0.98 0.91 0.88 0.041 0.86 0.67
# blind32's check halves (session 37; writers in no training line): main's
# first look (rule37 §2), then G's one measurement (rule37b, kept), the same
# figures. Floors at them as pooled() counts them less about two lines each
# (rule38 §0; English 147 lines with an article, 54 without, 50 town lines:
# R@1 0.959, R@3 0.986, abstention 0.906 / 0.889, confident-and-wrong 0.040,
# marked 0.830, town 0.740; fr/de/es 417, 159, 110: 0.942, 0.978, 0.909 /
# 0.937, 0.017, 0.859, 0.800).
spent_round 32 0.945 0.97 0.875 0.85 0.06 0.81 0.70  0.935 0.97 0.895 0.92 0.025 0.85 0.78
# blind34's check halves (session 38; writers in no training line): main's
# first look (rule38b §3), then change D's one measurement (kept). Floors at
# D's figures as pooled() counts them less about two lines each (English 130
# lines with an article, 48 without, 37 town lines: R@1 0.946, R@3 0.992,
# abstention 0.939 / 0.958, confident-and-wrong 0.027, marked 0.854, town
# 0.757; fr/de/es 400, 153, 101: 0.950, 0.998, 0.946 / 0.908, 0.028, 0.893,
# 0.762). (blind33's carried none until rule39 §0: spent for D only, rule38b §1.)
spent_round 34 0.93 0.975 0.90 0.915 0.045 0.835 0.70  0.945 0.99 0.93 0.895 0.035 0.885 0.74
# blind33's check halves (session 39; writers in no training line): main's
# first look (rule38 §2), spent for change D only (rule38b §1); main with D
# measured once on them (rule39 §0), floors at those figures as pooled()
# counts them less about two lines each (English 139 lines with an article,
# 52 without, 34 town lines: R@1 0.928, R@3 0.993, abstention 0.927 / 0.981,
# confident-and-wrong 0.042, marked 0.856, town 0.794; fr/de/es 399, 145,
# 100: 0.947, 0.987, 0.906 / 0.862, 0.040, 0.870, 0.700).
spent_round 33 0.91 0.975 0.89 0.94 0.06 0.84 0.73  0.94 0.98 0.89 0.845 0.046 0.86 0.68
# blind36's check halves (session 40; writers in no training line): main's
# first look (rule39 §5), then change F's one measurement (rule40, kept:
# only the town link moved); floors at F's figures as pooled() counts them
# less about two lines each (English 136 lines with an article, 52 without,
# 47 town lines: R@1 0.934, R@3 1.000, abstention 0.912 / 1.000,
# confident-and-wrong 0.034, marked 0.868, town 0.979; fr/de/es 390, 143,
# 103: 0.962, 0.997, 0.917 / 0.930, 0.032, 0.890, 0.913).
spent_round 36 0.915 0.98 0.88 0.96 0.051 0.85 0.93  0.955 0.99 0.90 0.915 0.038 0.88 0.89
# blind37's check halves (session 40; writers in no training line): main's
# first look with F (rule40, "What happened"), then change G's one
# measurement (rule40b, kept: only the town link moved); floors at G's
# figures as pooled() counts them less about two lines each (English 148
# lines with an article, 56 without, 50 town lines: R@1 0.939, R@3 0.986,
# abstention 0.962 / 0.911, confident-and-wrong 0.048, marked 0.845, town
# 0.940; fr/de/es 407, 153, 109: 0.939, 0.995, 0.946 / 0.922, 0.036, 0.872,
# 0.954).
spent_round 37 0.925 0.97 0.925 0.875 0.064 0.83 0.90  0.93 0.99 0.93 0.905 0.042 0.865 0.935
# blind38's check halves (session 41; writers in no training line): main's
# first look with F and G (rule40b, "What happened"), then change H's one
# measurement (rule41, kept: the same figures, no line won or lost); floors
# at them as pooled() counts them less about two lines each (English 122
# lines with an article, 47 without, 32 town lines: R@1 0.943, R@3 0.992,
# abstention 0.904 / 1.000, confident-and-wrong 0.028, marked 0.869, town
# 0.938; fr/de/es 394, 142, 91: 0.942, 0.990, 0.924 / 0.944, 0.020, 0.893,
# 0.967).
spent_round 38 0.925 0.975 0.87 0.955 0.048 0.85 0.87  0.935 0.98 0.91 0.925 0.026 0.885 0.94
# blind39's check halves (session 42; writers in no training line): main's
# first look with F, G and H (rule41), then change M's one measurement
# (rule42c, kept: English abstention precision 0.891 -> 0.907, nothing else
# moved); floors at M's figures as pooled() counts them less about two lines
# each (English 134 lines with an article, 53 without, 46 town lines: R@1
# 0.933, R@3 0.985, abstention 0.907 / 0.925, confident-and-wrong 0.018,
# marked 0.828, town 0.957; fr/de/es 426, 161, 104: 0.948, 0.981, 0.951 /
# 0.963, 0.024, 0.864, 0.981).
spent_round 39 0.915 0.97 0.87 0.885 0.04 0.81 0.91  0.94 0.975 0.935 0.945 0.03 0.855 0.96
# blind40's check halves (session 42; writers in no training line): main's
# first look with F-I (rule41), a look with L and M (rule42e: fr/de/es town
# link 102 -> 105 of 108), then change N's one measurement (rule42f, kept:
# every figure the same); floors at them as pooled() counts them less about
# two lines each (English 143 lines with an article, 56 without, 45 town
# lines: R@1 0.951, R@3 0.986, abstention 0.964 / 0.964, confident-and-wrong
# 0.023, marked 0.916, town 1.000; fr/de/es 419, 153, 108: 0.945, 0.979,
# 0.900 / 0.941, 0.025, 0.866, 0.972).
spent_round 40 0.935 0.97 0.925 0.925 0.04 0.90 0.95  0.94 0.97 0.885 0.925 0.03 0.86 0.95
# The ninth blind sets' TUNING halves (tests/eval/blind9, session 22): their
# misses were fixed in kb/lang and the articles (change F, h117-h120, in
# sample, docs/relevance.md "Seventeenth round"); main 31d0ae2: English R@1
# 0.926, R@3 0.985, abstention 0.797 / 0.839, town 0.875, marked 0.548,
# confident-and-wrong 0.053; French / German / Spanish R@1 0.925 / 0.934 /
# 0.894, abstention precision 0.935 / 0.867 / 0.974, town 0.773 / 0.889 /
# 0.654. Floors about 3 lines under. The blind9 and blind10 check halves have
# no floor this session (rule22, rule22b).
checkhalf "blind9 en tune" tests/eval/blind9/tweets-blind9-en-tune.tsv 0.85 0.96 0.80 0.77 0.70 0.53 0.11
for l in fr:0.90:0.88:0.59 de:0.89:0.78:0.78 es:0.89:0.83:0.49; do
  langset "blind9 %s tune" "blind9-%s-tune.txt" "tests/eval/blind9/tweets-blind9-%s-tune.tsv" "$l"
done
# The language suites' lines (tests/eval/lang-lines, h139): the single-line
# expectations of tests/test_lang.c and test_lang_fr/de/es/en.c (the first
# article of a mention, "nothing fits", a store link), written as a set per
# language by tests/eval/lang_lines.py, so that a refit is judged on the
# whole set, not line by line; with the lines that left the suites for the
# sets only (tests/eval/lang-lines/moved.tsv, rule24 §3b). On main cc6af88
# every line counted as right (R@1 and abstention recall 1.000 in each
# language). Session 24's refit (H', measured on the blind12 and blind13
# check halves) answers 4 of 109 article lines and 5 of 25 "nothing fits"
# lines otherwise: R@1 en 20/22, fr 33/34, de 24/25, es 28/28; abstention
# recall 3/4, 7/8, 5/8, 5/5; precision 3/6, 7/11, 5/6, 5/5 (the suites
# were written on main's model: in sample for it). The floors let ONE line
# go each from H''s figures: R@1 figure - 1/lines with an article,
# recall figure - 1/"nothing fits" lines, precision the figure with one
# more article line held back (rounded down to 3 decimals). Scored as the
# server answers them (no line is an example mention).
# langlines LANG R1 RECALL PRECISION
langlines() {
  f="$OUT/lang-lines-$1.txt"
  if [ "$1" = en ]; then la=""; else la="--lang $1"; fi
  # shellcheck disable=SC2086
  run "$f" "$OUT/kb.sqlite" "tests/eval/lang-lines/lang-lines-$1.tsv" $la || return
  floor "lang-lines $1 R@1" "$(fig "$f" text 'R@1' 1)" "$2"
  floor "lang-lines $1 abstention recall" "$(fig "$f" text 'abstention recall' 1)" "$3"
  floor "lang-lines $1 abstention precision" "$(fig "$f" text 'abstention precision' 1)" "$4"
}
if python3 tests/eval/lang_lines.py --check >"$OUT/lang-lines-check.txt" 2>&1; then
  ok "lang-lines sets match the language suites (tests/eval/lang_lines.py --check)"
else
  not_ok "lang-lines sets match the language suites (tests/eval/lang_lines.py --check)" \
    "$(grep -v '^skipped ' "$OUT/lang-lines-check.txt" | tail -3)"
fi
for l in en:0.863:0.500:0.428 fr:0.941:0.750:0.583 de:0.920:0.500:0.714 es:0.964:0.800:0.833; do
  lg=${l%%:*}; r=${l#*:}; r1=${r%%:*}; r=${r#*:}
  langlines "$lg" "$r1" "${r%%:*}" "${r#*:}"
done
# French, German and Spanish tweets (tests/eval/intl)
for l in fr:0.89:0.79:0.93 de:0.95:0.82:0.93 es:0.93:0.79:0.90; do
  langset "tweets %s" "tweets-%s.txt" "tests/eval/intl/tweets-%s.tsv" "$l"
done

if [ -f "$SHARED/eval/cpw-dev.tsv" ]; then
  # (marked answerable 0.780 -> 0.680 when fr/de/es joined the fitting, #20)
  # (R@1 0.880 -> 0.920, confident and wrong 0.103 -> 0.054 with the example
  # mentions, #19's twelfth round)
  tweets cpw-dev "$SHARED/eval/cpw-dev.tsv" 0.88 0.69 0.85 0.62 0.08
else
  echo "# $SHARED/eval/cpw-dev.tsv missing: cpw-dev floors not checked"
fi

if [ -d "$SHARED/eval/cdp/kb" ] && "$BIN/kb-index" -q "$SHARED/eval/cdp/kb" -o "$OUT/cdp.sqlite"; then
  if run "$OUT/cdp.txt" "$OUT/cdp.sqlite" "$SHARED/eval/cdp/dev.jsonl" --feedback-cv 5; then
    b=$(fig "$OUT/cdp.txt" text 'MRR' 2)
    floor "cdp text alone MRR, not under the FTS5 baseline's ($b)" "$(fig "$OUT/cdp.txt" text 'MRR' 1)" "$b"
    # (0.120 since the general pages, rule37b; #19's target on the lead's test is 0.11)
    floor "cdp text alone MRR, the general pages' (0.120, less 0.005)" "$(fig "$OUT/cdp.txt" text 'MRR' 1)" 0.115
    floor "cdp learned MRR (the lead's reference 0.49)" "$(fig "$OUT/cdp.txt" learned 'MRR' 1)" 0.49
    b=$(fig "$OUT/cdp.txt" learned 'MRR' 2)
    floor "cdp learned MRR, not under BM25 with a feedback field ($b)" "$(fig "$OUT/cdp.txt" learned 'MRR' 1)" "$b"
  fi
  # the same lessons in a store five times larger rank the same
  if run "$OUT/cdp5.txt" "$OUT/cdp.sqlite" "$SHARED/eval/cdp/dev.jsonl" --feedback-cv 5 --replay 5; then
    m1=$(fig "$OUT/cdp.txt" learned 'MRR' 1)
    floor "cdp learned MRR with the feedback stored 5 times (once: $m1, less 0.01)" \
      "$(fig "$OUT/cdp5.txt" learned 'MRR' 1)" "$(awk -v t="$m1" 'BEGIN { print t - 0.01 }')"
  fi
else
  echo "# $SHARED/eval/cdp missing: cdp floors not checked"
fi

# kb-eval's output is UTF-8 (fit.py decodes it): a missed line's text is
# cut at 70 bytes before a character, not inside one ("ä" at bytes 70-71)
printf 'id\ttext\texpect\ttown\tnotes\nu1\t%särger mit dem Akku\ttrade-in\t\t\n' \
  "Hallo Hallo Hallo Hallo Hallo Hallo Hallo Hallo Hallo Hallo Hallo abc" >"$OUT/utf8.tsv"
if run "$OUT/utf8.txt" "$OUT/kb.sqlite" "$OUT/utf8.tsv" --lang de; then
  if iconv -f UTF-8 -t UTF-8 "$OUT/utf8.txt" >/dev/null 2>&1; then
    ok "kb-eval output is UTF-8 where it cuts a line's text"
  else
    not_ok "kb-eval output is UTF-8 where it cuts a line's text" "$(tail -1 "$OUT/utf8.txt")"
  fi
fi

echo "1..$n"
[ "$fails" -eq 0 ]
