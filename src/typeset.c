/* The typesetting driver (DESIGN.md §1): for each block, shape
 * (shape.c), build break items (breakitems.c), break lines (linebreak.c),
 * and set the lines into a galley; then cut the galley into pages with
 * widow/orphan control and folios (pagebuild). */
#include "para.h"
#include "utf8.h"
#include "util.h"

#include <linebreak.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line in the galley: glyphs relative to the line's origin. */
typedef struct pb_gline {
  size_t g0, g1;        /* glyphs in pb_galley.glyphs */
  pb_len x;             /* left edge relative to the text block */
  pb_len width, natural;
  double ratio;
  pb_len advance;       /* baseline distance from the previous line */
  pb_len space_before;  /* extra space above (dropped at a page top) */
  pb_pos pos;
  uint32_t block;
  uint16_t kind;
  bool first, last;     /* first/last line of its block */
  bool keep_with_next;  /* headings: never the last thing on a page */
  int heading_level;    /* > 0: an outline entry starts here */
  size_t a0, a1;        /* link areas in pb_galley.areas */
  int footnote;         /* a footnote's line: its number (out of the flow) */
  size_t f0, f1;        /* footnotes cited on this line: pb_galley.cites */
  uint32_t toc_target;  /* a contents entry: its heading's block + 1; 0 none */
} pb_gline;

/* A contents entry as placed, waiting for its heading's page. */
typedef struct pb_toc_link {
  uint32_t page;        /* page of the entry */
  pb_link_area area;    /* its rectangle on that page */
  uint32_t target;      /* heading block */
} pb_toc_link;

typedef struct pb_galley {
  pb_gline *lines;
  size_t nlines, lines_cap;
  pb_placed_glyph *glyphs; /* x relative to the line start, y = offset */
  size_t nglyphs, glyphs_cap;
  pb_link_area *areas;     /* links, relative to the line start/baseline */
  size_t nareas, areas_cap;
  uint16_t *cites;         /* footnote numbers cited, per line ranges */
  size_t ncites, cites_cap;
} pb_galley;

typedef struct pb_ctx {
  const pb_doc *doc;
  const pb_settings *s;
  pb_shaper sh;
  pb_galley gal;
  pb_layout *lo;
  pb_diags *diags;
  bool after_heading;
  pb_len origin_x, origin_y; /* the trim box's corner in the media box */
  size_t nflow;         /* galley lines of the main flow; footnotes after */
  int last_footnote;    /* number of the last footnote block set */
  pb_toc_link *toc;     /* contents entries placed so far */
  size_t ntoc, toc_cap;
  uint32_t *heading_page; /* per block: page of a heading, UINT32_MAX none */
  pb_len *heading_y;
} pb_ctx;


static bool pb_gal_glyph(pb_galley *g, pb_placed_glyph pg) {
  if (!pb_grow((void **)&g->glyphs, &g->glyphs_cap, g->nglyphs + 1,
               sizeof pg))
    return false;
  g->glyphs[g->nglyphs++] = pg;
  return true;
}

/* Adds a glyph carrying the text [c0, c1) of the paragraph (or none). */
static bool pb_emit_glyph(pb_ctx *c, const pb_para *p, const pb_glyph *g,
                          pb_len x, uint32_t c0, uint32_t c1, uint16_t flags) {
  pb_placed_glyph pg = {.gid = g->gid, .face = g->face, .flags = flags,
                        .size = g->flags & PB_GLYPH_SUPERSCRIPT
                                    ? PB_SUPERSCRIPT_SCALE(p->size)
                                    : p->size,
                        .x = x + g->x_off, .y = g->y_off};
  if (c1 > c0) {
    if (!pb_layout_add_text(c->lo, p->text + c0, c1 - c0, &pg.text_off))
      return false;
    pg.text_len = c1 - c0;
  }
  return pb_gal_glyph(&c->gal, pg);
}

typedef struct pb_para_opts {
  pb_len measure;       /* line width */
  pb_len x;             /* left edge within the text block */
  pb_len indent;        /* first-line indent */
  pb_len advance;       /* baseline distance */
  pb_len space_before;  /* above the first line */
  uint16_t kind;
  bool center;          /* centre each line at its natural width */
  bool ragged;          /* do not justify (headings, code) */
  bool keep_with_next;
  int heading_level;
  uint32_t toc_target;  /* contents entry: heading block + 1; 0 none */
} pb_para_opts;

/* Positions along a line saturate at ±20,000 pt (PDF viewers' limit is
 * 14,400), so an absurdly wide overfull line stays representable. */
#define PB_X_LIMIT PB_PT(20000)
static pb_len pb_xadd(pb_len x, int64_t d) {
  int64_t r = (int64_t)x + d;
  return r > PB_X_LIMIT ? PB_X_LIMIT : r < -PB_X_LIMIT ? -PB_X_LIMIT : (pb_len)r;
}

/* Underfull lines are reported from badness 1000 on (TeX's \hbadness):
 * 100 r^3 > 1000 for r > 2.154. */
#define PB_UNDERFULL_WARN_RATIO 2.154

/* Sets the lines of one paragraph into the galley. */
static pb_status pb_set_lines(pb_ctx *c, pb_para *p, const pb_breaks *br,
                              const pb_para_opts *o, uint32_t block) {
  const pb_items *it = &p->items;
  size_t start = 0;
  size_t overfull = 0, underfull = 0;
  pb_pos overfull_pos = {0, 0}, underfull_pos = {0, 0};
  pb_len overfull_by = 0;
  double underfull_ratio = 0;
  for (size_t b = 0; b < br->len; b++) {
    const pb_break *bk = &br->v[b];
    /* Skip the discardable items that begin a line (after a break). */
    if (b > 0)
      while (start < bk->index && it->v[start].kind != PB_ITEM_BOX) start++;
    /* Ragged lines (headings, code) never stretch, but shrink if they must
     * to stay inside the measure. */
    double r = o->ragged && bk->ratio > 0 ? 0.0 : bk->ratio;
    if (r < -1.0) r = -1.0; /* overfull: shrink fully, let it stick out */
    bool last = b + 1 == br->len;
    /* A line ended by a hard break is set like a paragraph's last line. */
    bool forced = bk->index < it->len && it->v[bk->index].kind == PB_ITEM_PENALTY &&
                  it->v[bk->index].penalty <= -PB_INF;
    if ((last || forced) && r > 0) r = 0; /* the parfill glue took the slack */
    size_t g_begin = c->gal.nglyphs, a_begin = c->gal.nareas;
    pb_len x = 0;
    pb_pos first_pos = {0, 0};
    uint16_t cur_link = 0; /* the link whose area is open, 0 none */
    size_t f_begin = c->gal.ncites;
    for (size_t k = start; k <= bk->index && k < it->len; k++) {
      const pb_item *item = &it->v[k];
      if (item->kind == PB_ITEM_BOX) {
        if (item->tag == PB_TAG_UNIT) {
          const pb_unit *u = &p->units[item->data];
          if (!first_pos.line && p->pos) first_pos = p->pos[u->c0];
          uint16_t fn = p->fnref ? p->fnref[u->c0] : 0;
          bool seen = false;
          for (size_t q = f_begin; fn && q < c->gal.ncites && !seen; q++)
            seen = c->gal.cites[q] == fn;
          if (fn && !seen) {
            if (!pb_grow((void **)&c->gal.cites, &c->gal.cites_cap,
                         c->gal.ncites + 1, sizeof *c->gal.cites))
              return PB_ERR_NOMEM;
            c->gal.cites[c->gal.ncites++] = fn;
          }
          uint16_t lk = p->link ? p->link[u->c0] : 0;
          if (lk && lk == cur_link) {
            c->gal.areas[c->gal.nareas - 1].x1 = pb_xadd(x, item->width);
          } else if (lk) {
            pb_link_area a = {.x0 = x, .x1 = pb_xadd(x, item->width),
                              .y0 = -p->size / 4, .y1 = p->size * 9 / 10,
                              .link = lk, .dest_page = -1};
            if (!pb_grow((void **)&c->gal.areas, &c->gal.areas_cap,
                         c->gal.nareas + 1, sizeof a))
              return PB_ERR_NOMEM;
            c->gal.areas[c->gal.nareas++] = a;
          }
          cur_link = lk;
          pb_len gx = pb_xadd(x, -(int64_t)u->lead);
          for (uint32_t g = u->g0; g < u->g1; g++) {
            bool firstg = g == u->g0;
            if (!pb_emit_glyph(c, p, &p->glyphs[g], gx, firstg ? u->c0 : 0,
                               firstg ? u->c1 : 0, 0))
              return PB_ERR_NOMEM;
            gx = pb_xadd(gx, p->glyphs[g].advance);
          }
        }
        x = pb_xadd(x, item->width);
      } else if (item->kind == PB_ITEM_GLUE) {
        if (k == bk->index || item->tag == PB_TAG_PARFILL) continue;
        pb_len w = item->width;
        if (r > 0) w += (pb_len)lround(r * item->stretch);
        else if (r < 0) w += (pb_len)lround(r * item->shrink);
        if (item->tag == PB_TAG_WORDSPACE) {
          /* Draw the space glyph so the text copies out with its spaces. */
          const pb_unit *u = &p->units[item->data];
          for (uint32_t g = u->g0; g < u->g1; g++)
            if (!pb_emit_glyph(c, p, &p->glyphs[g], x, g == u->g0 ? u->c0 : 0,
                               g == u->g0 ? u->c0 + 1 : 0, PB_GLYPH_SPACE))
              return PB_ERR_NOMEM;
        }
        x = pb_xadd(x, w);
      } else if (k == bk->index && item->tag == PB_TAG_HYPHEN) {
        pb_glyph hy = {.gid = item->data2, .face = (uint16_t)item->data};
        static const uint32_t minus = '-';
        pb_para tmp = *p;
        tmp.text = &minus;
        if (!pb_emit_glyph(c, &tmp, &hy, x, 0, 1, 0)) return PB_ERR_NOMEM;
        x = pb_xadd(x, item->width);
      }
    }
    if (!pb_grow((void **)&c->gal.lines, &c->gal.lines_cap, c->gal.nlines + 1,
                 sizeof *c->gal.lines))
      return PB_ERR_NOMEM;
    pb_gline *l = &c->gal.lines[c->gal.nlines++];
    memset(l, 0, sizeof *l);
    l->g0 = g_begin;
    l->g1 = c->gal.nglyphs;
    l->a0 = a_begin;
    l->a1 = c->gal.nareas;
    l->f0 = f_begin;
    l->f1 = c->gal.ncites;
    l->x = o->x + (o->center ? (o->measure - x) / 2 : 0);
    l->width = o->measure;
    l->natural = bk->natural;
    l->ratio = r;
    l->advance = o->advance;
    l->space_before = b == 0 ? o->space_before : 0;
    l->pos = first_pos;
    l->block = block;
    l->kind = o->kind;
    l->first = b == 0;
    l->last = last;
    l->keep_with_next = o->keep_with_next;
    l->heading_level = b == 0 ? o->heading_level : 0;
    l->toc_target = o->toc_target;
    /* One warning per paragraph and kind, with a count of the others. */
    if (bk->overfull && !o->center) {
      if (!overfull++) {
        overfull_pos = first_pos;
        overfull_by = bk->natural - bk->shrink - o->measure;
      }
    } else if (bk->underfull && !last && !o->ragged && bk->stretch > 0 &&
               bk->ratio > PB_UNDERFULL_WARN_RATIO) {
      if (!underfull++) {
        underfull_pos = first_pos;
        underfull_ratio = bk->ratio;
      }
    }
    start = bk->index + 1;
  }
  if (overfull)
    pb_diag_add(c->diags, PB_SEV_WARNING, overfull_pos,
                "overfull line: %.1f pt wider than the %.1f pt measure%s",
                pb_len_to_pt(overfull_by), pb_len_to_pt(o->measure),
                overfull > 1 ? " (and more lines of this paragraph)" : "");
  if (underfull)
    pb_diag_add(c->diags, PB_SEV_WARNING, underfull_pos,
                "underfull line: its glue stretched %.2f times its "
                "stretchability%s",
                underfull_ratio,
                underfull > 1 ? " (and more lines of this paragraph)" : "");
  return PB_OK;
}

/* Shapes, breaks and sets one run of text. */
static pb_status pb_typeset_text(pb_ctx *c, const uint32_t *text,
                                 const uint8_t *style, const pb_pos *pos,
                                 size_t len, pb_len size, pb_role role,
                                 const pb_para_opts *o, uint32_t block) {
  const pb_block *b = block < c->doc->nblocks ? &c->doc->blocks[block] : NULL;
  pb_para p = {.text = text, .style = style, .pos = pos, .len = len,
               .size = size, .role = role,
               .link = b && b->link && text >= b->text && text < b->text + b->len
                           ? b->link + (text - b->text)
                           : NULL,
               .fnref = b && b->fnref && text >= b->text && text < b->text + b->len
                            ? b->fnref + (text - b->text)
                            : NULL,
               .cjk_text = c->s->script != PB_TEXT_LATIN};
  pb_breaks br = {0};
  pb_items_init(&p.items);
  pb_status st = pb_para_shape(&c->sh, &p);
  if (st == PB_OK) st = pb_para_items(&c->sh, &p, o->indent, o->measure);
  if (st == PB_OK) {
    pb_break_params bp = pb_break_params_default(o->measure);
    if (c->s->script != PB_TEXT_LATIN) {
      /* Chinese text breaks almost anywhere: no hyphenation pass needed
       * first, and a tight tolerance keeps Han–Han glue near the grid. */
      bp.pretolerance = 100;
    }
    st = pb_linebreak(&p.items, &bp, &br);
  }
  if (st == PB_OK) st = pb_set_lines(c, &p, &br, o, block);
  pb_breaks_free(&br);
  pb_para_free(&p);
  return st;
}

/* Typesets a NUL-free UTF-8 string (title, folio, list marker) as its own
 * paragraph. */
static pb_status pb_typeset_utf8(pb_ctx *c, const char *s, pb_len size,
                                 pb_role role, const pb_para_opts *o,
                                 pb_pos pos) {
  size_t n = strlen(s);
  uint32_t *cps = malloc((n + 1) * sizeof *cps);
  pb_pos *poss = malloc((n + 1) * sizeof *poss);
  pb_status st = PB_ERR_NOMEM;
  if (!cps || !poss) goto done;
  size_t m = 0, i = 0;
  while (i < n) {
    uint32_t cp;
    size_t used = pb_utf8_decode(s + i, n - i, &cp);
    if (used == 0) {
      cp = 0xFFFD;
      used = 1;
    }
    i += used;
    if (cp == '\n' || cp == '\r' || cp == '\t') cp = ' ';
    if (cp == ' ' && (m == 0 || cps[m - 1] == ' ')) continue;
    poss[m] = pos;
    cps[m++] = cp;
  }
  while (m > 0 && cps[m - 1] == ' ') m--;
  st = m ? pb_typeset_text(c, cps, NULL, poss, m, size, role, o, UINT32_MAX)
         : PB_OK;
done:
  free(cps);
  free(poss);
  return st;
}

static pb_status pb_title_block(pb_ctx *c) {
  const pb_meta *m = &c->doc->meta;
  const pb_settings *s = c->s;
  pb_status st = PB_OK;
  if (m->title) {
    pb_len size = s->font_size * 16 / 10; /* 16.8 pt at 10.5 */
    pb_para_opts o = {.measure = s->measure, .advance = size * 3 / 2,
                      .kind = PB_LINE_TITLE, .center = true, .ragged = true,
                      .keep_with_next = true};
    st = pb_typeset_utf8(c, m->title, size, PB_ROLE_STRONG, &o, m->title_pos);
  }
  if (st == PB_OK && m->subtitle) {
    pb_len size = s->font_size * 12 / 10;
    pb_para_opts o = {.measure = s->measure, .advance = size * 3 / 2,
                      .kind = PB_LINE_TITLE, .center = true, .ragged = true,
                      .keep_with_next = true};
    st = pb_typeset_utf8(c, m->subtitle, size, PB_ROLE_BODY, &o, (pb_pos){0, 0});
  }
  if (st == PB_OK && m->author) {
    pb_para_opts o = {.measure = s->measure, .advance = s->line_pitch,
                      .space_before = s->line_pitch / 2, .kind = PB_LINE_TITLE,
                      .center = true, .ragged = true, .keep_with_next = true};
    st = pb_typeset_utf8(c, m->author, s->font_size, PB_ROLE_BODY, &o,
                         (pb_pos){0, 0});
  }
  /* One blank line between the title block and the text. */
  if (st == PB_OK && c->gal.nlines) c->gal.lines[c->gal.nlines - 1].keep_with_next = true;
  return st;
}

static void pb_list_marker(const pb_block *b, char *buf, size_t size) {
  if (b->list_ordered)
    snprintf(buf, size, "%d.", b->list_number);
  else
    snprintf(buf, size, "\xE2\x80\xA2"); /* • */
}

/* An empty line in the galley (a blank line of code, an empty list item
 * that still shows its marker). */
static pb_status pb_empty_line(pb_ctx *c, const pb_para_opts *o, uint32_t block,
                               pb_pos pos) {
  if (!pb_grow((void **)&c->gal.lines, &c->gal.lines_cap, c->gal.nlines + 1,
               sizeof *c->gal.lines))
    return PB_ERR_NOMEM;
  pb_gline *l = &c->gal.lines[c->gal.nlines++];
  memset(l, 0, sizeof *l);
  l->g0 = l->g1 = c->gal.nglyphs;
  l->a0 = l->a1 = c->gal.nareas;
  l->f0 = l->f1 = c->gal.ncites;
  l->x = o->x;
  l->width = o->measure;
  l->advance = o->advance;
  l->space_before = o->space_before;
  l->pos = pos;
  l->block = block;
  l->kind = o->kind;
  l->first = l->last = true;
  return PB_OK;
}

/* Hangs a marker (list bullet or number, footnote number) left of galley
 * line first_line: its right edge half an em before the line's start, or
 * dist before it if dist > 0.  The marker is typeset as a line of its own
 * at the end of the galley; its glyphs then move to the front of
 * first_line (so they are read before the text) and that line goes. */
static pb_status pb_hang_marker(pb_ctx *c, size_t first_line,
                                const char *marker, pb_len size, pb_len dist,
                                pb_pos pos) {
  size_t g_before = c->gal.nglyphs, l_before = c->gal.nlines;
  /* One line, however long the marker ("123456789."). */
  pb_para_opts mo = {.measure = PB_PT(10000), .ragged = true};
  pb_status st = pb_typeset_utf8(c, marker, size, PB_ROLE_BODY, &mo, pos);
  if (st != PB_OK || c->gal.nlines == l_before) return st;
  pb_gline *first = &c->gal.lines[first_line];
  pb_gline marker_line = c->gal.lines[l_before];
  c->gal.nlines = l_before;
  if (dist <= 0) dist = marker_line.natural + size / 2;
  size_t nm = marker_line.g1 - marker_line.g0;
  pb_placed_glyph *tmp = malloc(nm * sizeof *tmp);
  if (!tmp) return PB_ERR_NOMEM;
  memcpy(tmp, c->gal.glyphs + marker_line.g0, nm * sizeof *tmp);
  memmove(c->gal.glyphs + first->g0 + nm, c->gal.glyphs + first->g0,
          (g_before - first->g0) * sizeof *tmp);
  for (size_t k = 0; k < nm; k++) {
    tmp[k].x -= dist;
    c->gal.glyphs[first->g0 + k] = tmp[k];
  }
  free(tmp);
  first->g1 += nm;
  for (size_t l = first_line + 1; l < c->gal.nlines; l++) {
    c->gal.lines[l].g0 += nm;
    c->gal.lines[l].g1 += nm;
  }
  return PB_OK;
}

/* The ebook's linked table of contents, after the title: one entry per
 * heading, indented by level; each links to its heading's page (resolved
 * once the pages are built). */
static pb_status pb_contents(pb_ctx *c) {
  const pb_doc *doc = c->doc;
  const pb_settings *s = c->s;
  size_t nheadings = 0;
  for (size_t i = 0; i < doc->nblocks; i++)
    if (doc->blocks[i].kind == PB_BLOCK_HEADING && doc->blocks[i].len) nheadings++;
  if (!nheadings) return PB_OK;
  const char *label = s->script == PB_TEXT_LATIN  ? "Contents"
                      : s->script == PB_TEXT_HANS ? "\xE7\x9B\xAE\xE5\xBD\x95"  /* 目录 */
                                                  : "\xE7\x9B\xAE\xE9\x8C\x84"; /* 目錄 */
  pb_len em = s->font_size;
  pb_para_opts o = {.measure = s->measure, .advance = em * 2,
                    .space_before = c->gal.nlines ? s->line_pitch : 0,
                    .kind = PB_LINE_HEADING, .ragged = true,
                    .keep_with_next = true};
  pb_status st = pb_typeset_utf8(c, label, em * 13 / 10, PB_ROLE_STRONG, &o,
                                 (pb_pos){0, 0});
  for (size_t i = 0; st == PB_OK && i < doc->nblocks; i++) {
    const pb_block *b = &doc->blocks[i];
    if (b->kind != PB_BLOCK_HEADING || !b->len) continue;
    int lv = b->level < 1 ? 1 : b->level > 6 ? 6 : b->level;
    pb_len ind = (pb_len)(lv - 1) * 2 * em;
    if (ind > s->measure / 2) ind = s->measure / 2;
    pb_para_opts e = {.measure = s->measure - ind,
                      .x = ind, .advance = s->line_pitch,
                      .kind = PB_LINE_BODY, .ragged = true,
                      .toc_target = (uint32_t)i + 1};
    /* The entry is the heading's text without its footnote marks. */
    uint32_t *t = malloc(b->len * sizeof *t);
    pb_pos *tp = malloc(b->len * sizeof *tp);
    size_t n = 0;
    if (!t || !tp) st = PB_ERR_NOMEM;
    for (size_t k = 0; st == PB_OK && k < b->len; k++)
      if (!(b->style && (b->style[k] & PB_STYLE_FNREF))) {
        tp[n] = b->pos[k];
        t[n++] = b->text[k];
      }
    if (st == PB_OK && n)
      st = pb_typeset_text(c, t, NULL, tp, n, em, PB_ROLE_BODY, &e, UINT32_MAX);
    free(t);
    free(tp);
  }
  return st;
}

static pb_status pb_set_block(pb_ctx *c, size_t bi) {
  const pb_block *b = &c->doc->blocks[bi];
  const pb_settings *s = c->s;
  pb_len em = s->font_size;
  pb_len inset = (pb_len)(b->quote_depth + b->list_depth) * 2 * em;
  if (inset > s->measure - 8 * em) inset = s->measure - 8 * em;
  if (inset < 0) inset = 0;
  pb_para_opts o = {.measure = s->measure - inset, .x = inset,
                    .advance = s->line_pitch, .kind = PB_LINE_BODY};
  bool first_block = c->gal.nlines == 0;
  if (!first_block && c->gal.lines[c->gal.nlines - 1].kind == PB_LINE_TITLE)
    o.space_before = s->line_pitch;
  switch (b->kind) {
  case PB_BLOCK_HEADING: {
    int lv = b->level < 1 ? 1 : b->level > 6 ? 6 : b->level;
    pb_len size = lv == 1 ? em * 3 / 2 : lv == 2 ? em * 13 / 10 : em * 23 / 20;
    o.advance = size * 3 / 2;
    o.space_before = first_block ? 0 : s->line_pitch;
    o.kind = PB_LINE_HEADING;
    o.ragged = true;
    o.center = lv == 1;
    o.keep_with_next = true;
    o.heading_level = lv;
    c->after_heading = true;
    return b->len ? pb_typeset_text(c, b->text, b->style, b->pos, b->len, size,
                                    PB_ROLE_STRONG, &o, (uint32_t)bi)
                  : PB_OK;
  }
  case PB_BLOCK_THEMATIC_BREAK: {
    c->after_heading = false;
    static const char stars[] = "* * *";
    o.center = true;
    o.ragged = true;
    o.space_before = s->line_pitch / 2;
    return pb_typeset_utf8(c, stars, em, PB_ROLE_BODY, &o, b->start);
  }
  case PB_BLOCK_CODE: {
    o.ragged = true;
    size_t start = 0;
    for (size_t i = 0; i <= b->len; i++) {
      if (i < b->len && b->text[i] != '\n') continue;
      pb_status st = i > start
                         ? pb_typeset_text(c, b->text + start, b->style + start,
                                           b->pos + start, i - start,
                                           em * 9 / 10, PB_ROLE_CODE, &o,
                                           (uint32_t)bi)
                         : pb_empty_line(c, &o, (uint32_t)bi, b->start);
      if (st != PB_OK) return st;
      o.space_before = 0; /* only above the block */
      start = i + 1;
    }
    c->after_heading = false;
    return PB_OK;
  }
  case PB_BLOCK_FOOTNOTE: {
    /* Set at 0.8 of the body size with the number hanging in a 1.5 em
     * inset; the page builder puts them at the foot of the page that
     * cites them. */
    pb_len fs = em * 8 / 10;
    o.advance = fs * 3 / 2;
    o.kind = PB_LINE_FOOTNOTE;
    o.x = inset + 3 * fs / 2;
    o.measure = s->measure - o.x;
    size_t first_line = c->gal.nlines;
    pb_status st = b->len ? pb_typeset_text(c, b->text, b->style, b->pos,
                                            b->len, fs, PB_ROLE_BODY, &o,
                                            (uint32_t)bi)
                          : PB_OK;
    for (size_t l = first_line; l < c->gal.nlines; l++)
      c->gal.lines[l].footnote = b->footnote_index;
    if (st != PB_OK || first_line == c->gal.nlines) return st;
    /* The number hangs before the note's first block only; a list item
     * inside a note gets its own marker. */
    char marker[32];
    if (b->footnote_index != c->last_footnote) {
      c->last_footnote = b->footnote_index;
      snprintf(marker, sizeof marker, "%d", b->footnote_index);
    } else if (b->list_item_start) {
      pb_list_marker(b, marker, sizeof marker);
    } else {
      return PB_OK;
    }
    return pb_hang_marker(c, first_line, marker, fs, 0, b->start);
  }
  case PB_BLOCK_PARAGRAPH:
  default:
    break;
  }
  if (!b->len && !b->list_item_start) return PB_OK;
  /* §5: 2 em indent on every Chinese paragraph; English: 1 em, none right
   * after a heading; none for a list item's first paragraph. */
  o.indent = s->indent;
  if (s->script == PB_TEXT_LATIN && c->after_heading) o.indent = 0;
  if (b->list_depth > 0) o.indent = 0;
  c->after_heading = false;
  size_t first_line = c->gal.nlines;
  pb_status st = b->len ? pb_typeset_text(c, b->text, b->style, b->pos,
                                          b->len, s->font_size, PB_ROLE_BODY,
                                          &o, (uint32_t)bi)
                        : pb_empty_line(c, &o, (uint32_t)bi, b->start);
  if (st != PB_OK || !b->list_item_start || first_line == c->gal.nlines)
    return st;
  char marker[32];
  pb_list_marker(b, marker, sizeof marker);
  return pb_hang_marker(c, first_line, marker, s->font_size, 0, b->start);
}

/* Page building: cut the galley into pages.  No page ends with a
 * paragraph's first line alone (orphan) or starts with its last line alone
 * (widow), and a heading is never the last line of a page
 * (clreq-digest §5, issue "grid and last lines"). */
static size_t pb_page_end(const pb_galley *g, size_t i, size_t j,
                          size_t nbody) {
  if (j >= nbody) return j;
  size_t k = j;
  const pb_gline *L = g->lines;
  /* Widow: the next page would start with a paragraph's last line. */
  if (L[k].last && !L[k].first && k - 1 > i && L[k - 1].block == L[k].block)
    k--;
  /* Orphan: this page would end with a paragraph's first line alone. */
  if (k > i + 1 && L[k - 1].first && !L[k - 1].last &&
      L[k].block == L[k - 1].block)
    k--;
  /* Keep headings and the title with what follows — unless the page holds
   * nothing else (a run of headings), then break where the page is full. */
  size_t kept = k;
  while (kept > i + 1 && L[kept - 1].keep_with_next) kept--;
  if (kept == i + 1 && L[i].keep_with_next) return j;
  k = kept;
  return k > i ? k : j;
}

/* Typesets a line of page furniture (folio, running head) centred on the
 * measure at baseline y, straight onto the page; returns its width. */
static pb_status pb_place_line(pb_ctx *c, pb_page *pg, size_t l, pb_len left,
                               pb_len y);

static pb_status pb_add_furniture(pb_ctx *c, pb_page *pg, const char *text,
                                  pb_len size, pb_len y, uint16_t kind,
                                  pb_len *x0, pb_len *x1) {
  size_t g0 = c->gal.nglyphs, l0 = c->gal.nlines;
  pb_para_opts o = {.measure = c->s->measure, .center = true, .ragged = true,
                    .kind = kind};
  pb_status st = pb_typeset_utf8(c, text, size, PB_ROLE_BODY, &o, (pb_pos){0, 0});
  if (st != PB_OK) return st;
  pb_len left = c->origin_x + (c->s->paper_w - c->s->measure) / 2;
  if (c->gal.nlines > l0) { /* one line: the first */
    const pb_gline *gl = &c->gal.lines[l0];
    st = pb_place_line(c, pg, l0, left, y);
    if (st != PB_OK) return st;
    if (x0) *x0 = left + gl->x;
    if (x1) *x1 = left + gl->x + gl->natural;
  }
  c->gal.nglyphs = g0;
  c->gal.nlines = l0;
  return PB_OK;
}

/* Running head (print) from the second page on: the title on even pages,
 * the section on odd ones.  Set before the page's text so that text
 * extraction reads it first. */
static pb_status pb_running_head(pb_ctx *c, pb_page *pg, const char *section) {
  const pb_settings *s = c->s;
  const char *head = pg->folio % 2 == 0 ? c->doc->meta.title : section;
  if (!head) head = c->doc->meta.title;
  if (!s->running_heads || pg->folio <= 1 || !head || !*head) return PB_OK;
  pb_len hy = c->origin_y + s->paper_h - s->margin_top / 2;
  /* A head is one line: no more characters than could fit (at a quarter
   * em each), the rest replaced by an ellipsis — so a 10,000-character
   * title costs no more per page than a short one. */
  /* Width in quarter ems of the head's size (0.8 em): a CJK character
   * takes 4, anything else 2 (a generous Latin average).  Keep room for
   * the ellipsis. */
  size_t limit = (size_t)s->measure_em * 5 - 4, units = 0, cut = 0;
  for (const char *q = head; *q && !cut;) {
    uint32_t cp = 0;
    size_t used = pb_utf8_decode(q, strlen(q), &cp);
    if (!used) break;
    units += pb_is_cjk_char(cp) ? 4 : 2;
    if (units > limit) cut = (size_t)(q - head);
    q += used;
  }
  char *shortened = NULL;
  if (cut) {
    shortened = malloc(cut + 4);
    if (!shortened) return PB_ERR_NOMEM;
    memcpy(shortened, head, cut);
    memcpy(shortened + cut, "\xE2\x80\xA6", 4); /* … */
    head = shortened;
  }
  pb_status st = pb_add_furniture(c, pg, head, s->font_size * 8 / 10, hy,
                                  PB_LINE_RUNNING_HEAD, NULL, NULL);
  free(shortened);
  return st;
}

/* Folio at the foot of every page; in the ebook it links to the first page
 * (the title and contents). */
static pb_status pb_folio(pb_ctx *c, pb_page *pg) {
  const pb_settings *s = c->s;
  char num[16];
  snprintf(num, sizeof num, "%d", pg->folio);
  pb_len y = c->origin_y + s->margin_bottom / 2;
  pb_len x0 = 0, x1 = 0;
  pb_len fsize = s->font_size * 9 / 10;
  pb_status st = pb_add_furniture(c, pg, num, fsize, y, PB_LINE_FOLIO, &x0, &x1);
  if (st != PB_OK) return st;
  if (s->folio_links && pg->folio > 1) {
    pb_link_area a = {.x0 = x0 - fsize, .y0 = y - fsize / 2, .x1 = x1 + fsize,
                      .y1 = y + fsize, .link = 0, .dest_page = 0,
                      .dest_y = c->origin_y + s->paper_h};
    if (!pb_page_add_link(pg, a)) return PB_ERR_NOMEM;
  }
  return st;
}

/* UTF-8 text of a block (for bookmarks and running heads), without its
 * footnote marks. */
static char *pb_block_utf8(const pb_block *b) {
  char *t = malloc(b->len * 4 + 1);
  if (!t) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < b->len; i++)
    if (!(b->style && (b->style[i] & PB_STYLE_FNREF)))
      n += pb_utf8_encode(b->text[i], t + n);
  t[n] = 0;
  return t;
}

static pb_status pb_outline_add(pb_ctx *c, const char *title, int level,
                                uint32_t page, pb_len y) {
  char *t = pb_strdup(title);
  if (!t) return PB_ERR_NOMEM;
  if (!pb_grow((void **)&c->lo->outline, &c->lo->outline_cap,
               c->lo->noutline + 1, sizeof *c->lo->outline)) {
    free(t);
    return PB_ERR_NOMEM;
  }
  c->lo->outline[c->lo->noutline++] =
      (pb_outline_entry){.title = t, .level = level, .page = page, .y = y};
  return PB_OK;
}

/* Places galley line l on page pg at baseline y, with its link areas. */
static pb_status pb_place_line(pb_ctx *c, pb_page *pg, size_t l, pb_len left,
                               pb_len y) {
  const pb_galley *g = &c->gal;
  const pb_gline *gl = &g->lines[l];
  uint32_t first = (uint32_t)pg->nglyphs;
  for (size_t q = gl->g0; q < gl->g1; q++) {
    pb_placed_glyph pgl = g->glyphs[q];
    pgl.x += left + gl->x;
    pgl.y += y;
    if (!pb_page_add_glyph(pg, pgl)) return PB_ERR_NOMEM;
  }
  pb_placed_line pl = {.first_glyph = first,
                       .glyph_count = (uint32_t)(gl->g1 - gl->g0),
                       .x = left + gl->x, .y = y, .width = gl->width,
                       .natural = gl->natural, .ratio = gl->ratio,
                       .pos = gl->pos, .block = gl->block, .kind = gl->kind,
                       .last_of_block = gl->last};
  if (!pb_page_add_line(pg, pl)) return PB_ERR_NOMEM;
  if (gl->toc_target) {
    pb_toc_link t = {.page = (uint32_t)(c->lo->npages - 1),
                     .target = gl->toc_target - 1,
                     .area = {.x0 = left + gl->x, .x1 = left + gl->x + gl->width,
                              .y0 = y - gl->advance / 4,
                              .y1 = y + gl->advance * 3 / 4, .link = 0}};
    if (!pb_grow((void **)&c->toc, &c->toc_cap, c->ntoc + 1, sizeof t))
      return PB_ERR_NOMEM;
    c->toc[c->ntoc++] = t;
  }
  for (size_t k = gl->a0; k < gl->a1; k++) {
    pb_link_area a = g->areas[k];
    a.x0 += left + gl->x;
    a.x1 += left + gl->x;
    a.y0 += y;
    a.y1 += y;
    if (!pb_page_add_link(pg, a)) return PB_ERR_NOMEM;
  }
  return PB_OK;
}

/* Footnotes on their way to the foot of a page (clreq practice and TeX's
 * insertions, simplified): a note joins the queue on the page that first
 * cites it (a note is printed once); each page reserves room for the queue
 * up to half its height, and sets as many of the queued lines as fit; the
 * rest of a long note continues on the next page. */
typedef struct pb_fnq {
  size_t *first, *end;   /* per footnote number: its galley lines */
  bool *queued;          /* per footnote number: already in the queue */
  size_t max;            /* largest footnote number + 1 */
  size_t *lines;         /* queue of galley lines */
  size_t head, len, cap;
  int64_t height;        /* height of the queued lines not yet set (64
                            bits: thousands of note lines overflow pb_len) */
} pb_fnq;

/* Height the footnotes would need if line l joined the page: queued lines
 * plus the notes l cites for the first time.  With commit, they join. */
static pb_status pb_fn_cite(const pb_ctx *c, pb_fnq *q, size_t l, bool commit,
                            int64_t *height) {
  const pb_gline *gl = &c->gal.lines[l];
  int64_t h = q->height;
  for (size_t k = gl->f0; k < gl->f1; k++) {
    size_t n = c->gal.cites[k];
    if (n >= q->max || q->queued[n]) continue;
    for (size_t t = q->first[n]; t < q->end[n]; t++) {
      h += c->gal.lines[t].advance;
      if (!commit) continue;
      if (!pb_grow((void **)&q->lines, &q->cap, q->len + 1, sizeof *q->lines))
        return PB_ERR_NOMEM;
      q->lines[q->len++] = t;
    }
    if (commit) q->queued[n] = true;
  }
  if (commit) q->height = h;
  *height = h;
  return PB_OK;
}

/* Room reserved at the foot for a queue of height h: the separator and at
 * most half the text area. */
static pb_len pb_fn_room(const pb_ctx *c, int64_t h, pb_len text_height) {
  if (h <= 0) return 0;
  if (h > text_height / 2) h = text_height / 2;
  return (pb_len)h + c->s->line_pitch;
}

/* Sets queued footnote lines at the foot of the page, within room (at
 * least one line), under a short rule. */
static pb_status pb_place_footnotes(pb_ctx *c, pb_page *pg, pb_fnq *q,
                                    pb_len room, pb_len left, pb_len bottom) {
  if (q->head == q->len) return PB_OK;
  pb_len avail = room - c->s->line_pitch, used = 0;
  size_t m = q->head;
  while (m < q->len) {
    pb_len a = c->gal.lines[q->lines[m]].advance;
    if (m > q->head && used + a > avail) break;
    used += a;
    m++;
  }
  pb_len y = bottom + used;
  for (size_t t = q->head; t < m; t++) {
    const pb_gline *gl = &c->gal.lines[q->lines[t]];
    y -= gl->advance;
    if (t == q->head) {
      pb_rule r = {.x = left, .y = y + gl->advance + gl->advance * 3 / 10,
                   .w = c->s->measure / 4, .h = PB_PT(0.4)};
      if (!pb_page_add_rule(pg, r)) return PB_ERR_NOMEM;
    }
    pb_status st = pb_place_line(c, pg, q->lines[t], left, y);
    if (st != PB_OK) return st;
    q->height -= gl->advance;
  }
  q->head = m;
  return PB_OK;
}

static pb_status pb_build_pages(pb_ctx *c) {
  const pb_settings *s = c->s;
  pb_galley *g = &c->gal;
  size_t nbody = c->nflow; /* footnotes and furniture come after the flow */
  pb_fnq fq = {0};
  char *section = NULL;
  pb_status st = PB_ERR_NOMEM;
  for (size_t l = c->nflow; l < g->nlines; l++)
    if (g->lines[l].footnote > 0 && (size_t)g->lines[l].footnote >= fq.max)
      fq.max = (size_t)g->lines[l].footnote + 1;
  fq.first = calloc(fq.max + 1, sizeof *fq.first);
  fq.end = calloc(fq.max + 1, sizeof *fq.end);
  fq.queued = calloc(fq.max + 1, sizeof *fq.queued);
  size_t nb = c->doc->nblocks ? c->doc->nblocks : 1;
  c->heading_page = malloc(nb * sizeof *c->heading_page);
  c->heading_y = calloc(nb, sizeof *c->heading_y);
  if (!fq.first || !fq.end || !fq.queued || !c->heading_page || !c->heading_y)
    goto done;
  /* A note's lines are contiguous in the galley (its blocks are typeset
   * one after the other). */
  for (size_t l = g->nlines; l-- > c->nflow;) {
    size_t n = (size_t)(g->lines[l].footnote > 0 ? g->lines[l].footnote : 0);
    if (!n) continue;
    if (!fq.end[n]) fq.end[n] = l + 1;
    fq.first[n] = l;
  }
  for (size_t b = 0; b < nb; b++) c->heading_page[b] = UINT32_MAX;
  pb_len left = c->origin_x + (s->paper_w - s->measure) / 2;
  pb_len top = c->origin_y + s->paper_h - s->margin_top - s->font_size;
  pb_len bottom = c->origin_y + s->margin_bottom;
  pb_len text_height = top - bottom;
  st = PB_OK;
  if (c->doc->meta.title) {
    /* The document itself is the first bookmark; headings nest under it. */
    st = pb_outline_add(c, c->doc->meta.title, 1, 0, c->origin_y + s->paper_h);
    if (st != PB_OK) goto done;
  }
  size_t i = 0;
  do {
    /* Find how many lines fit. */
    size_t j = i;
    pb_len y = top;
    /* Tentatively: which lines fit with the notes they cite.  Notes are
     * only queued once the page end is known. */
    pb_fnq probe = fq;
    bool *queued_before = NULL;
    if (fq.max) {
      queued_before = malloc((fq.max + 1) * sizeof *queued_before);
      if (!queued_before) {
        st = PB_ERR_NOMEM;
        goto done;
      }
      memcpy(queued_before, fq.queued, (fq.max + 1) * sizeof *fq.queued);
    }
    int64_t h = fq.height;
    while (j < nbody) {
      pb_len ny = j == i ? top : y - g->lines[j].advance - g->lines[j].space_before;
      int64_t nh = 0;
      probe.height = h;
      probe.queued = queued_before ? queued_before : fq.queued;
      pb_fn_cite(c, &probe, j, false, &nh);
      if (j > i && ny < bottom + pb_fn_room(c, nh, text_height)) break;
      /* Mark this line's notes as counted for the lines after it. */
      for (size_t q = g->lines[j].f0; queued_before && q < g->lines[j].f1; q++)
        if (g->cites[q] < fq.max) queued_before[g->cites[q]] = true;
      h = nh;
      y = ny;
      j++;
    }
    free(queued_before);
    size_t k = pb_page_end(g, i, j, nbody);
    for (size_t l = i; l < k; l++) {
      int64_t unused;
      st = pb_fn_cite(c, &fq, l, true, &unused);
      if (st != PB_OK) goto done;
    }
    pb_page *pg = pb_layout_add_page(c->lo);
    if (!pg) {
      st = PB_ERR_NOMEM;
      goto done;
    }
    uint32_t page_index = (uint32_t)(c->lo->npages - 1);
    /* The running head names the first section that starts on the page,
     * else the one in force. */
    const char *head = section;
    char *first_heading = NULL;
    for (size_t l = i; l < k && !first_heading; l++)
      if (g->lines[l].heading_level > 0 && g->lines[l].block != UINT32_MAX) {
        first_heading = pb_block_utf8(&c->doc->blocks[g->lines[l].block]);
        if (!first_heading) {
          st = PB_ERR_NOMEM;
          goto done;
        }
        head = first_heading;
      }
    st = pb_running_head(c, pg, head);
    free(first_heading);
    if (st != PB_OK) goto done;
    y = top;
    for (size_t l = i; l < k; l++) {
      const pb_gline *gl = &g->lines[l];
      if (l > i) y -= gl->advance + gl->space_before;
      st = pb_place_line(c, pg, l, left, y);
      if (st != PB_OK) goto done;
      if (gl->heading_level > 0 && gl->block != UINT32_MAX) {
        char *t = pb_block_utf8(&c->doc->blocks[gl->block]);
        if (!t) {
          st = PB_ERR_NOMEM;
          goto done;
        }
        free(section);
        section = t;
        c->heading_page[gl->block] = page_index;
        c->heading_y[gl->block] = y + s->line_pitch;
        int lv = gl->heading_level + (c->doc->meta.title ? 1 : 0);
        st = pb_outline_add(c, t, lv > 6 ? 6 : lv, page_index,
                            y + s->line_pitch);
        if (st != PB_OK) goto done;
      }
    }
    st = pb_place_footnotes(c, pg, &fq, pb_fn_room(c, fq.height, text_height),
                            left, bottom);
    if (st != PB_OK) goto done;
    st = pb_folio(c, pg);
    if (st != PB_OK) goto done;
    i = k;
  } while (i < nbody);
  /* Notes still queued after the last line continue on pages of their own. */
  while (fq.head < fq.len) {
    pb_page *pg = pb_layout_add_page(c->lo);
    if (!pg) {
      st = PB_ERR_NOMEM;
      goto done;
    }
    st = pb_running_head(c, pg, section);
    if (st == PB_OK)
      st = pb_place_footnotes(c, pg, &fq, text_height, left, bottom);
    if (st == PB_OK) st = pb_folio(c, pg);
    if (st != PB_OK) goto done;
  }
  /* Contents entries link to the pages their headings landed on. */
  for (size_t t = 0; t < c->ntoc && st == PB_OK; t++) {
    pb_toc_link *tl = &c->toc[t];
    if (c->heading_page[tl->target] == UINT32_MAX) continue;
    tl->area.dest_page = (int32_t)c->heading_page[tl->target];
    tl->area.dest_y = c->heading_y[tl->target];
    if (!pb_page_add_link(&c->lo->pages[tl->page], tl->area)) st = PB_ERR_NOMEM;
  }
done:
  free(section);
  free(fq.first);
  free(fq.end);
  free(fq.queued);
  free(fq.lines);
  return st;
}

pb_status pb_typeset(const pb_doc *doc, const pb_settings *s, pb_fontset *fs,
                     pb_layout *out, pb_diags *diags) {
  pb_ctx c = {.doc = doc, .s = s, .lo = out, .diags = diags};
  pb_status st = PB_ERR_NOMEM;
  memset(out, 0, sizeof *out);
  init_linebreak();
  if (!pb_shaper_init(&c.sh, fs, s, diags)) goto done;
  /* Print: the media box holds the trim box, the bleed around it and room
   * for crop marks (3 mm off the bleed, 5 mm long). */
  pb_len pad = s->bleed + (s->crop_marks ? PB_MM(9) : 0);
  c.origin_x = c.origin_y = pad;
  out->trim_x = out->trim_y = pad;
  out->trim_w = s->paper_w;
  out->trim_h = s->paper_h;
  out->media_w = s->paper_w + 2 * pad;
  out->media_h = s->paper_h + 2 * pad;
  out->bleed = s->bleed;
  out->crop_marks = s->crop_marks;
  out->rgb = s->profile == PB_PROFILE_EBOOK;
  out->date_epoch = s->date_epoch;
  char producer[64];
  snprintf(producer, sizeof producer, "paiban %s", pb_version());
  out->title = pb_strdup(doc->meta.title);
  out->subtitle = pb_strdup(doc->meta.subtitle);
  out->author = pb_strdup(doc->meta.author);
  out->lang = pb_strdup(s->lang);
  out->producer = pb_strdup(producer);
  if ((doc->meta.title && !out->title) || !out->lang || !out->producer)
    goto done;
  if (doc->nlinks) {
    out->links = calloc(doc->nlinks, sizeof *out->links);
    if (!out->links) goto done;
    out->nlinks = doc->nlinks;
    for (size_t i = 0; i < doc->nlinks; i++)
      if (!(out->links[i] = pb_strdup(doc->links[i]))) goto done;
  }
  /* Diagnostics about the text name the file the text came from (a derived
   * edition's body is another manuscript's).  diags->path is restored
   * below. */
  char *own_path = diags->path;
  st = pb_title_block(&c);
  if (doc->body_path) diags->path = doc->body_path;
  if (st == PB_OK && s->profile == PB_PROFILE_EBOOK) st = pb_contents(&c);
  for (size_t i = 0; st == PB_OK && i < doc->nblocks; i++)
    if (doc->blocks[i].kind != PB_BLOCK_FOOTNOTE) st = pb_set_block(&c, i);
  c.nflow = c.gal.nlines; /* footnotes follow, out of the flow */
  for (size_t i = 0; st == PB_OK && i < doc->nblocks; i++)
    if (doc->blocks[i].kind == PB_BLOCK_FOOTNOTE) st = pb_set_block(&c, i);
  if (st == PB_OK) st = pb_build_pages(&c);
  diags->path = own_path;
done:
  if (st == PB_ERR_NOMEM)
    pb_diag_add(diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
  else if (st != PB_OK && diags->errors == 0)
    pb_diag_add(diags, PB_SEV_ERROR, (pb_pos){0, 0},
                "typesetting failed: a font of the profile cannot be used");
  free(c.gal.lines);
  free(c.gal.glyphs);
  free(c.gal.areas);
  free(c.gal.cites);
  free(c.toc);
  free(c.heading_page);
  free(c.heading_y);
  pb_shaper_free(&c.sh);
  return st;
}
