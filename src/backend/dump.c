/* Text dump of a layout (DESIGN.md §8 golden tests): one record per line,
 * fixed decimals, no pointers or paths, so a changed layout shows up as a
 * reviewable diff of lines. */
#include "paiban/backend.h"
#include "base/utf8.h"

#include <stdio.h>

static const char *pb_line_kind_name(uint16_t k) {
  switch (k) {
  case PB_LINE_TITLE: return "title";
  case PB_LINE_HEADING: return "heading";
  case PB_LINE_FOLIO: return "folio";
  case PB_LINE_RUNNING_HEAD: return "head";
  case PB_LINE_FOOTNOTE: return "footnote";
  default: return "body";
  }
}

/* Writes the text of glyphs [g0, g1): each cluster's characters once, a
 * space glyph as ' ', and "|" never appears unescaped. */
static void pb_dump_text(const pb_layout *lo, const pb_page *pg, size_t g0,
                         size_t g1, FILE *out) {
  for (size_t k = g0; k < g1; k++) {
    const pb_placed_glyph *g = &pg->glyphs[k];
    for (uint32_t t = 0; t < g->text_len; t++) {
      uint32_t cp = lo->text[g->text_off + t];
      char buf[4];
      size_t n = pb_utf8_encode(cp, buf);
      if (cp == '\\' || cp == '|') fputc('\\', out);
      fwrite(buf, 1, n, out);
    }
  }
}

pb_status pb_dump_write(const pb_layout *lo, const pb_fontset *fs,
                        pb_dump_kind kind, FILE *out) {
  fprintf(out, "paiban-dump 1 %s\n",
          kind == PB_DUMP_GLYPHS ? "glyphs" : kind == PB_DUMP_PAGES ? "pages"
                                                                    : "lines");
  fprintf(out, "media %.2f %.2f pages %zu\n", pb_len_to_pt(lo->media_w),
          pb_len_to_pt(lo->media_h), lo->npages);
  for (size_t p = 0; p < lo->npages; p++) {
    const pb_page *pg = &lo->pages[p];
    fprintf(out, "page %zu folio %d lines %zu glyphs %zu\n", p + 1, pg->folio,
            pg->nlines, pg->nglyphs);
    if (kind == PB_DUMP_PAGES) continue;
    for (size_t l = 0; l < pg->nlines; l++) {
      const pb_placed_line *ln = &pg->lines[l];
      fprintf(out, "  line %-8s y=%7.2f x=%6.2f w=%6.2f nat=%6.2f r=%6.3f",
              pb_line_kind_name(ln->kind), pb_len_to_pt(ln->y),
              pb_len_to_pt(ln->x), pb_len_to_pt(ln->width),
              pb_len_to_pt(ln->natural), ln->ratio);
      if (ln->pos.line)
        fprintf(out, " @%u:%u", ln->pos.line, ln->pos.col);
      fputs(ln->last_of_block ? " end |" : " |", out);
      pb_dump_text(lo, pg, ln->first_glyph, ln->first_glyph + ln->glyph_count,
                   out);
      fputs("|\n", out);
      if (kind != PB_DUMP_GLYPHS) continue;
      for (uint32_t k = ln->first_glyph; k < ln->first_glyph + ln->glyph_count;
           k++) {
        const pb_placed_glyph *g = &pg->glyphs[k];
        const pb_face *f = pb_fontset_face(fs, g->face);
        fprintf(out, "    glyph %5u %-22s %5.2fpt x=%7.2f y=%7.2f |", g->gid,
                *pb_face_family(f) ? pb_face_family(f) : "?", pb_len_to_pt(g->size),
                pb_len_to_pt(g->x), pb_len_to_pt(g->y));
        pb_dump_text(lo, pg, k, k + 1, out);
        fputs("|\n", out);
      }
    }
  }
  return ferror(out) ? PB_ERR_IO : PB_OK;
}
