/* Unit tests for src/utf8.c: decoding with validation, encoding, CJK
 * classification. */
#include "check.h"
#include "base/utf8.h"

/* Decodes s (n bytes); returns the length pb_utf8_decode reports. */
static size_t dec(const char *s, size_t n, uint32_t *cp) {
  return pb_utf8_decode(s, n, cp);
}

static void test_valid(void) {
  uint32_t cp;
  CHECK_EQ_INT(dec("A", 1, &cp), 1);
  CHECK_EQ_INT(cp, 'A');
  CHECK_EQ_INT(dec("\x7F", 1, &cp), 1);
  CHECK_EQ_INT(cp, 0x7F);
  CHECK_EQ_INT(dec("\xC2\x80", 2, &cp), 2); /* smallest 2-byte */
  CHECK_EQ_INT(cp, 0x80);
  CHECK_EQ_INT(dec("\xDF\xBF", 2, &cp), 2);
  CHECK_EQ_INT(cp, 0x7FF);
  CHECK_EQ_INT(dec("\xE0\xA0\x80", 3, &cp), 3); /* smallest 3-byte */
  CHECK_EQ_INT(cp, 0x800);
  CHECK_EQ_INT(dec("\xE4\xB8\xAD", 3, &cp), 3); /* 中 */
  CHECK_EQ_INT(cp, 0x4E2D);
  CHECK_EQ_INT(dec("\xED\x9F\xBF", 3, &cp), 3); /* just below surrogates */
  CHECK_EQ_INT(cp, 0xD7FF);
  CHECK_EQ_INT(dec("\xEE\x80\x80", 3, &cp), 3); /* just above surrogates */
  CHECK_EQ_INT(cp, 0xE000);
  CHECK_EQ_INT(dec("\xEF\xBF\xBF", 3, &cp), 3);
  CHECK_EQ_INT(cp, 0xFFFF);
  CHECK_EQ_INT(dec("\xF0\x90\x80\x80", 4, &cp), 4); /* smallest 4-byte */
  CHECK_EQ_INT(cp, 0x10000);
  CHECK_EQ_INT(dec("\xF0\xA0\x80\x80", 4, &cp), 4); /* U+20000 (Ext B) */
  CHECK_EQ_INT(cp, 0x20000);
  CHECK_EQ_INT(dec("\xF4\x8F\xBF\xBF", 4, &cp), 4); /* U+10FFFF */
  CHECK_EQ_INT(cp, 0x10FFFF);
  /* Only the first sequence is decoded. */
  CHECK_EQ_INT(dec("\xE4\xB8\xAD\xE6\x96\x87", 6, &cp), 3);
}

static void test_invalid(void) {
  uint32_t cp;
  CHECK_EQ_INT(dec("", 0, &cp), 0); /* nothing */
  /* Stray continuation bytes. */
  CHECK_EQ_INT(dec("\x80", 1, &cp), 0);
  CHECK_EQ_INT(cp, 0xFFFD);
  CHECK_EQ_INT(dec("\xBF", 1, &cp), 0);
  /* Bytes that never start a sequence. */
  CHECK_EQ_INT(dec("\xC0\x80", 2, &cp), 0); /* overlong NUL */
  CHECK_EQ_INT(dec("\xC1\xBF", 2, &cp), 0); /* overlong 0x7F */
  CHECK_EQ_INT(dec("\xF5\x80\x80\x80", 4, &cp), 0);
  CHECK_EQ_INT(dec("\xFE", 1, &cp), 0);
  CHECK_EQ_INT(dec("\xFF", 1, &cp), 0);
  /* Overlong 3- and 4-byte forms. */
  CHECK_EQ_INT(dec("\xE0\x80\x80", 3, &cp), 0);
  CHECK_EQ_INT(dec("\xE0\x9F\xBF", 3, &cp), 0); /* 0x7FF in 3 bytes */
  CHECK_EQ_INT(dec("\xF0\x80\x80\x80", 4, &cp), 0);
  CHECK_EQ_INT(dec("\xF0\x8F\xBF\xBF", 4, &cp), 0); /* 0xFFFF in 4 bytes */
  /* Surrogates. */
  CHECK_EQ_INT(dec("\xED\xA0\x80", 3, &cp), 0); /* U+D800 */
  CHECK_EQ_INT(dec("\xED\xBF\xBF", 3, &cp), 0); /* U+DFFF */
  /* Above U+10FFFF. */
  CHECK_EQ_INT(dec("\xF4\x90\x80\x80", 4, &cp), 0); /* U+110000 */
  CHECK_EQ_INT(dec("\xF7\xBF\xBF\xBF", 4, &cp), 0);
  /* Truncated: by the end of the input ... */
  CHECK_EQ_INT(dec("\xC3", 1, &cp), 0);
  CHECK_EQ_INT(dec("\xE4\xB8", 2, &cp), 0);
  CHECK_EQ_INT(dec("\xF0\x9F\x98", 3, &cp), 0);
  /* ... and by a byte that is not a continuation. */
  CHECK_EQ_INT(dec("\xC3"
                   "A",
                   2, &cp),
               0);
  CHECK_EQ_INT(dec("\xE4\xB8"
                   "A",
                   3, &cp),
               0);
  CHECK_EQ_INT(dec("\xE4"
                   "AB",
                   3, &cp),
               0);
  CHECK_EQ_INT(dec("\xF0\x9F\x98"
                   "A",
                   4, &cp),
               0);
  CHECK_EQ_INT(dec("\xF0\x9F\xC3\xA9", 4, &cp), 0);

  CHECK_EQ_INT(pb_utf8_valid_prefix("ab\xE4\xB8\xAD", 5), 5);
  CHECK_EQ_INT(pb_utf8_valid_prefix("ab\xE4\xB8"
                                    "c",
                                    5),
               2);
  CHECK_EQ_INT(pb_utf8_valid_prefix("\xE4\xB8\xAD\xFF", 4), 3);
  CHECK_EQ_INT(pb_utf8_valid_prefix("", 0), 0);
}

static void test_encode(void) {
  char out[4];
  CHECK_EQ_INT(pb_utf8_encode('a', out), 1);
  CHECK_EQ_INT(pb_utf8_encode(0xD800, out), 0);
  CHECK_EQ_INT(pb_utf8_encode(0xDFFF, out), 0);
  CHECK_EQ_INT(pb_utf8_encode(0x110000, out), 0);
  CHECK_EQ_INT(pb_utf8_encode(0x4E2D, out), 3);
  CHECK(memcmp(out, "\xE4\xB8\xAD", 3) == 0);

  /* Round trip over every scalar value; count failures so a bug does not
   * print a million lines. */
  long bad = 0;
  for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
    size_t k = pb_utf8_encode(cp, out);
    bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (surrogate) {
      bad += k != 0;
      continue;
    }
    size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    uint32_t back = 0;
    if (k != want || pb_utf8_decode(out, k, &back) != k || back != cp)
      bad++;
  }
  CHECK_EQ_INT(bad, 0);
  CHECK_EQ_INT(pb_utf8_count("a\xE4\xB8\xAD"
                             "b",
                             5),
               3);
}

static void test_cjk(void) {
  CHECK(pb_is_cjk_char(0x4E2D));  /* 中 */
  CHECK(pb_is_cjk_char(0x3400));  /* Ext A */
  CHECK(pb_is_cjk_char(0x20000)); /* Ext B */
  CHECK(pb_is_cjk_char(0x2B740)); /* Ext D */
  CHECK(pb_is_cjk_char(0x30000)); /* Ext G */
  CHECK(pb_is_cjk_char(0x31350)); /* Ext H */
  CHECK(pb_is_cjk_char(0xF900));  /* compatibility ideograph */
  CHECK(pb_is_cjk_char(0x2F800)); /* compatibility supplement */
  CHECK(pb_is_cjk_char(0x3001));  /* 、 */
  CHECK(pb_is_cjk_char(0x3002));  /* 。 */
  CHECK(pb_is_cjk_char(0x300C));  /* 「 */
  CHECK(pb_is_cjk_char(0x3042));  /* あ */
  CHECK(pb_is_cjk_char(0x30AB));  /* カ */
  CHECK(pb_is_cjk_char(0x3105));  /* ㄅ */
  CHECK(pb_is_cjk_char(0xFF0C));  /* ， */
  CHECK(pb_is_cjk_char(0xFF1F));  /* ？ */
  CHECK(pb_is_cjk_char(0xFFE5));  /* ￥ */
  CHECK(pb_is_cjk_char(0xFE41));  /* ﹁ vertical corner bracket */
  CHECK(pb_is_cjk_char(0xFE10));  /* vertical comma */
  CHECK(!pb_is_cjk_char('a'));
  CHECK(!pb_is_cjk_char('1'));
  CHECK(!pb_is_cjk_char(' '));
  CHECK(!pb_is_cjk_char(0xAC00)); /* 가: Hangul is not set solid */
  CHECK(!pb_is_cjk_char(0x1100)); /* Hangul jamo */
  CHECK(!pb_is_cjk_char(0x2014)); /* — (shared mark, decided elsewhere) */
  CHECK(!pb_is_cjk_char(0x201C)); /* “ */
  CHECK(!pb_is_cjk_char(0xFFE7));
  CHECK(!pb_is_cjk_char(0x1F600)); /* emoji */
}

int main(void) {
  test_valid();
  test_invalid();
  test_encode();
  test_cjk();
  CHECK_DONE("utf8");
}
