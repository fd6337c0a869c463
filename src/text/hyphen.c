/* Hyphenation of Latin words with libhyphen (Liang's patterns, the same
 * pattern files LibreOffice uses; Debian's hyphen-en-us).  DESIGN.md §6. */
#include "text/para.h"

#include <ctype.h>
#include <hyphen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PB_HYPHEN_DIR
#define PB_HYPHEN_DIR "/usr/share/hyphen"
#endif

/* Words longer than this are not hyphenated (libhyphen works on bounded
 * buffers; such "words" are URLs or junk and get emergency breaks). */
#define PB_HYPHEN_MAX_WORD 64

void *pb_hyphen_load(const char *dict_name) {
  char path[512];
  if (!dict_name || !*dict_name || strchr(dict_name, '/')) return NULL;
  const char *dir = getenv("PAIBAN_HYPHEN_DIR");
  snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : PB_HYPHEN_DIR,
           dict_name);
  return hnj_hyphen_load(path);
}

void pb_hyphen_free(void *dict) {
  if (dict) hnj_hyphen_free((HyphenDict *)dict);
}

bool pb_hyphenate_word(void *dict, const uint32_t *word, size_t n, bool *ok) {
  if (!dict) return false;
  memset(ok, 0, n * sizeof *ok);
  if (n < 5 || n > PB_HYPHEN_MAX_WORD) return true;
  char buf[PB_HYPHEN_MAX_WORD * 4 + 1];
  int byte_of[PB_HYPHEN_MAX_WORD + 1];
  size_t b = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = word[i];
    byte_of[i] = (int)b;
    if (c < 0x80) {
      buf[b++] = (char)tolower((int)c);
    } else if (c < 0x800) {
      buf[b++] = (char)(0xC0 | (c >> 6));
      buf[b++] = (char)(0x80 | (c & 0x3F));
    } else {
      return true; /* not a word the Latin patterns know */
    }
  }
  buf[b] = 0;
  char hyphens[PB_HYPHEN_MAX_WORD * 4 + 5];
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  if (hnj_hyphen_hyphenate2((HyphenDict *)dict, buf, (int)b, hyphens, NULL,
                            &rep, &pos, &cut) == 0) {
    /* hyphens[k] odd: a hyphen may follow byte k.  Only plain breaks
     * (no replacement rules) are used.  TeX's English minima: 2 and 3. */
    for (size_t i = 2; i + 3 <= n; i++) {
      int k = byte_of[i] - 1;
      if ((hyphens[k] & 1) && !(rep && rep[k])) ok[i] = true;
    }
  }
  if (rep) {
    for (size_t k = 0; k < b; k++) free(rep[k]);
    free(rep);
  }
  free(pos);
  free(cut);
  return true;
}
