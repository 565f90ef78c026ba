#!/bin/sh
# measure35.sh ROUND SRCDIR OUTDIR [tune|check]: index SRCDIR/kb with SRCDIR/bin and run the public
# search path (kb-eval --public, --lang for fr/de/es) over ROUND's four public-query halves
# (tests/eval/ROUND/queries-ROUND-LANG-PART.tsv; PART check by default) into OUTDIR/LANG.txt, every
# miss and every line where nothing fits that showed results listed. Pool with pool35.py OUTDIR.
set -e
R=$1; S=$2; O=$3; P=${4:-check}
mkdir -p "$O"
"$S/bin/kb-index" -q "$S/kb" -o "$O/kb.sqlite"
E=/work/main/tests/eval/$R
for L in en fr de es; do
  if [ "$L" = en ]; then set -- ; else set -- --lang "$L"; fi
  "$S/bin/kb-eval" "$O/kb.sqlite" "$E/queries-$R-$L-$P.tsv" --public "$@" --worst 1000 --abstentions \
    > "$O/$L.txt" 2>&1
done
echo "$O: $(ls "$O"/*.txt | wc -l) files"
