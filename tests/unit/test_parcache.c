/* The paragraph cache (src/galley/parcache.h, paiban watch): a render that
 * copies runs from the cache gives the same layout (lines, glyphs, pages)
 * and the same diagnostics as a fresh render — for the same document, for
 * one with a paragraph edited, and after the edit is reverted — and it
 * really copies (the hit count grows). */
#include "check.h"
#include "galley/parcache.h"
#include "paiban/paiban.h"
#include "render_dump.h"

#include <stdlib.h>


/* Renders a, b (a edited) and a again with the cache on, each compared
 * with a fresh render. */
static void check_doc(const char *a, const char *b) {
  pb_fontset *fs = NULL;
  char *fresh_a = pb_t_render(a, &fs, 1), *fresh_b = pb_t_render(b, &fs, 1);
  CHECK(fresh_a && strlen(fresh_a) > 1000);
  CHECK(pb_paragraph_cache_enable() == PB_OK);
  size_t hits = pb_parcache_hits();
  const char *seq[4] = {a, a, b, a};
  const char *want[4] = {fresh_a, fresh_a, fresh_b, fresh_a};
  for (int k = 0; k < 4; k++) {
    char *got = pb_t_render(seq[k], &fs, 1);
    CHECK(got && strcmp(got, want[k]) == 0);
    if (k == 0) CHECK_EQ_INT(pb_parcache_hits(), hits); /* empty at first */
    free(got);
  }
  CHECK(pb_parcache_hits() > hits + 4);
  pb_paragraph_cache_disable();
  /* Off again: no more hits. */
  hits = pb_parcache_hits();
  char *off = pb_t_render(a, &fs, 1);
  CHECK(off && strcmp(off, fresh_a) == 0);
  CHECK_EQ_INT(pb_parcache_hits(), hits);
  free(off);
  free(fresh_a);
  free(fresh_b);
  pb_fontset_free(fs);
}

static const char zh_a[] =
    "---\ntitle: 快取測試\nlang: zh-Hant\n---\n\n"
    "# 第一章\n\n"
    "排版是把文字安排在頁面上的技藝，中文排版有它自己的規矩。"
    "標點符號的寬度、行首行尾的禁則、漢字與 Latin 字母之間的間距，"
    "都要照顧到[^1]。參見 [W3C](https://www.w3.org/TR/clreq/) 的文件。\n\n"
    "第二段的文字比較短，但也有**強調**的部分和*著重*的字。\n\n"
    "- 清單的第一項\n- 清單的第二項，稍微長一點的文字\n\n"
    "> 引文用楷體排，這是一段引文。\n\n"
    "最後一段：typography is the craft of arranging type, "
    "and hyphenation applies to Latin words inside Chinese text.\n\n"
    "[^1]: 注釋的文字也會被排成行。\n";
static const char zh_b[] =
    "---\ntitle: 快取測試\nlang: zh-Hant\n---\n\n"
    "# 第一章\n\n"
    "排版是把文字安排在頁面上的技藝，中文排版有它自己的規矩。"
    "標點符號的寬度、行首行尾的禁則、漢字與 Latin 字母之間的間距，"
    "都要照顧到[^1]。參見 [W3C](https://www.w3.org/TR/clreq/) 的文件。\n\n"
    "第二段改過了，多了幾個字，也有**強調**的部分和*著重*的字。\n\n"
    "- 清單的第一項\n- 清單的第二項，稍微長一點的文字\n\n"
    "> 引文用楷體排，這是一段引文。\n\n"
    "最後一段：typography is the craft of arranging type, "
    "and hyphenation applies to Latin words inside Chinese text.\n\n"
    "[^1]: 注釋的文字也會被排成行。\n";

static const char en_a[] =
    "---\ntitle: Cache\nlang: en\n---\n\n"
    "## One\n\nTypesetting is the composition of text by means of arranging "
    "physical type or its digital equivalents. Stored letters and other "
    "symbols are retrieved and ordered according to a language's "
    "orthography for visual display.\n\n"
    "A short paragraph with a [link](https://example.com) and a note.[^n]\n\n"
    "1. first\n2. second item\n\n"
    "[^n]: The note.\n";
static const char en_b[] =
    "---\ntitle: Cache\nlang: en\n---\n\n"
    "## One\n\nTypesetting is the composition of text by means of arranging "
    "physical type or its digital equivalents. Stored letters and other "
    "symbols are retrieved and ordered according to a language's "
    "orthography for visual display.\n\n"
    "A short paragraph, edited, with a [link](https://example.com) and a note.[^n]\n\n"
    "1. first\n2. second item\n\n"
    "[^n]: The note.\n";

int main(void) {
  check_doc(zh_a, zh_b);
  check_doc(en_a, en_b);
  CHECK_DONE("parcache");
}
