/* Unit tests for the character classes and kinsoku sets (src/cjk.c,
 * clreq-digest §0 and §1.1). */
#include "check.h"
#include "paiban/cjk.h"

static void test_classes(void) {
  CHECK_EQ_INT(pb_char_class(0x4E2D, true), PB_CC_HAN);       /* 中 */
  CHECK_EQ_INT(pb_char_class(0x20000, true), PB_CC_HAN);      /* 𠀀 Ext B */
  CHECK_EQ_INT(pb_char_class(0x3042, true), PB_CC_HAN);       /* あ */
  CHECK_EQ_INT(pb_char_class(0xFF0C, true), PB_CC_STOP);      /* ， */
  CHECK_EQ_INT(pb_char_class(0x3002, false), PB_CC_STOP);     /* 。 */
  CHECK_EQ_INT(pb_char_class(0xFF1A, true), PB_CC_COLON);     /* ： */
  CHECK_EQ_INT(pb_char_class(0xFF1F, true), PB_CC_EXCL);      /* ？ */
  CHECK_EQ_INT(pb_char_class(0x300C, true), PB_CC_OPEN);      /* 「 */
  CHECK_EQ_INT(pb_char_class(0x300F, true), PB_CC_CLOSE);     /* 』 */
  CHECK_EQ_INT(pb_char_class(0xFF5E, true), PB_CC_CONNECTOR); /* ～ */
  CHECK_EQ_INT(pb_char_class('a', true), PB_CC_LATIN);
  CHECK_EQ_INT(pb_char_class(0xE9, true), PB_CC_LATIN);       /* é */
  CHECK_EQ_INT(pb_char_class('7', true), PB_CC_DIGIT);
  CHECK_EQ_INT(pb_char_class(' ', true), PB_CC_SPACE);
  CHECK_EQ_INT(pb_char_class('%', true), PB_CC_LATIN_PUNCT);
}

/* The shared marks change class with the context (docs/DESIGN.md §4). */
static void test_shared_marks(void) {
  static const uint32_t shared[] = {0x201C, 0x201D, 0x2018, 0x2019, 0x2014,
                                    0x2026, 0x00B7, 0x2013, 0x2E3A};
  for (size_t i = 0; i < sizeof shared / sizeof *shared; i++) {
    CHECK(pb_is_shared_mark(shared[i]));
    CHECK_EQ_INT(pb_char_class(shared[i], false), PB_CC_LATIN_PUNCT);
    CHECK(pb_cclass_is_cjk_punct(pb_char_class(shared[i], true)));
  }
  CHECK(!pb_is_shared_mark(0x300C));
  CHECK(!pb_is_shared_mark('a'));
  CHECK_EQ_INT(pb_char_class(0x201C, true), PB_CC_OPEN);
  CHECK_EQ_INT(pb_char_class(0x2019, true), PB_CC_CLOSE);
  CHECK_EQ_INT(pb_char_class(0x00B7, true), PB_CC_MIDDOT);
  CHECK_EQ_INT(pb_char_class(0x2014, true), PB_CC_DASH);
  CHECK_EQ_INT(pb_char_class(0x2026, true), PB_CC_ELLIPSIS);

  /* By neighbours (spaces and other shared marks skipped). */
  static const uint32_t zh[] = {0x4E2D, 0x201C, 0x6587, 0x201D};   /* 中“文” */
  CHECK(pb_shared_mark_is_cjk(zh, 4, 1, true));
  CHECK(pb_shared_mark_is_cjk(zh, 4, 3, true));
  CHECK(pb_shared_mark_is_cjk(zh, 4, 1, false)); /* Han both sides */
  CHECK(!pb_shared_mark_is_cjk(zh, 4, 3, false)); /* only one side */
  static const uint32_t en[] = {'a', ' ', 0x2014, 0x2014, ' ', 'b'}; /* a —— b */
  CHECK(!pb_shared_mark_is_cjk(en, 6, 2, true));
  CHECK(!pb_shared_mark_is_cjk(en, 6, 3, true));
  CHECK(!pb_shared_mark_is_cjk(en, 6, 2, false));
  static const uint32_t mixed[] = {0x4E2D, 0x2014, 'a'};           /* 中—a */
  CHECK(pb_shared_mark_is_cjk(mixed, 3, 1, true));
  CHECK(!pb_shared_mark_is_cjk(mixed, 3, 1, false));
  static const uint32_t alone[] = {0x2026};                         /* … */
  CHECK(pb_shared_mark_is_cjk(alone, 1, 0, true));
  CHECK(!pb_shared_mark_is_cjk(alone, 1, 0, false));
}

/* §1.1 NO_START and NO_END at each level. */
static void test_kinsoku(void) {
  static const uint32_t no_start[] = {0x3001, 0xFF0C, 0x3002, 0xFF0E, 0xFF1A,
                                      0xFF1B, 0xFF01, 0xFF1F, 0x300D, 0x300F,
                                      0xFF09, 0x300B, 0x3009, 0x3011, 0x3015,
                                      0x201D, 0x2019, 0xFF5E, 0x00B7, 0x30FB};
  static const uint32_t no_end[] = {0x300C, 0x300E, 0xFF08, 0x300A, 0x3008,
                                    0x3010, 0x3016, 0x3014, 0xFF3B, 0x201C,
                                    0x2018};
  for (size_t i = 0; i < sizeof no_start / sizeof *no_start; i++) {
    uint32_t cp = no_start[i];
    pb_cclass c = pb_char_class(cp, true);
    CHECK(pb_kinsoku_no_start(cp, c, 0x4E2D, PB_KINSOKU_BASIC));
    CHECK(pb_kinsoku_no_start(cp, c, 0x4E2D, PB_KINSOKU_GB));
    CHECK(pb_kinsoku_no_start(cp, c, 0x4E2D, PB_KINSOKU_STRICT));
    CHECK(!pb_kinsoku_no_start(cp, c, 0x4E2D, PB_KINSOKU_NONE));
    CHECK(!pb_kinsoku_no_end(cp, c, 0x4E2D, PB_KINSOKU_BASIC));
  }
  for (size_t i = 0; i < sizeof no_end / sizeof *no_end; i++) {
    uint32_t cp = no_end[i];
    pb_cclass c = pb_char_class(cp, true);
    CHECK(pb_kinsoku_no_end(cp, c, 0x4E2D, PB_KINSOKU_BASIC));
    CHECK(!pb_kinsoku_no_end(cp, c, 0x4E2D, PB_KINSOKU_NONE));
    CHECK(!pb_kinsoku_no_start(cp, c, 0x4E2D, PB_KINSOKU_BASIC));
  }
  /* Han characters may start and end lines. */
  CHECK(!pb_kinsoku_no_start(0x4E2D, PB_CC_HAN, 0x4E2D, PB_KINSOKU_STRICT));
  CHECK(!pb_kinsoku_no_end(0x4E2D, PB_CC_HAN, 0x4E2D, PB_KINSOKU_STRICT));
  /* GB adds the solidus at line end. */
  CHECK(!pb_kinsoku_no_end(0xFF0F, PB_CC_SOLIDUS, 0x4E2D, PB_KINSOKU_BASIC));
  CHECK(pb_kinsoku_no_end(0xFF0F, PB_CC_SOLIDUS, 0x4E2D, PB_KINSOKU_GB));
  CHECK(pb_kinsoku_no_end('/', PB_CC_LATIN_PUNCT, 'a', PB_KINSOKU_GB));
  /* Strict adds the 2-em dash and the ellipsis at line start. */
  CHECK(!pb_kinsoku_no_start(0x2014, PB_CC_DASH, 0x4E2D, PB_KINSOKU_GB));
  CHECK(pb_kinsoku_no_start(0x2014, PB_CC_DASH, 0x4E2D, PB_KINSOKU_STRICT));
  CHECK(!pb_kinsoku_no_start(0x2026, PB_CC_ELLIPSIS, 0x4E2D, PB_KINSOKU_BASIC));
  CHECK(pb_kinsoku_no_start(0x2026, PB_CC_ELLIPSIS, 0x4E2D, PB_KINSOKU_STRICT));
  /* ％ after a digit, ＄ before one. */
  CHECK(pb_kinsoku_no_start(0xFF05, PB_CC_OTHER, '4', PB_KINSOKU_BASIC));
  CHECK(pb_kinsoku_no_start('%', PB_CC_LATIN_PUNCT, '0', PB_KINSOKU_BASIC));
  CHECK(!pb_kinsoku_no_start(0xFF05, PB_CC_OTHER, 0x4E2D, PB_KINSOKU_BASIC));
  CHECK(pb_kinsoku_no_end(0xFF04, PB_CC_OTHER, '5', PB_KINSOKU_BASIC));
  CHECK(!pb_kinsoku_no_end(0xFF04, PB_CC_OTHER, 0x4E2D, PB_KINSOKU_BASIC));
  /* ASCII brackets and punctuation. */
  CHECK(pb_kinsoku_no_start(')', PB_CC_LATIN_PUNCT, 'a', PB_KINSOKU_BASIC));
  CHECK(pb_kinsoku_no_start(',', PB_CC_LATIN_PUNCT, 'a', PB_KINSOKU_BASIC));
  CHECK(pb_kinsoku_no_end('(', PB_CC_LATIN_PUNCT, 'a', PB_KINSOKU_BASIC));
}

static void test_pairs(void) {
  CHECK(pb_is_unbreakable_pair(0x2014, 0x2014)); /* —— */
  CHECK(pb_is_unbreakable_pair(0x2026, 0x2026)); /* …… */
  CHECK(pb_is_unbreakable_pair(0x2E3A, 0x2E3A)); /* ⸺⸺ */
  CHECK(pb_is_unbreakable_pair(0x22EF, 0x22EF)); /* ⋯⋯ */
  CHECK(!pb_is_unbreakable_pair(0x2014, 0x2026));
  CHECK(!pb_is_unbreakable_pair(0x4E2D, 0x4E2D));
  CHECK(pb_is_number_unit(0x5E74));  /* 年 */
  CHECK(pb_is_number_unit(0xFF05));  /* ％ */
  CHECK(pb_is_number_unit(0x2103));  /* ℃ */
  CHECK(pb_is_number_unit(0x4EBF));  /* 亿 */
  CHECK(!pb_is_number_unit(0x7684)); /* 的 */
  CHECK(pb_is_range_dash(0x2014) && pb_is_range_dash(0x2013) &&
        pb_is_range_dash(0xFF5E) && pb_is_range_dash('-'));
  CHECK(!pb_is_range_dash(0x3001) && !pb_is_range_dash('/'));
}

/* The one-pass cursor answers as pb_shared_mark_is_cjk does, at every
 * mark of texts mixing Han, Latin, spaces and runs of shared marks. */
static void test_shared_cursor(void) {
  static const uint32_t alphabet[] = {0x4E2D, 'a', ' ', 0x2014, 0x201C,
                                      0x201D, 0x2026, 0x00B7, '1', 0x3002};
  uint32_t seed = 12345;
  int disagree = 0, asked = 0;
  for (int round = 0; round < 2000; round++) {
    uint32_t text[24];
    size_t len = 1 + round % 24;
    for (size_t k = 0; k < len; k++) {
      seed = seed * 1103515245u + 12345u;
      text[k] = alphabet[(seed >> 16) % (sizeof alphabet / sizeof *alphabet)];
    }
    for (int cjk = 0; cjk < 2; cjk++) {
      pb_shared_cursor c = PB_SHARED_CURSOR_INIT;
      for (size_t i = 0; i < len; i++) {
        if (!pb_is_shared_mark(text[i])) continue;
        asked++;
        if (pb_shared_mark_is_cjk_next(&c, text, len, i, cjk) !=
            pb_shared_mark_is_cjk(text, len, i, cjk))
          disagree++;
      }
    }
  }
  CHECK(asked > 1000);
  CHECK_EQ_INT(disagree, 0);
}

int main(void) {
  test_shared_cursor();
  test_classes();
  test_shared_marks();
  test_kinsoku();
  test_pairs();
  CHECK_DONE("cjk");
}
