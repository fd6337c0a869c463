/* The page builder: see pagebuild.h. */
#include "pages/pagebuild.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  int64_t height;        /* height of the queued lines not yet set */
} pb_fnq;

/* A contents entry as placed, waiting for its heading's page. */
typedef struct pb_toc_link {
  uint32_t page;        /* page of the entry */
  pb_link_area area;    /* its rectangle on that page */
  uint32_t target;      /* heading block */
} pb_toc_link;

typedef struct pb_builder {
  const pb_doc *doc;
  const pb_settings *s;
  const pb_galley *gal;
  const pb_page_frame *fr;
  pb_layout *lo;
  pb_fnq fq;
  pb_toc_link *toc;       /* contents entries placed so far */
  size_t ntoc, toc_cap;
  uint32_t *heading_page; /* per block: page of a heading, UINT32_MAX none */
  pb_len *heading_y;
  uint32_t section;       /* block of the heading in force, UINT32_MAX none */
  pb_len text_height;
} pb_builder;

static pb_status pb_outline_add(pb_builder *c, char *title, int level,
                                uint32_t page, pb_len y) {
  if (!title || !pb_grow((void **)&c->lo->outline, &c->lo->outline_cap,
                         c->lo->noutline + 1, sizeof *c->lo->outline)) {
    free(title);
    return PB_ERR_NOMEM;
  }
  c->lo->outline[c->lo->noutline++] =
      (pb_outline_entry){.title = title, .level = level, .page = page, .y = y};
  return PB_OK;
}

/* A rectangle of a line (x along it, y across it, relative to the line's
 * start and its baseline or centre line) on the page. */
static pb_link_area pb_map_area(pb_link_area a, pb_len start, pb_len at,
                                bool vertical) {
  pb_link_area m = a;
  if (vertical) {
    m.x0 = at + a.y0;
    m.x1 = at + a.y1;
    m.y0 = start - a.x1;
    m.y1 = start - a.x0;
  } else {
    m.x0 = start + a.x0;
    m.x1 = start + a.x1;
    m.y0 = at + a.y0;
    m.y1 = at + a.y1;
  }
  return m;
}

/* Places galley line l on page pg, starting at start along its direction
 * and at "at" across it (a horizontal line's baseline y, or a column's
 * centre x), with its link areas and (a contents entry) its link to be
 * resolved.  start is the line's origin: the text block's left edge, or a
 * column's top; the line's own x is added. */
static pb_status pb_place_line_at(pb_builder *c, pb_page *pg, size_t l,
                                  pb_len start, pb_len at, bool vertical) {
  const pb_galley *g = c->gal;
  const pb_gline *gl = &g->lines[l];
  pb_len s0 = vertical ? start - gl->x : start + gl->x;
  uint32_t first = (uint32_t)pg->nglyphs;
  for (size_t q = gl->g0; q < gl->g1; q++) {
    pb_placed_glyph pgl = g->glyphs[q];
    pb_len along = pgl.x, across = pgl.y;
    pgl.x = vertical ? at + across : s0 + along;
    pgl.y = vertical ? s0 - along : at + across;
    if (!pb_page_add_glyph(pg, pgl)) return PB_ERR_NOMEM;
  }
  pb_placed_line pl = {.first_glyph = first,
                       .glyph_count = (uint32_t)(gl->g1 - gl->g0),
                       .x = vertical ? at : s0, .y = vertical ? s0 : at,
                       .width = gl->width, .natural = gl->natural,
                       .ratio = gl->ratio, .pos = gl->pos, .block = gl->block,
                       .kind = gl->kind, .last_of_block = gl->last,
                       .image = gl->image,
                       .height = gl->height};
  if (!pb_page_add_line(pg, pl)) return PB_ERR_NOMEM;
  if (gl->toc_target) {
    pb_link_area a = {.x0 = gl->x, .x1 = gl->x + gl->width,
                      .y0 = -gl->advance / 4, .y1 = gl->advance * 3 / 4};
    pb_toc_link t = {.page = (uint32_t)(c->lo->npages - 1),
                     .target = gl->toc_target - 1,
                     .area = pb_map_area(a, start, at, vertical)};
    if (!pb_grow((void **)&c->toc, &c->toc_cap, c->ntoc + 1, sizeof t))
      return PB_ERR_NOMEM;
    c->toc[c->ntoc++] = t;
  }
  for (size_t k = gl->a0; k < gl->a1; k++) {
    pb_link_area a = g->areas[k];
    a.x0 += gl->x;
    a.x1 += gl->x;
    if (!pb_page_add_link(pg, pb_map_area(a, start, at, vertical)))
      return PB_ERR_NOMEM;
  }
  return PB_OK;
}

/* A line of the text (flow or notes) at y: a baseline or a column. */
static pb_status pb_place_line(pb_builder *c, pb_page *pg, size_t l, pb_len y) {
  return pb_place_line_at(c, pg, l, c->fr->start, y, c->fr->vertical);
}

/* The folio at the foot of every page, composed of the galley's digit
 * lines and centred on the measure; in the ebook it links to the first
 * page (the title and contents). */
static pb_status pb_place_folio(pb_builder *c, pb_page *pg) {
  const pb_galley *g = c->gal;
  const pb_settings *s = c->s;
  char num[16];
  int n = snprintf(num, sizeof num, "%d", pg->folio);
  pb_len natural = 0;
  for (int k = 0; k < n; k++)
    if (g->digit[num[k] - '0'] != PB_NO_LINE)
      natural += g->lines[g->digit[num[k] - '0']].natural;
  pb_len y = c->fr->origin_y + s->margin_bottom / 2;
  pb_len x0 = c->fr->block_left + (s->block_w - natural) / 2, x = x0;
  pb_placed_line pl = {.first_glyph = (uint32_t)pg->nglyphs, .x = x0, .y = y,
                       .width = s->block_w, .natural = natural,
                       .block = UINT32_MAX, .kind = PB_LINE_FOLIO,
                       .last_of_block = true};
  for (int k = 0; k < n; k++) {
    size_t l = g->digit[num[k] - '0'];
    if (l == PB_NO_LINE) continue;
    for (size_t q = g->lines[l].g0; q < g->lines[l].g1; q++) {
      pb_placed_glyph pgl = g->glyphs[q];
      pgl.x += x;
      pgl.y += y;
      if (!pb_page_add_glyph(pg, pgl)) return PB_ERR_NOMEM;
    }
    x += g->lines[l].natural;
  }
  pl.glyph_count = (uint32_t)pg->nglyphs - pl.first_glyph;
  if (!pb_page_add_line(pg, pl)) return PB_ERR_NOMEM;
  if (s->folio_links && pg->folio > 1) {
    pb_len fsize = s->font_size * 9 / 10;
    pb_link_area a = {.x0 = x0 - fsize, .y0 = y - fsize / 2,
                      .x1 = x0 + natural + fsize, .y1 = y + fsize, .link = 0,
                      .dest_page = 0, .dest_y = c->fr->origin_y + s->paper_h};
    if (!pb_page_add_link(pg, a)) return PB_ERR_NOMEM;
  }
  return PB_OK;
}

/* Running head (print) from the second page on: the title on even pages,
 * the section (block) on odd ones.  Placed before the page's text so that
 * text extraction reads it first. */
static pb_status pb_place_head(pb_builder *c, pb_page *pg, uint32_t section) {
  const pb_settings *s = c->s;
  const pb_galley *g = c->gal;
  if (!s->running_heads || pg->folio <= 1) return PB_OK;
  size_t l = pg->folio % 2 == 0 || section == UINT32_MAX ? g->title_head
                                                          : g->block_head[section];
  if (l == PB_NO_LINE) return PB_OK;
  return pb_place_line_at(c, pg, l, c->fr->block_left,
                          c->fr->origin_y + s->paper_h - s->margin_top / 2,
                          false);
}

/* ---- footnotes ---- */

static pb_status pb_fnq_init(pb_builder *c) {
  const pb_galley *g = c->gal;
  pb_fnq *q = &c->fq;
  for (size_t l = g->nflow; l < g->nnotes; l++)
    if (g->lines[l].footnote > 0 && (size_t)g->lines[l].footnote >= q->max)
      q->max = (size_t)g->lines[l].footnote + 1;
  q->first = calloc(q->max + 1, sizeof *q->first);
  q->end = calloc(q->max + 1, sizeof *q->end);
  q->queued = calloc(q->max + 1, sizeof *q->queued);
  if (!q->first || !q->end || !q->queued) return PB_ERR_NOMEM;
  /* A note's lines are contiguous in the galley (its blocks are set one
   * after the other). */
  for (size_t l = g->nnotes; l-- > g->nflow;) {
    size_t n = (size_t)(g->lines[l].footnote > 0 ? g->lines[l].footnote : 0);
    if (!n) continue;
    if (!q->end[n]) q->end[n] = l + 1;
    q->first[n] = l;
  }
  return PB_OK;
}

static void pb_fnq_free(pb_fnq *q) {
  free(q->first);
  free(q->end);
  free(q->queued);
  free(q->lines);
}

/* Height the footnotes would need if line l joined the page: queued lines
 * plus the notes l cites for the first time (queued says which are
 * counted already).  With commit, they join the queue. */
static pb_status pb_fn_cite(const pb_galley *g, pb_fnq *q, const bool *queued,
                            size_t l, bool commit, int64_t *height) {
  const pb_gline *gl = &g->lines[l];
  int64_t h = q->height;
  for (size_t k = gl->f0; k < gl->f1; k++) {
    size_t n = g->cites[k];
    if (n >= q->max || queued[n]) continue;
    for (size_t t = q->first[n]; t < q->end[n]; t++) {
      h += g->lines[t].advance;
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
static pb_len pb_fn_room(const pb_builder *c, int64_t h) {
  if (h <= 0) return 0;
  if (h > c->text_height / 2) h = c->text_height / 2;
  return (pb_len)h + c->s->line_pitch;
}

/* Sets queued footnote lines at the foot of the page, within room (at
 * least one line), under a short rule. */
static pb_status pb_place_footnotes(pb_builder *c, pb_page *pg, pb_len room) {
  pb_fnq *q = &c->fq;
  const pb_galley *g = c->gal;
  if (q->head == q->len) return PB_OK;
  pb_len avail = room - c->s->line_pitch, used = 0;
  size_t m = q->head;
  while (m < q->len) {
    pb_len a = g->lines[q->lines[m]].advance;
    if (m > q->head && used + a > avail) break;
    used += a;
    m++;
  }
  pb_len y = c->fr->bottom + used;
  for (size_t t = q->head; t < m; t++) {
    const pb_gline *gl = &g->lines[q->lines[t]];
    y -= gl->advance;
    if (t == q->head) {
      /* A short rule between the text and the notes: above them, or in a
       * vertical page to their right, from the columns' top. */
      pb_len at = y + gl->advance + gl->advance * 3 / 10;
      pb_rule r = c->fr->vertical
                      ? (pb_rule){.x = at, .y = c->fr->start - c->s->measure / 4,
                                  .w = PB_PT(0.4), .h = c->s->measure / 4}
                      : (pb_rule){.x = c->fr->start, .y = at,
                                  .w = c->s->measure / 4, .h = PB_PT(0.4)};
      if (!pb_page_add_rule(pg, r)) return PB_ERR_NOMEM;
    }
    pb_status st = pb_place_line(c, pg, q->lines[t], y);
    if (st != PB_OK) return st;
    q->height -= gl->advance;
  }
  q->head = m;
  return PB_OK;
}

/* ---- page breaks ---- */

/* How many lines from i fit on a page with the notes they cite (notes are
 * only queued once the page end is known).  Returns the first line that
 * does not fit. */
static pb_status pb_page_fit(pb_builder *c, size_t i, size_t *end) {
  const pb_galley *g = c->gal;
  pb_fnq *q = &c->fq;
  bool *counted = malloc((q->max + 1) * sizeof *counted);
  if (!counted) return PB_ERR_NOMEM;
  memcpy(counted, q->queued, (q->max + 1) * sizeof *counted);
  pb_fnq probe = *q;
  pb_len top = c->fr->top, y = top;
  int64_t h = q->height;
  size_t j = i;
  while (j < g->nflow) {
    pb_len ny = j == i ? top : y - g->lines[j].advance - g->lines[j].space_before;
    int64_t nh = 0;
    probe.height = h;
    pb_fn_cite(g, &probe, counted, j, false, &nh);
    if (j > i && ny < c->fr->bottom + pb_fn_room(c, nh)) break;
    /* This line's notes are counted for the lines after it. */
    for (size_t k = g->lines[j].f0; k < g->lines[j].f1; k++)
      if (g->cites[k] < q->max) counted[g->cites[k]] = true;
    h = nh;
    y = ny;
    j++;
  }
  free(counted);
  *end = j;
  return PB_OK;
}

/* Where the page that starts at line i and could hold [i, j) ends: no
 * page ends with a paragraph's first line alone (orphan) or starts with
 * its last line alone (widow), and a heading is never the last line of a
 * page (clreq-digest §5). */
static size_t pb_page_end(const pb_galley *g, size_t i, size_t j) {
  if (j >= g->nflow) return j;
  size_t k = j;
  const pb_gline *L = g->lines;
  if (L[k].last && !L[k].first && k - 1 > i && L[k - 1].block == L[k].block)
    k--;
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

/* A heading placed at y on page: the section in force, its bookmark, and
 * where contents entries link. */
static pb_status pb_heading_placed(pb_builder *c, const pb_gline *gl,
                                   uint32_t page, pb_len y) {
  /* A link or bookmark shows the page from the heading's line down (a
   * vertical page from its top). */
  pb_len top = c->fr->vertical ? c->fr->origin_y + c->s->paper_h
                               : y + c->s->line_pitch;
  c->section = gl->block;
  c->heading_page[gl->block] = page;
  c->heading_y[gl->block] = top;
  int lv = gl->heading_level + (c->doc->meta.title ? 1 : 0);
  return pb_outline_add(c, pb_block_utf8(&c->doc->blocks[gl->block]),
                        lv > 6 ? 6 : lv, page, top);
}

/* One page with the flow lines [i, k): head, lines, notes, folio. */
static pb_status pb_fill_page(pb_builder *c, size_t i, size_t k) {
  const pb_galley *g = c->gal;
  pb_status st = PB_OK;
  for (size_t l = i; l < k && st == PB_OK; l++) {
    int64_t unused;
    st = pb_fn_cite(g, &c->fq, c->fq.queued, l, true, &unused);
  }
  pb_page *pg = st == PB_OK ? pb_layout_add_page(c->lo) : NULL;
  if (!pg) return PB_ERR_NOMEM;
  uint32_t page = (uint32_t)(c->lo->npages - 1);
  /* The running head names the first section that starts on the page,
   * else the one in force. */
  uint32_t head = c->section;
  for (size_t l = i; l < k; l++)
    if (g->lines[l].heading_level > 0 && g->lines[l].block != UINT32_MAX) {
      head = g->lines[l].block;
      break;
    }
  st = pb_place_head(c, pg, head);
  pb_len y = c->fr->top;
  for (size_t l = i; l < k && st == PB_OK; l++) {
    const pb_gline *gl = &g->lines[l];
    if (l > i) y -= gl->advance + gl->space_before;
    st = pb_place_line(c, pg, l, y);
    if (st == PB_OK && gl->heading_level > 0 && gl->block != UINT32_MAX)
      st = pb_heading_placed(c, gl, page, y);
  }
  if (st == PB_OK) st = pb_place_footnotes(c, pg, pb_fn_room(c, c->fq.height));
  if (st == PB_OK) st = pb_place_folio(c, pg);
  return st;
}

/* Contents entries link to the pages their headings landed on. */
static pb_status pb_resolve_contents(pb_builder *c) {
  for (size_t t = 0; t < c->ntoc; t++) {
    pb_toc_link *tl = &c->toc[t];
    if (c->heading_page[tl->target] == UINT32_MAX) continue;
    tl->area.dest_page = (int32_t)c->heading_page[tl->target];
    tl->area.dest_y = c->heading_y[tl->target];
    if (!pb_page_add_link(&c->lo->pages[tl->page], tl->area)) return PB_ERR_NOMEM;
  }
  return PB_OK;
}

static pb_status pb_build(pb_builder *c) {
  const pb_galley *g = c->gal;
  pb_status st = pb_fnq_init(c);
  if (st == PB_OK && c->doc->meta.title) {
    /* The document itself is the first bookmark; headings nest under it. */
    st = pb_outline_add(c, pb_strdup(c->doc->meta.title), 1, 0,
                        c->fr->origin_y + c->s->paper_h);
  }
  size_t i = 0;
  while (st == PB_OK) {
    size_t j = i;
    st = pb_page_fit(c, i, &j);
    if (st != PB_OK) break;
    size_t k = pb_page_end(g, i, j);
    st = pb_fill_page(c, i, k);
    i = k;
    if (i >= g->nflow) break;
  }
  /* Notes still queued after the last line continue on pages of their own. */
  while (st == PB_OK && c->fq.head < c->fq.len) {
    pb_page *pg = pb_layout_add_page(c->lo);
    if (!pg) return PB_ERR_NOMEM;
    st = pb_place_head(c, pg, c->section);
    if (st == PB_OK) st = pb_place_footnotes(c, pg, (pb_len)c->text_height);
    if (st == PB_OK) st = pb_place_folio(c, pg);
  }
  if (st == PB_OK) st = pb_resolve_contents(c);
  return st;
}

pb_status pb_pages_build(const pb_doc *doc, const pb_settings *s,
                         const pb_galley *gal, const pb_page_frame *frame,
                         pb_layout *lo, pb_diags *diags) {
  pb_builder c = {.doc = doc, .s = s, .gal = gal, .fr = frame, .lo = lo,
                  .section = UINT32_MAX,
                  .text_height = frame->top - frame->bottom};
  size_t nb = doc->nblocks ? doc->nblocks : 1;
  pb_status st = PB_ERR_NOMEM;
  c.heading_page = malloc(nb * sizeof *c.heading_page);
  c.heading_y = calloc(nb, sizeof *c.heading_y);
  if (c.heading_page && c.heading_y) {
    for (size_t b = 0; b < nb; b++) c.heading_page[b] = UINT32_MAX;
    st = pb_build(&c);
  }
  if (st == PB_ERR_NOMEM)
    pb_diag_add(diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
  pb_fnq_free(&c.fq);
  free(c.toc);
  free(c.heading_page);
  free(c.heading_y);
  return st;
}
