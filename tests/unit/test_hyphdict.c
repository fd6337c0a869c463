/* Unit tests for compiled hyphenation dictionaries in the persistent cache
 * (src/text/hyphdict.c): a record read back hyphenates every word exactly
 * as libhyphen's own dictionary does, a damaged record is refused, and a
 * load through the cache stores once and then reads. */
#include "check.h"
#include "text/hyphdict.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PB_HYPHEN_DIR
#define PB_HYPHEN_DIR "/usr/share/hyphen"
#endif
#define PB_T_DICT PB_HYPHEN_DIR "/hyph_en_US.dic"

/* The hyphenation vector of word under dict, as a string of digits. */
static void pb_t_hyphens(HyphenDict *dict, const char *word, char *out) {
  int n = (int)strlen(word);
  char hyphens[128];
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  memset(hyphens, 0, sizeof hyphens);
  hnj_hyphen_hyphenate2(dict, word, n, hyphens, NULL, &rep, &pos, &cut);
  for (int i = 0; i < n; i++) out[i] = (char)('0' + (hyphens[i] & 7));
  out[n] = 0;
  if (rep) {
    for (int i = 0; i < n; i++) free(rep[i]);
    free(rep);
  }
  free(pos);
  free(cut);
}

static const char *const pb_t_words[] = {
    "hyphenation", "microsoft", "cambridge", "researchers", "university",
    "immigration", "administration", "international", "semiconductor",
    "typesetting", "extraordinary", "responsibilities", "incomprehensibility",
    "table", "algorithm", "characteristically", "nevertheless", "anything",
    "reinforcement", "opportunities", "zaremba", "russakovsky",
    /* The NOHYPHEN list (hyphen, apostrophes) decides these. */
    "well-known", "don't-care", "rock’n’roll", "twenty–one"};

static void test_round_trip(void) {
  HyphenDict *orig = hnj_hyphen_load(PB_T_DICT);
  CHECK(orig != NULL);
  if (!orig) return;
  size_t len = 0;
  void *rec = pb_hyphdict_record(orig, &len);
  CHECK(rec != NULL && len > 1000);
  pb_hyphdict back;
  CHECK(rec && pb_hyphdict_from_record(rec, len, &back));
  if (!rec || !back.dict) {
    free(rec);
    hnj_hyphen_free(orig);
    return;
  }
  /* The same machine, level by level and state by state. */
  HyphenDict *a = orig, *b = back.dict;
  for (; a && b; a = a->nextlevel, b = b->nextlevel) {
    CHECK_EQ_INT(a->nohyphenl, b->nohyphenl);
    CHECK(!a->nohyphen == !b->nohyphen);
    for (size_t off = 0, k = 0; a->nohyphen && b->nohyphen && k <= (size_t)a->nohyphenl; k++) {
      CHECK_EQ_STR(b->nohyphen + off, a->nohyphen + off);
      off += strlen(a->nohyphen + off) + 1;
    }
    CHECK_EQ_INT(a->num_states, b->num_states);
    CHECK_EQ_INT(a->lhmin, b->lhmin);
    CHECK_EQ_INT(a->rhmin, b->rhmin);
    CHECK_EQ_INT(a->utf8, b->utf8);
    CHECK_EQ_STR(a->cset, b->cset);
    int diff = 0;
    for (int i = 0; i < a->num_states && i < b->num_states; i++) {
      const HyphenState *x = &a->states[i], *y = &b->states[i];
      diff += x->fallback_state != y->fallback_state || x->num_trans != y->num_trans ||
              !x->match != !y->match || (x->match && strcmp(x->match, y->match));
      for (int t = 0; t < x->num_trans && t < y->num_trans; t++)
        diff += x->trans[t].ch != y->trans[t].ch ||
                x->trans[t].new_state != y->trans[t].new_state;
    }
    CHECK_EQ_INT(diff, 0);
  }
  CHECK(a == NULL && b == NULL);
  for (size_t i = 0; i < sizeof pb_t_words / sizeof *pb_t_words; i++) {
    char want[128], got[128];
    pb_t_hyphens(orig, pb_t_words[i], want);
    pb_t_hyphens(back.dict, pb_t_words[i], got);
    CHECK_EQ_STR(got, want);
  }
  /* The record of the record is the record. */
  size_t len2 = 0;
  void *rec2 = pb_hyphdict_record(back.dict, &len2);
  CHECK(rec2 && len2 == len && memcmp(rec, rec2, len) == 0);
  free(rec2);
  free(back.block);

  /* Every truncation, and a count that lies, is refused. */
  int accepted = 0;
  for (size_t cut = 0; cut < len; cut += cut < 64 ? 1 : 997) {
    pb_hyphdict d;
    if (pb_hyphdict_from_record(rec, cut, &d)) {
      accepted++;
      free(d.block);
    }
  }
  CHECK_EQ_INT(accepted, 0);
  unsigned char *bad = malloc(len);
  memcpy(bad, rec, len);
  /* The first level's header is at 16: six int32, a string offset and
   * the 20-byte cset, then its state, transition and character counts;
   * its first state follows at 76. */
  uint32_t huge = 0x7fffffff;
  memcpy(bad + 64, &huge, 4); /* the number of states */
  pb_hyphdict d;
  CHECK(!pb_hyphdict_from_record(bad, len, &d));
  memcpy(bad, rec, len);
  memcpy(bad + 76, &huge, 4); /* the first state's pattern string */
  CHECK(!pb_hyphdict_from_record(bad, len, &d));
  memcpy(bad, rec, len);
  memcpy(bad + 76 + 16, &huge, 4); /* its fallback state */
  CHECK(!pb_hyphdict_from_record(bad, len, &d));
  memcpy(bad, rec, len);
  bad[0] = 'X';
  CHECK(!pb_hyphdict_from_record(bad, len, &d));
  free(bad);
  free(rec);
  hnj_hyphen_free(orig);
}

/* Records of dictionaries libhyphen would walk out of bounds or forever
 * with are refused: each case breaks one invariant of a real dictionary
 * and is recorded as it is. */
static bool pb_t_refused(HyphenDict *dict) {
  size_t len = 0;
  void *rec = pb_hyphdict_record(dict, &len);
  if (!rec) return true;
  pb_hyphdict d;
  bool ok = pb_hyphdict_from_record(rec, len, &d);
  if (ok) free(d.block);
  free(rec);
  return !ok;
}

static void test_hostile(void) {
  HyphenDict *dict = hnj_hyphen_load(PB_T_DICT);
  CHECK(dict != NULL);
  if (!dict) return;
  HyphenDict *lv = dict->nextlevel ? dict->nextlevel : dict; /* the patterns */
  CHECK(!pb_t_refused(lv));
  /* A transition back to the root (libhyphen would read states[-1] for
   * -1; a second parent breaks the tree). */
  int saved = lv->states[0].trans[0].new_state;
  lv->states[0].trans[0].new_state = -1;
  CHECK(pb_t_refused(lv));
  lv->states[0].trans[0].new_state = 0;
  CHECK(pb_t_refused(lv));
  lv->states[0].trans[0].new_state = saved;
  /* A fallback to itself: the walk would never end. */
  int s1 = lv->states[0].trans[0].new_state;
  int fb = lv->states[s1].fallback_state;
  lv->states[s1].fallback_state = s1;
  CHECK(pb_t_refused(lv));
  lv->states[s1].fallback_state = fb;
  /* A pattern longer than its state is deep: written before the buffer. */
  char *m = lv->states[s1].match;
  char longer[] = "0000000001";
  lv->states[s1].match = longer;
  CHECK(pb_t_refused(lv));
  lv->states[s1].match = m;
  /* An empty string in the NOHYPHEN list. */
  char *nh = dict->nohyphen;
  int nhl = dict->nohyphenl;
  char list[] = "a\0\0b";
  dict->nohyphen = list;
  dict->nohyphenl = 2;
  CHECK(pb_t_refused(dict));
  dict->nohyphen = nh;
  dict->nohyphenl = nhl;
  /* Replacement rules are not cached at all. */
  char repl[] = "x=y";
  lv->states[s1].repl = repl;
  size_t len = 1;
  CHECK(pb_hyphdict_record(lv, &len) == NULL);
  lv->states[s1].repl = NULL;
  CHECK(!pb_t_refused(dict));
  hnj_hyphen_free(dict);
}

static void test_through_cache(void) {
  char dir[] = "/tmp/pb-hyphdict-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  pb_cache *c = pb_cache_open(dir, 0);
  CHECK(c != NULL);
  pb_hyphdict *first = pb_hyphdict_load(PB_T_DICT, c);  /* parses, stores */
  pb_hyphdict *second = pb_hyphdict_load(PB_T_DICT, c); /* reads the record */
  CHECK(first && first->block == NULL);
  CHECK(second && second->block != NULL);
  if (first && second) {
    char want[128], got[128];
    pb_t_hyphens(first->dict, "characteristically", want);
    pb_t_hyphens(second->dict, "characteristically", got);
    CHECK_EQ_STR(got, want);
  }
  pb_hyphdict_free(first);
  pb_hyphdict_free(second);
  CHECK(pb_hyphdict_load(PB_HYPHEN_DIR "/no-such.dic", c) == NULL);
  pb_hyphdict *plain = pb_hyphdict_load(PB_T_DICT, NULL);
  CHECK(plain && plain->block == NULL);
  pb_hyphdict_free(plain);
  pb_cache_close(c);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

int main(void) {
  test_round_trip();
  test_hostile();
  test_through_cache();
  CHECK_DONE("hyphdict");
}
