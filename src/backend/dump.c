/* Text dump of a layout (docs/DESIGN.md §9): one record per line,
 * fixed decimals, no pointers or paths, so a changed layout shows up as a
 * reviewable diff of lines. */
#include "paiban/backend.h"
#include "lines/items.h"
#include "base/utf8.h"

#include <stdio.h>

static const char *pb_line_kind_name(uint16_t k) {
  switch (k) {
  case PB_LINE_TITLE: return "title";
  case PB_LINE_HEADING: return "heading";
  case PB_LINE_FOLIO: return "folio";
  case PB_LINE_RUNNING_HEAD: return "head";
  case PB_LINE_FOOTNOTE: return "footnote";
  case PB_LINE_IMAGE: return "image";
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
  fprintf(out, "media %.2f %.2f pages %zu%s\n", pb_len_to_pt(lo->media_w),
          pb_len_to_pt(lo->media_h), lo->npages,
          lo->vertical ? " vertical-rl" : "");
  for (size_t p = 0; p < lo->npages; p++) {
    const pb_page *pg = &lo->pages[p];
    fprintf(out, "page %zu folio %d lines %zu glyphs %zu\n", p + 1, pg->folio,
            pg->nlines, pg->nglyphs);
    if (kind == PB_DUMP_PAGES) continue;
    for (size_t l = 0; l < pg->nlines; l++) {
      const pb_placed_line *ln = &pg->lines[l];
      /* A vertical page's text lines are columns: x of the centre line,
       * the top, the height; furniture stays horizontal. */
      bool column = lo->vertical && ln->kind != PB_LINE_FOLIO &&
                    ln->kind != PB_LINE_RUNNING_HEAD;
      if (column)
        fprintf(out, "  col  %-8s x=%7.2f top=%6.2f h=%6.2f nat=%6.2f r=%6.3f",
                pb_line_kind_name(ln->kind), pb_len_to_pt(ln->x),
                pb_len_to_pt(ln->y), pb_len_to_pt(ln->width),
                pb_len_to_pt(ln->natural), ln->ratio);
      else
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
        if (g->flags & PB_GLYPH_DOT) {
          fprintf(out, "    dot   %5.2fpt x=%7.2f y=%7.2f\n", pb_len_to_pt(g->size),
                  pb_len_to_pt(g->x), pb_len_to_pt(g->y));
          continue;
        }
        const pb_face *f = pb_fontset_face(fs, g->face);
        fprintf(out, "    glyph %5u %-22s %5.2fpt x=%7.2f y=%7.2f%s |", g->gid,
                *pb_face_family(f) ? pb_face_family(f) : "?", pb_len_to_pt(g->size),
                pb_len_to_pt(g->x), pb_len_to_pt(g->y),
                g->flags & PB_GLYPH_VERTICAL   ? " upright"
                : g->flags & PB_GLYPH_SIDEWAYS ? " sideways"
                                               : "");
        pb_dump_text(lo, pg, k, k + 1, out);
        fputs("|\n", out);
      }
    }
  }
  return ferror(out) ? PB_ERR_IO : PB_OK;
}

/* ---- stage dumps ---- */

static void pb_put_cp(uint32_t cp, FILE *out) {
  char buf[4];
  size_t n = pb_utf8_encode(cp, buf);
  if (cp == '\\' || cp == '|') fputc('\\', out);
  fwrite(buf, 1, n, out);
}

static void pb_put_unit(const pb_para_trace *t, uint32_t u, FILE *out) {
  size_t c0, c1;
  if (!pb_trace_unit_chars(t, u, &c0, &c1)) return;
  for (size_t c = c0; c < c1; c++) pb_put_cp(t->text[c], out);
}

static const char *pb_tag_name(uint16_t tag) {
  switch (tag) {
  case PB_TAG_UNIT: return "unit";
  case PB_TAG_INDENT: return "indent";
  case PB_TAG_WORDSPACE: return "word";
  case PB_TAG_HYPHEN: return "hyphen";
  case PB_TAG_PARFILL: return "parfill";
  case PB_TAG_HANLATIN: return "hanlat";
  case PB_TAG_CJKGLUE: return "cjk";
  default: return "-";
  }
}

static void pb_para_head(const pb_para_trace *t, FILE *out) {
  fprintf(out, "para @%u:%u size %.2f measure %.2f |", t->pos.line, t->pos.col,
          pb_len_to_pt(t->size), pb_len_to_pt(t->measure));
  for (size_t i = 0; i < t->len && i < 24; i++) pb_put_cp(t->text[i], out);
  fputs(t->len > 24 ? "…|" : "|", out);
}

static void pb_trace_items(const pb_para_trace *t, FILE *out) {
  pb_para_head(t, out);
  fprintf(out, " items %zu\n", t->items->len);
  for (size_t k = 0; k < t->items->len; k++) {
    const pb_item *x = &t->items->v[k];
    if (x->kind == PB_ITEM_BOX) {
      fprintf(out, "  box     %-7s %8.3f |", pb_tag_name(x->tag),
              pb_len_to_pt(x->width));
      pb_put_unit(t, x->unit, out);
      fputs("|\n", out);
    } else if (x->kind == PB_ITEM_GLUE) {
      fprintf(out, "  glue    %-7s %8.3f %+8.3f %+8.3f\n", pb_tag_name(x->tag),
              pb_len_to_pt(x->width),
              x->stretch >= ((pb_len)1 << 28) ? 9999.0 : pb_len_to_pt(x->stretch),
              -pb_len_to_pt(x->shrink));
    } else {
      fprintf(out, "  penalty %-7s %8.3f %6d%s\n", pb_tag_name(x->tag),
              pb_len_to_pt(x->width), (int)x->penalty,
              x->flagged ? " flagged" : "");
    }
  }
}

static void pb_trace_breaks(const pb_para_trace *t, FILE *out) {
  pb_para_head(t, out);
  fprintf(out, " pass %d lines %zu\n", t->breaks->pass, t->breaks->len);
  size_t start = 0;
  for (size_t b = 0; b < t->breaks->len; b++) {
    const pb_break *bk = &t->breaks->v[b];
    fprintf(out, "  line %zu at %zu r=%7.3f fit %d nat=%7.2f%s%s |", b + 1,
            bk->index, bk->ratio, (int)bk->fitness, pb_len_to_pt(bk->natural),
            bk->overfull ? " overfull" : "", bk->underfull ? " underfull" : "");
    for (size_t k = start; k <= bk->index && k < t->items->len; k++) {
      const pb_item *x = &t->items->v[k];
      if (x->kind == PB_ITEM_BOX) pb_put_unit(t, x->unit, out);
      else if (x->kind == PB_ITEM_GLUE && x->tag == PB_TAG_WORDSPACE && k != bk->index)
        fputc(' ', out);
      else if (k == bk->index && x->tag == PB_TAG_HYPHEN) fputc('-', out);
    }
    fputs("|\n", out);
    start = bk->index + 1;
  }
}

typedef struct pb_stage_dump {
  pb_dump_kind kind;
  FILE *out;
} pb_stage_dump;

static void pb_stage_paragraph(void *user, const pb_para_trace *t) {
  const pb_stage_dump *d = user;
  if (d->kind == PB_DUMP_ITEMS) pb_trace_items(t, d->out);
  else pb_trace_breaks(t, d->out);
}

pb_status pb_dump_stages(const pb_doc *doc, const pb_settings *s,
                         pb_fontset *fs, pb_dump_kind kind, FILE *out,
                         pb_diags *diags) {
  pb_stage_dump d = {.kind = kind, .out = out};
  pb_trace trace = {.paragraph = pb_stage_paragraph, .user = &d};
  pb_layout lo;
  fprintf(out, "paiban-dump 1 %s\n", kind == PB_DUMP_ITEMS ? "items" : "breaks");
  pb_status st = pb_typeset_traced(doc, s, fs, &trace, &lo, diags);
  pb_layout_free(&lo);
  if (st == PB_OK && ferror(out)) st = PB_ERR_IO;
  return st;
}
