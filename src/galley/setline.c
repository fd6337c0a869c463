/* Line setting: text → shape → items → breaks → galley lines (setline.h). */
#include "galley/setline.h"
#include "galley/parcache.h"
#include "galley/prefill.h"
#include "lines/items.h"
#include "lines/justify.h"
#include "text/vertical.h"
#include "base/utf8.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* Adds a glyph at x carrying the text [c0, c1) of the paragraph (or none). */
static bool pb_emit_glyph(pb_galley *gal, const pb_para *p, const pb_glyph *g,
                          pb_len x, uint32_t c0, uint32_t c1, uint16_t flags) {
  pb_len size = g->flags & PB_GLYPH_SUPERSCRIPT ? PB_SUPERSCRIPT_SCALE(p->size)
                                               : p->size;
  if (g->size_permille) size = (pb_len)((int64_t)size * g->size_permille / 1000);
  pb_placed_glyph pg = {.gid = g->gid, .face = g->face,
                        .flags = (uint16_t)(flags | (g->flags & (PB_GLYPH_VERTICAL |
                                                                 PB_GLYPH_SIDEWAYS))),
                        .size = size, .x = x + g->x_off, .y = g->y_off};
  if (c1 > c0) {
    if (!pb_text_append(&gal->text, &gal->text_len, &gal->text_cap,
                        p->text + c0, c1 - c0, &pg.text_off))
      return false;
    pg.text_len = c1 - c0;
  }
  if (!pb_grow((void **)&gal->glyphs, &gal->glyphs_cap, gal->nglyphs + 1,
               sizeof pg))
    return false;
  gal->glyphs[gal->nglyphs++] = pg;
  return true;
}

/* One line being set: where it starts in the galley and what it met. */
typedef struct pb_line_state {
  pb_len x;             /* pen position */
  pb_pos first_pos;     /* source position of its first character */
  size_t first_c;       /* its first character, SIZE_MAX before one */
  bool dots;            /* emphasis: dots — mark emphasised Han */
  uint16_t cur_link;    /* the link whose area is open, 0 none */
  size_t f_begin;       /* its first cite */
} pb_line_state;

/* Records footnote fn as cited on the line (once per line). */
static bool pb_cite(pb_galley *gal, size_t f_begin, uint16_t fn) {
  for (size_t q = f_begin; q < gal->ncites; q++)
    if (gal->cites[q] == fn) return true;
  if (!pb_grow((void **)&gal->cites, &gal->cites_cap, gal->ncites + 1,
               sizeof *gal->cites))
    return false;
  gal->cites[gal->ncites++] = fn;
  return true;
}

/* Extends the open link area over a box of width w, or opens one. */
static bool pb_link_box(pb_galley *gal, const pb_para *p, pb_line_state *ls,
                        uint16_t lk, pb_len w) {
  if (lk && lk == ls->cur_link) {
    gal->areas[gal->nareas - 1].x1 = pb_xadd(ls->x, w);
  } else if (lk) {
    /* Across the line: the text's height above and below the baseline,
     * or the column's width either side of its centre. */
    pb_link_area a = {.x0 = ls->x, .x1 = pb_xadd(ls->x, w),
                      .y0 = p->vertical ? -p->size / 2 : -p->size / 4,
                      .y1 = p->vertical ? p->size / 2 : p->size * 9 / 10,
                      .link = lk, .dest_page = -1};
    if (!pb_grow((void **)&gal->areas, &gal->areas_cap, gal->nareas + 1,
                 sizeof a))
      return false;
    gal->areas[gal->nareas++] = a;
  }
  ls->cur_link = lk;
  return true;
}

/* clreq-digest §7: under `emphasis: dots` an emphasised Han character
 * gets a dot (着重号) of 0.15 em: in horizontal text centred under its box,
 * 0.3 em below the baseline (the ideographic box ends 0.12 em below it);
 * in a vertical column to the right of the character, its centre 0.68 em
 * right of the column's centre line (the box ends at 0.5 em). */
static bool pb_emphasis_dot(pb_galley *gal, const pb_para *p, const pb_unit *u,
                            pb_len x, pb_len width) {
  if (u->cls != PB_CC_HAN || !p->style || !(p->style[u->c0] & PB_STYLE_EMPH))
    return true;
  pb_placed_glyph dot = {.flags = PB_GLYPH_DOT, .size = p->size * 15 / 100,
                         .x = pb_xadd(x, width / 2),
                         .y = p->vertical ? p->size * 68 / 100 : -p->size * 3 / 10};
  if (!pb_grow((void **)&gal->glyphs, &gal->glyphs_cap, gal->nglyphs + 1,
               sizeof dot))
    return false;
  gal->glyphs[gal->nglyphs++] = dot;
  return true;
}

/* A unit's box: its glyphs (drawn lead to the left), link and cites. */
static bool pb_set_unit(pb_galley *gal, const pb_para *p, pb_line_state *ls,
                        const pb_item *item) {
  const pb_unit *u = &p->units[item->unit];
  if (!ls->first_pos.line && p->pos) ls->first_pos = p->pos[u->c0];
  if (ls->first_c == SIZE_MAX) ls->first_c = u->c0;
  uint16_t fn = p->fnref ? p->fnref[u->c0] : 0;
  if (fn && !pb_cite(gal, ls->f_begin, fn)) return false;
  if (!pb_link_box(gal, p, ls, p->link ? p->link[u->c0] : 0, item->width))
    return false;
  pb_len gx = pb_xadd(ls->x, -(int64_t)u->lead);
  for (uint32_t g = u->g0; g < u->g1; g++) {
    bool firstg = g == u->g0;
    if (!pb_emit_glyph(gal, p, &p->glyphs[g], gx, firstg ? u->c0 : 0,
                       firstg ? u->c1 : 0, 0))
      return false;
    gx = pb_xadd(gx, p->glyphs[g].advance);
  }
  return !ls->dots || pb_emphasis_dot(gal, p, u, ls->x, item->width);
}

/* The glyphs of the items [start, end] of one line, adjusted by ratio r
 * (stretched in clreq's order: plan, lines/justify.h). */
static bool pb_set_items(pb_galley *gal, const pb_para *p, const pb_items *it,
                         size_t start, size_t end, double r,
                         const pb_stretch_plan *plan, pb_line_state *ls) {
  for (size_t k = start; k <= end && k < it->len; k++) {
    const pb_item *item = &it->v[k];
    if (item->kind == PB_ITEM_BOX) {
      if (item->tag == PB_TAG_UNIT && !pb_set_unit(gal, p, ls, item))
        return false;
      ls->x = pb_xadd(ls->x, item->width);
    } else if (item->kind == PB_ITEM_GLUE) {
      if (k == end || item->tag == PB_TAG_PARFILL) continue;
      pb_len w = item->width;
      if (r > 0) w += (pb_len)lround(pb_plan_extra(plan, item));
      else if (r < 0) w += (pb_len)lround(r * item->shrink);
      if (item->tag == PB_TAG_WORDSPACE) {
        /* Draw the space glyph so the text copies out with its spaces. */
        const pb_unit *u = &p->units[item->unit];
        for (uint32_t g = u->g0; g < u->g1; g++)
          if (!pb_emit_glyph(gal, p, &p->glyphs[g], ls->x,
                             g == u->g0 ? u->c0 : 0, g == u->g0 ? u->c0 + 1 : 0,
                             PB_GLYPH_SPACE))
            return false;
      }
      ls->x = pb_xadd(ls->x, w);
    } else if (k == end && item->tag == PB_TAG_HYPHEN) {
      const pb_unit *u = &p->units[item->unit];
      uint16_t face = (uint16_t)p->face[u->c0];
      const pb_hyphen_glyph *hy = pb_para_hyphen(p, face);
      static const uint32_t minus = '-';
      /* The hyphen lies on its side with its word in a column. */
      pb_glyph g = {.gid = hy ? hy->gid : 0, .face = face,
                    .flags = p->glyphs[u->g0].flags & PB_GLYPH_SIDEWAYS,
                    .y_off = p->vertical ? -PB_SIDEWAYS_BASELINE(p->size) : 0};
      pb_para one = {.text = &minus, .size = p->size};
      if (!pb_emit_glyph(gal, &one, &g, ls->x, 0, 1, 0)) return false;
      ls->x = pb_xadd(ls->x, item->width);
    }
  }
  return true;
}

/* Overfull and underfull lines: one warning per paragraph and kind, with a
 * count of the others. */
typedef struct pb_fit_report {
  size_t overfull, underfull;
  pb_pos overfull_pos, underfull_pos;
  pb_len overfull_by;
  double underfull_ratio;
} pb_fit_report;

static void pb_fit_note(pb_fit_report *f, const pb_break *bk,
                        const pb_line_opts *o, bool last, pb_pos pos) {
  if (bk->overfull && !o->center) {
    if (!f->overfull++) {
      f->overfull_pos = pos;
      f->overfull_by = bk->natural - bk->shrink - o->measure;
    }
  } else if (bk->underfull && !last && !o->ragged && bk->stretch > 0 &&
             bk->ratio > PB_UNDERFULL_WARN_RATIO) {
    if (!f->underfull++) {
      f->underfull_pos = pos;
      f->underfull_ratio = bk->ratio;
    }
  }
}

static void pb_fit_report_out(const pb_fit_report *f, const pb_line_opts *o,
                              pb_diags *diags) {
  if (f->overfull)
    pb_diag_add(diags, PB_SEV_WARNING, f->overfull_pos,
                "overfull line: %.1f pt wider than the %.1f pt measure%s",
                pb_len_to_pt(f->overfull_by), pb_len_to_pt(o->measure),
                f->overfull > 1 ? " (and more lines of this paragraph)" : "");
  if (f->underfull)
    pb_diag_add(diags, PB_SEV_WARNING, f->underfull_pos,
                "underfull line: its glue stretched %.2f times its "
                "stretchability%s",
                f->underfull_ratio,
                f->underfull > 1 ? " (and more lines of this paragraph)" : "");
}

static pb_gline *pb_new_line(pb_galley *gal) {
  if (!pb_grow((void **)&gal->lines, &gal->lines_cap, gal->nlines + 1,
               sizeof *gal->lines))
    return NULL;
  pb_gline *l = &gal->lines[gal->nlines++];
  memset(l, 0, sizeof *l);
  return l;
}

/* The adjustment ratio a line is set with.  Ragged lines (headings, code)
 * never stretch but shrink if they must to stay inside the measure; an
 * overfull line shrinks fully and sticks out; a paragraph's last line and
 * a line ended by a hard break are not stretched (the parfill glue took
 * the slack). */
static double pb_set_ratio(const pb_items *it, const pb_break *bk,
                           const pb_line_opts *o, bool last) {
  double r = o->ragged && bk->ratio > 0 ? 0.0 : bk->ratio;
  if (r < -1.0) r = -1.0;
  bool forced = bk->index < it->len && it->v[bk->index].kind == PB_ITEM_PENALTY &&
                it->v[bk->index].penalty <= -PB_INF;
  if ((last || forced) && r > 0) r = 0;
  return r;
}

/* Sets the lines of one paragraph into the galley. */
static pb_status pb_set_lines(pb_setter *st, const pb_para *p,
                              const pb_items *it, const pb_breaks *br,
                              const pb_line_opts *o, uint32_t block) {
  pb_galley *gal = st->gal;
  pb_fit_report fit = {0};
  bool loose = false; /* a loose line of this paragraph was reported */
  size_t start = 0;
  for (size_t b = 0; b < br->len; b++) {
    const pb_break *bk = &br->v[b];
    /* Skip the discardable items that begin a line (after a break). */
    if (b > 0)
      while (start < bk->index && it->v[start].kind != PB_ITEM_BOX) start++;
    bool last = b + 1 == br->len;
    double r = pb_set_ratio(it, bk, o, last);
    size_t g_begin = b == 0 && o->marker_g0 != PB_NO_GLYPH ? o->marker_g0
                                                           : gal->nglyphs;
    size_t a_begin = gal->nareas;
    pb_line_state ls = {.f_begin = gal->ncites, .first_c = SIZE_MAX,
                        .dots = st->s->emphasis == PB_EMPHASIS_DOTS && p->cjk_text};
    /* §5: word spaces and Han–Latin glue stretch first (justify.h). */
    pb_stretch_plan plan = pb_plan_stretch(it, start, bk->index, r);
    if (!pb_set_items(gal, p, it, start, bk->index, r, &plan, &ls))
      return PB_ERR_NOMEM;
    pb_gline *l = pb_new_line(gal);
    if (!l) return PB_ERR_NOMEM;
    *l = (pb_gline){.g0 = g_begin, .g1 = gal->nglyphs, .a0 = a_begin,
                    .a1 = gal->nareas, .f0 = ls.f_begin, .f1 = gal->ncites,
                    .x = o->x + (o->center ? (o->measure - ls.x) / 2 : 0),
                    .width = o->measure, .natural = bk->natural, .ratio = r,
                    .advance = o->advance,
                    .space_before = b == 0 ? o->space_before : 0,
                    .pos = ls.first_pos, .block = block, .kind = o->kind,
                    .first = b == 0, .last = last,
                    .keep_with_next = o->keep_with_next,
                    .heading_level = b == 0 ? o->heading_level : 0,
                    .toc_target = o->toc_target};
    /* One loose-line warning per paragraph, for every kind of block; a
     * line reported loose is not reported underfull as well. */
    bool loose_here = !last && !o->ragged && !loose &&
                      pb_loose_line(p, &plan, ls.first_c, ls.first_pos, st->diags);
    loose = loose || loose_here;
    if (!loose_here) pb_fit_note(&fit, bk, o, last, ls.first_pos);
    start = bk->index + 1;
  }
  pb_fit_report_out(&fit, o, st->diags);
  return PB_OK;
}

/* The items of a shaped paragraph, and the breaks chosen among them. */
static pb_status pb_break_para(const pb_settings *s, pb_diags *diags,
                               const pb_para *p, pb_len size,
                               const pb_line_opts *o, pb_items *items,
                               pb_breaks *br) {
  pb_item_opts io = {.indent = o->indent, .measure = o->measure,
                     .kinsoku = s->kinsoku, .hanging = s->hanging};
  pb_status rc = pb_para_items(p, &io, items, diags);
  if (rc != PB_OK) return rc;
  pb_break_params bp = pb_break_params_default(o->measure);
  /* Ragged right: TeX's \rightskip 0pt plus 2em, so the breaks even out
   * the line ends instead of the word spaces. */
  if (o->ragged_right) bp.right_stretch = 2 * size;
  /* Chinese text breaks almost anywhere: a tight tolerance keeps Han–Han
   * glue near the grid.  Badness 100 is a Han–Han advance of 1.08 em
   * (breakitems.c), the most clreq-style setting allows; a paragraph that
   * needs more goes to the emergency pass, whose loose lines are reported
   * (clreq-digest §5). */
  if (s->script != PB_TEXT_LATIN) bp.pretolerance = bp.tolerance = 100;
  return pb_linebreak(items, &bp, br);
}

pb_status pb_make_para(pb_shaper *sh, const pb_settings *s, pb_diags *diags,
                       const pb_text_run *run, pb_len size, pb_role role,
                       const pb_line_opts *o, pb_para *p, pb_items *items,
                       pb_breaks *br) {
  *p = (pb_para){.text = run->text, .style = run->style, .pos = run->pos,
                 .link = run->link, .fnref = run->fnref, .len = run->len,
                 .size = size, .role = role,
                 .cjk_text = s->script != PB_TEXT_LATIN,
                 .vertical = s->vertical && !o->horizontal,
                 .tcy_digits = s->tcy_digits, .quotation = o->quotation};
  *br = (pb_breaks){0};
  pb_items_init(items);
  pb_status rc = pb_para_shape(sh, p, diags);
  if (rc == PB_OK) rc = pb_break_para(s, diags, p, size, o, items, br);
  /* The first pass never takes a hyphen: only a paragraph it cannot set
   * needs hyphenation points (and so the patterns); with them, the items
   * and breaks are made again. */
  bool added = false;
  if (rc == PB_OK && br->pass > 1)
    rc = pb_para_hyphen_points(sh, p, diags, &added);
  if (rc == PB_OK && added) {
    pb_items_free(items);
    pb_breaks_free(br);
    pb_items_init(items);
    *br = (pb_breaks){0};
    rc = pb_break_para(s, diags, p, size, o, items, br);
  }
  return rc;
}

/* pb_set_text without the paragraph cache: the paragraph from the
 * prefill (galley/prefill.h) when it has it, else made here. */
static pb_status pb_set_text_fresh(pb_setter *st, const pb_text_run *run,
                                   pb_len size, pb_role role,
                                   const pb_line_opts *o, uint32_t block) {
  pb_para p;
  pb_items items;
  pb_breaks br;
  pb_status rc = PB_OK;
  if (!st->prefill ||
      !pb_prefill_take(st->prefill, run, size, role, o, block, &p, &items, &br))
    rc = pb_make_para(st->sh, st->s, st->diags, run, size, role, o, &p, &items, &br);
  if (rc == PB_OK && st->trace && st->trace->paragraph) {
    pb_para_trace t = {.text = p.text, .len = p.len,
                       .pos = p.pos && p.len ? p.pos[0] : (pb_pos){0, 0},
                       .size = size, .measure = o->measure, .items = &items,
                       .breaks = &br, .para = &p};
    st->trace->paragraph(st->trace->user, &t);
  }
  if (rc == PB_OK) rc = pb_set_lines(st, &p, &items, &br, o, block);
  if (rc == PB_ERR_NOMEM)
    pb_diag_add(st->diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
  pb_breaks_free(&br);
  pb_items_free(&items);
  pb_para_free(&p);
  return rc;
}

pb_status pb_set_text(pb_setter *st, const pb_text_run *run, pb_len size,
                      pb_role role, const pb_line_opts *o, uint32_t block) {
  pb_parcache_probe pr;
  if (pb_parcache_lookup(&pr, st, run, size, role, o, block)) return PB_OK;
  pb_status rc = pb_set_text_fresh(st, run, size, role, o, block);
  pb_parcache_store(&pr, st, rc);
  return rc;
}

bool pb_trace_unit_chars(const pb_para_trace *t, uint32_t u, size_t *c0,
                         size_t *c1) {
  const pb_para *p = t->para;
  if (u >= p->nunits) return false;
  *c0 = p->units[u].c0;
  *c1 = p->units[u].c1;
  return true;
}

pb_status pb_set_utf8(pb_setter *st, const char *s, pb_len size, pb_role role,
                      const pb_line_opts *o, pb_pos pos) {
  size_t n = strlen(s);
  uint32_t *cps = malloc((n + 1) * sizeof *cps);
  pb_pos *poss = malloc((n + 1) * sizeof *poss);
  pb_status rc = PB_ERR_NOMEM;
  if (!cps || !poss) {
    pb_diag_add(st->diags, PB_SEV_ERROR, pos, "out of memory");
    goto done;
  }
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
  pb_text_run run = {.text = cps, .pos = poss, .len = m};
  rc = m ? pb_set_text(st, &run, size, role, o, UINT32_MAX) : PB_OK;
done:
  free(cps);
  free(poss);
  return rc;
}

pb_status pb_set_empty_line(pb_setter *st, const pb_line_opts *o,
                            uint32_t block, pb_pos pos) {
  pb_galley *gal = st->gal;
  size_t g0 = o->marker_g0 != PB_NO_GLYPH ? o->marker_g0 : gal->nglyphs;
  pb_gline *l = pb_new_line(gal);
  if (!l) {
    pb_diag_add(st->diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
    return PB_ERR_NOMEM;
  }
  *l = (pb_gline){.g0 = g0, .g1 = gal->nglyphs, .a0 = gal->nareas,
                  .a1 = gal->nareas, .f0 = gal->ncites, .f1 = gal->ncites,
                  .x = o->x, .width = o->measure, .advance = o->advance,
                  .space_before = o->space_before, .pos = pos, .block = block,
                  .kind = o->kind, .first = true, .last = true};
  return PB_OK;
}

pb_status pb_set_marker(pb_setter *st, const char *marker, pb_len size,
                        pb_pos pos, size_t *g0) {
  pb_galley *gal = st->gal;
  size_t l_before = gal->nlines;
  *g0 = gal->nglyphs;
  /* One line, however long the marker ("123456789."). */
  pb_line_opts mo = {.measure = PB_PT(10000), .ragged = true,
                     .marker_g0 = PB_NO_GLYPH};
  pb_status rc = pb_set_utf8(st, marker, size, PB_ROLE_BODY, &mo, pos);
  if (rc != PB_OK || gal->nlines == l_before) return rc;
  /* The marker's right edge half an em before the text. */
  pb_len dist = gal->lines[l_before].natural + size / 2;
  for (size_t k = *g0; k < gal->nglyphs; k++) gal->glyphs[k].x -= dist;
  gal->nlines = l_before;
  return PB_OK;
}
