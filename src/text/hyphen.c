/* Hyphenation of Latin words with libhyphen; see hyphen.h. */
#include "text/hyphen.h"
#include "text/hyphdict.h"
#include "paiban/preload.h"

#include <ctype.h>
#include <hyphen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PB_HYPHEN_DIR
#define PB_HYPHEN_DIR "/usr/share/hyphen"
#endif

/* Words longer than this are not hyphenated (libhyphen works on bounded
 * buffers; such "words" are URLs or junk and get emergency breaks). */
#define PB_HYPHEN_MAX_WORD 64

/* The persistent cache compiled dictionaries go through (hyphdict.h), or
 * NULL: set for the whole process by pb_preload_use_cache. */
static pb_cache *pb_hyphen_cache;

void pb_hyphen_use_cache(pb_cache *cache) { pb_hyphen_cache = cache; }

static pb_hyphdict *pb_hyphen_load(const char *dict_name) {
  char path[512];
  if (!dict_name || !*dict_name || strchr(dict_name, '/')) return NULL;
  const char *dir = getenv("PAIBAN_HYPHEN_DIR");
  snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : PB_HYPHEN_DIR,
           dict_name);
  return pb_hyphdict_load(path, pb_hyphen_cache);
}

/* The process's dictionaries (paiban/preload.h), by name: preloaded ones,
 * and those renders loaded, kept for later renders (and for the paragraph
 * prefill's threads, src/galley/prefill.h, which share a render's).  The
 * lock makes a lookup and a load one step, so that threads needing the
 * same dictionary load it once. */
#define PB_HYPHEN_PRELOAD 4
static struct {
  char name[64];
  pb_hyphdict *dict;
} pb_hyphen_preloaded[PB_HYPHEN_PRELOAD];
static pthread_mutex_t pb_hyphen_lock = PTHREAD_MUTEX_INITIALIZER;

static pb_hyphdict *pb_hyphen_find(const char *dict_name) {
  for (int i = 0; i < PB_HYPHEN_PRELOAD && pb_hyphen_preloaded[i].dict; i++)
    if (strcmp(pb_hyphen_preloaded[i].name, dict_name) == 0)
      return pb_hyphen_preloaded[i].dict;
  return NULL;
}

/* Dictionary dict_name from the table, else loaded and kept there; when
 * the table is full (or the name too long for it) *owned is set and the
 * caller frees it.  NULL if it cannot be loaded.  Thread-safe. */
static pb_hyphdict *pb_hyphen_get(const char *dict_name, bool *owned) {
  *owned = false;
  pthread_mutex_lock(&pb_hyphen_lock);
  pb_hyphdict *d = pb_hyphen_find(dict_name);
  if (!d && (d = pb_hyphen_load(dict_name)) != NULL) {
    *owned = true;
    for (int i = 0; *owned && i < PB_HYPHEN_PRELOAD &&
                    strlen(dict_name) < sizeof pb_hyphen_preloaded[i].name;
         i++)
      if (!pb_hyphen_preloaded[i].dict) {
        strcpy(pb_hyphen_preloaded[i].name, dict_name);
        pb_hyphen_preloaded[i].dict = d;
        *owned = false;
      }
  }
  pthread_mutex_unlock(&pb_hyphen_lock);
  return d;
}

pb_status pb_preload_hyphenation(const char *dict_name) {
  if (!dict_name || strlen(dict_name) >= sizeof pb_hyphen_preloaded[0].name)
    return PB_ERR_IO;
  bool owned;
  pb_hyphdict *d = pb_hyphen_get(dict_name, &owned);
  if (owned) pb_hyphdict_free(d); /* table full: renders load their own */
  return d ? PB_OK : PB_ERR_IO;
}

void pb_unload_hyphenation(void) {
  pthread_mutex_lock(&pb_hyphen_lock);
  for (int i = 0; i < PB_HYPHEN_PRELOAD && pb_hyphen_preloaded[i].dict; i++) {
    pb_hyphdict_free(pb_hyphen_preloaded[i].dict);
    pb_hyphen_preloaded[i].dict = NULL;
    pb_hyphen_preloaded[i].name[0] = '\0';
  }
  pthread_mutex_unlock(&pb_hyphen_lock);
}

void pb_hyphenator_free(pb_hyphenator *h) {
  if (h->dict && !h->borrowed) pb_hyphdict_free(h->dict);
  h->dict = NULL;
  h->tried = false;
  h->borrowed = false;
}

/* Parsing the patterns takes milliseconds: only when a word needs them
 * (Chinese text with only names never does). */
static bool pb_hyphenator_ready(pb_hyphenator *h, pb_pos pos,
                                pb_diags *diags) {
  if (!h->tried) {
    h->tried = true;
    bool owned = false;
    h->dict = h->dict_name ? pb_hyphen_get(h->dict_name, &owned) : NULL;
    h->borrowed = !owned;
    if (!h->dict)
      pb_diag_add(diags, PB_SEV_WARNING, pos,
                  "hyphenation patterns '%s' not found; Latin words are not "
                  "hyphenated",
                  h->dict_name);
  }
  return h->dict != NULL;
}

static bool pb_is_upper(uint32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}

/* Is the word of units [i, j) one the patterns may split? */
static bool pb_plain_word(const pb_para *p, size_t i, size_t j) {
  for (size_t k = i; k < j; k++) {
    if (p->units[k].c1 != p->units[k].c0 + 1) return false; /* ligature */
    if (k > i && pb_is_upper(p->text[p->units[k].c0])) return false;
  }
  /* A word glued to digits is not a dictionary word. */
  if (i > 0 && p->units[i - 1].cls == PB_CC_DIGIT) return false;
  if (j < p->nunits && p->units[j].cls == PB_CC_DIGIT) return false;
  return j - i >= 5 && j - i <= PB_HYPHEN_MAX_WORD;
}

static bool pb_is_lower(uint32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7);
}

/* A compound name in camel case (ImageNet, MacroPolo, LinkedIn, OpenAI)
 * in Chinese text may break where a lowercase letter meets a capital — the
 * seam of its parts, as an editor would split it — at the price of a
 * capitalised word's hyphen, never leaving fewer than three letters before
 * the seam or two after it. */
static void pb_mark_humps(pb_para *p, size_t i, size_t j) {
  for (size_t k = i + 3; k + 2 <= j; k++) {
    const pb_unit *a = &p->units[k - 1], *b = &p->units[k];
    if (a->c1 != a->c0 + 1 || b->c1 != b->c0 + 1) continue; /* ligatures */
    if (pb_is_lower(p->text[a->c0]) && pb_is_upper(p->text[b->c0]))
      p->units[k].flags |= PB_UNIT_HYPHEN_OK | PB_UNIT_HYPHEN_CAP;
  }
}

pb_status pb_para_hyphenate(pb_hyphenator *h, pb_para *p, pb_diags *diags) {
  size_t i = 0;
  while (i < p->nunits) {
    if (p->units[i].cls != PB_CC_LATIN) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < p->nunits && p->units[j].cls == PB_CC_LATIN) j++;
    pb_pos pos = p->pos ? p->pos[p->units[i].c0] : (pb_pos){0, 0};
    if (pb_plain_word(p, i, j) && pb_hyphenator_ready(h, pos, diags)) {
      uint32_t word[PB_HYPHEN_MAX_WORD];
      bool ok[PB_HYPHEN_MAX_WORD];
      size_t n = j - i;
      for (size_t k = 0; k < n; k++) word[k] = p->text[p->units[i + k].c0];
      /* A capitalised word in Chinese text (a name: Microsoft,
       * Cambridge) is split only at a high penalty, when the alternative
       * is a loose line (TeX hyphenates capitalised words too). */
      uint8_t flags = PB_UNIT_HYPHEN_OK;
      if (p->cjk_text && pb_is_upper(p->text[p->units[i].c0]))
        flags |= PB_UNIT_HYPHEN_CAP;
      if (pb_hyphenate_word(h, word, n, ok))
        for (size_t k = 1; k < n; k++)
          if (ok[k]) p->units[i + k].flags |= flags;
    } else if (p->cjk_text) {
      pb_mark_humps(p, i, j);
    }
    i = j;
  }
  return PB_OK;
}

bool pb_hyphenate_word(pb_hyphenator *h, const uint32_t *word, size_t n,
                       bool *ok) {
  if (!h->dict) return false;
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
  if (hnj_hyphen_hyphenate2(h->dict->dict, buf, (int)b, hyphens, NULL,
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
