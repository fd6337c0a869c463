/* The paragraph prefill (src/galley/prefill.h): with 1, 2, 3 and 8
 * threads the layout (lines, glyphs, pages) and the diagnostics of a
 * document are the same; helpers left to finish make every paragraph, and
 * what they made is taken when the options match and refused when not. */
#include "check.h"
#include "galley/blocks.h"
#include "galley/prefill.h"
#include "paiban/paiban.h"
#include "render_dump.h"

#include <stdlib.h>


/* n copies of para, each its own paragraph, after front matter. */
static char *book(const char *front, const char *para, int n) {
  size_t fl = strlen(front), pl = strlen(para);
  char *s = malloc(fl + (size_t)n * (pl + 2) + 1);
  memcpy(s, front, fl);
  char *p = s + fl;
  for (int i = 0; i < n; i++) {
    memcpy(p, para, pl);
    p += pl;
    *p++ = '\n';
    *p++ = '\n';
  }
  *p = 0;
  return s;
}

static void check_threads(const char *md) {
  pb_fontset *fs = NULL;
  char *one = pb_t_render(md, &fs, 1);
  CHECK(one && strlen(one) > 1000);
  for (int t = 2; t <= 8; t += t < 3 ? 1 : 5) {
    char *many = pb_t_render(md, &fs, t);
    CHECK(many && one && strcmp(many, one) == 0);
    free(many);
  }
  free(one);
  pb_fontset_free(fs);
}

/* Helpers left alone make every paragraph; each is taken once with the
 * options guessed, and refused with another measure. */
static void check_take(const char *md) {
  pb_diags d;
  pb_diags_init(&d, "t.md");
  pb_doc doc = {0};
  pb_settings s;
  pb_fontset *fs = NULL;
  pb_shaper *sh = NULL;
  CHECK(pb_doc_parse(md, strlen(md), "t.md", &doc, &d) == PB_OK);
  CHECK(pb_settings_from_meta(&doc.meta, NULL, &s, &d) == PB_OK);
  CHECK(pb_fontset_load(NULL, doc.meta.fonts, s.lang, &fs, &d) == PB_OK);
  CHECK(fs && pb_shaper_new(fs, &s, &d, &sh) == PB_OK);
  if (!sh) return;
  pb_prefill *pf = pb_prefill_start(&doc, &s, fs, 3);
  CHECK(pf != NULL);
  pb_prefill_wait(pf);
  size_t paras = 0, taken = 0, before = pb_prefill_taken();
  for (size_t bi = 0; bi < doc.nblocks; bi++) {
    pb_line_opts o;
    if (!pb_galley_paragraph_opts(&doc, &s, bi, &o)) continue;
    paras++;
    const pb_block *b = &doc.blocks[bi];
    pb_text_run run = {.text = b->text, .style = b->style, .pos = b->pos,
                       .link = b->link, .fnref = b->fnref, .len = b->len};
    pb_para p;
    pb_items items;
    pb_breaks br;
    if (paras == 2) o.measure -= s.font_size; /* another measure: refused */
    if (pb_prefill_take(pf, &run, s.font_size, PB_ROLE_BODY, &o, (uint32_t)bi,
                        &p, &items, &br)) {
      taken++;
      CHECK(p.nunits > 0 && br.len > 0);
      pb_para_free(&p);
      pb_items_free(&items);
      pb_breaks_free(&br);
    }
    /* Taken once only. */
    CHECK(!pb_prefill_take(pf, &run, s.font_size, PB_ROLE_BODY, &o, (uint32_t)bi,
                           &p, &items, &br));
  }
  CHECK(paras > 10);
  CHECK_EQ_INT(taken, paras - 1);
  CHECK_EQ_INT(pb_prefill_taken() - before, taken);
  pb_prefill_end(pf);
  pb_shaper_free(sh);
  pb_fontset_free(fs);
  pb_doc_free(&doc);
  pb_diags_free(&d);
}

int main(void) {
  char *zh = book("---\ntitle: 多執行緒\nlang: zh-Hant\n---\n\n# 第一章\n\n",
                  "排版是把文字安排在頁面上的技藝，中文排版有它自己的規矩。"
                  "標點符號的寬度、行首行尾的禁則、漢字與 Latin 字母之間的間距，"
                  "都要照顧到。Microsoft 與 Cambridge 的名字在中文裡。",
                  40);
  check_threads(zh);
  check_take(zh);
  char *en = book("---\ntitle: Threads\nlang: en\n---\n\n## One\n\n",
                  "Typesetting characteristically incomprehensible "
                  "responsibilities internationally requires hyphenation, "
                  "and a paragraph after a heading has no indent.",
                  30);
  check_threads(en);
  check_take(en);
  /* A character no font has, in many paragraphs: reported once, at the
   * first, whichever thread shaped what. */
  char *missing = book("---\ntitle: 缺字\nlang: zh-Hant\n---\n\n",
                       "這一段有一個缺字𓀀，還有一些中文。", 12);
  check_threads(missing);
  free(zh);
  free(en);
  free(missing);
  CHECK_DONE("prefill");
}
