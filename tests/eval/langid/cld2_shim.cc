// cld2_shim.cc - CLD2's C++ API as one C function, for langid.c (a
// measurement, not part of the product: docs/languages.md).
#include <cstdio> /* compact_lang_det.h uses FILE without it */
#include <cld2/public/compact_lang_det.h>
#include <string.h>

extern "C" const char *langid_cld2(const char *text, int n, const char *const *only, int nonly,
                                   int *reliable);

// The language CLD2 finds for text (its ISO code), or, when only is given,
// the first of CLD2's three best that is one of only (NULL: none is).
extern "C" const char *langid_cld2(const char *text, int n, const char *const *only, int nonly,
                                   int *reliable) {
  CLD2::Language l3[3];
  int pct[3], bytes;
  bool rel = false;
  CLD2::Language best = CLD2::DetectLanguageSummary(text, n, true, l3, pct, &bytes, &rel);
  *reliable = rel;
  if (!only) return CLD2::LanguageCode(best);
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < nonly; k++)
      if (!strcmp(CLD2::LanguageCode(l3[i]), only[k])) return only[k];
  return NULL;
}
