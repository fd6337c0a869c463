/* For unit tests that compare renders: the layout dumps (lines, glyphs,
 * pages) and the diagnostics of one render of the manuscript md, as one
 * malloc'd string.  *fs is loaded on the first call and kept. */
#ifndef PB_TEST_RENDER_DUMP_H
#define PB_TEST_RENDER_DUMP_H

#include "paiban/paiban.h"

#include <stdio.h>
#include <string.h>

static char *pb_t_render(const char *md, pb_fontset **fs, int threads) {
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  pb_diags d;
  pb_diags_init(&d, "t.md");
  pb_doc doc = {0};
  pb_layout lo = {0};
  pb_settings s;
  if (pb_doc_parse(md, strlen(md), "t.md", &doc, &d) == PB_OK &&
      pb_settings_from_meta(&doc.meta, NULL, &s, &d) == PB_OK) {
    if (!*fs) pb_fontset_load(NULL, doc.meta.fonts, s.lang, fs, &d);
    pb_typeset_options opt = {.threads = threads};
    if (*fs && pb_typeset_with(&doc, &s, *fs, &opt, &lo, &d) == PB_OK) {
      pb_dump_write(&lo, *fs, PB_DUMP_LINES, f);
      pb_dump_write(&lo, *fs, PB_DUMP_GLYPHS, f);
      pb_dump_write(&lo, *fs, PB_DUMP_PAGES, f);
    }
  }
  for (size_t i = 0; i < d.count; i++)
    fprintf(f, "%d:%d %d %s\n", d.items[i].pos.line, d.items[i].pos.col,
            (int)d.items[i].severity, d.items[i].message);
  fclose(f);
  pb_layout_free(&lo);
  pb_doc_free(&doc);
  pb_diags_free(&d);
  return out;
}

#endif
