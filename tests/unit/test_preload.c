/* What a batch preloads once per process (include/paiban/preload.h):
 * hyphenation dictionaries and OpenCC converters give the same results
 * preloaded as loaded by each render, a preloaded dictionary outlives the
 * hyphenators that borrow it, and unloading leaves renders able to load
 * their own. */
#include "check.h"
#include "text/hyphen.h"
#include "paiban/paiban.h"

#include <stdlib.h>

static const uint32_t word[] = {'t', 'y', 'p', 'o', 'g', 'r', 'a', 'p', 'h', 'y'};
#define NWORD (sizeof word / sizeof *word)

/* The hyphenation points of "typography" from a fresh hyphenator, which
 * loads its dictionary (or borrows the preloaded one) on the first word. */
static int points(bool ok[NWORD]) {
  pb_hyphenator h = {.dict_name = "hyph_en_US.dic"};
  pb_unit units[NWORD];
  memset(units, 0, sizeof units);
  for (size_t i = 0; i < NWORD; i++)
    units[i] = (pb_unit){.cls = PB_CC_LATIN, .c0 = i, .c1 = i + 1};
  pb_para p = {.text = word, .units = units, .nunits = NWORD};
  pb_diags d;
  pb_diags_init(&d, "t.md");
  pb_para_hyphenate(&h, &p, &d);
  int n = d.count ? -1 : 0;
  for (size_t i = 0; i < NWORD; i++) {
    ok[i] = units[i].flags & PB_UNIT_HYPHEN_OK;
    n += n >= 0 && ok[i];
  }
  pb_hyphenator_free(&h);
  pb_diags_free(&d);
  return n;
}

static void test_hyphenation(void) {
  bool own[NWORD], shared[NWORD], again[NWORD];
  int n = points(own);
  CHECK(n > 0);
  CHECK_EQ_INT(pb_preload_hyphenation("hyph_en_US.dic"), PB_OK);
  CHECK_EQ_INT(pb_preload_hyphenation("hyph_en_US.dic"), PB_OK); /* once */
  /* Two hyphenators in a row borrow the same dictionary; freeing the
   * first must not free it (ASan and valgrind would see that). */
  CHECK_EQ_INT(points(shared), n);
  CHECK_EQ_INT(points(shared), n);
  CHECK(memcmp(own, shared, sizeof own) == 0);
  CHECK(pb_preload_hyphenation("no_such_dictionary.dic") != PB_OK);
  CHECK(pb_preload_hyphenation("../etc/passwd") != PB_OK);
  pb_unload_hyphenation();
  CHECK_EQ_INT(points(again), n);
  CHECK(memcmp(own, again, sizeof own) == 0);
}

static void test_opencc(void) {
  static const char text[] = "這個軟體的資訊";
  pb_diags d;
  pb_diags_init(&d, "t.md");
  char *own = NULL, *shared = NULL;
  size_t own_len = 0, shared_len = 0;
  CHECK_EQ_INT(pb_opencc_convert("tw2sp", text, sizeof text - 1, &own, &own_len,
                                 &d, (pb_pos){1, 1}), PB_OK);
  CHECK_EQ_INT(pb_preload_opencc("tw2sp"), PB_OK);
  for (int k = 0; k < 2; k++) {
    free(shared);
    shared = NULL;
    CHECK_EQ_INT(pb_opencc_convert("tw2sp", text, sizeof text - 1, &shared,
                                   &shared_len, &d, (pb_pos){1, 1}), PB_OK);
  }
  CHECK(own && shared && own_len == shared_len &&
        memcmp(own, shared, own_len) == 0);
  CHECK(own && strcmp(own, "这个软件的信息") == 0);
  CHECK(pb_preload_opencc("no-such-config") != PB_OK);
  pb_unload_opencc();
  CHECK_EQ_INT(d.errors, 0);
  free(own);
  free(shared);
  pb_diags_free(&d);
}

int main(void) {
  test_hyphenation();
  test_opencc();
  CHECK_DONE("preload");
}
