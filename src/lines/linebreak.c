/* paiban — Knuth–Plass total-fit line breaking (see linebreak.h).
 *
 * This follows TeX: The Program, part 38 "Breaking paragraphs into lines"
 * (§813–890), with its data structures simplified:
 *   - TeX's delta nodes are replaced by prefix sums: every breakpoint node
 *     remembers the sums of width/stretch/shrink of all items before the
 *     first item of the line that follows it (after the discardable items),
 *     and the scan keeps the sums before the current item.  A line's sums
 *     are one subtraction.
 *   - TeX's passive nodes live in one growable array (c->nodes) that is
 *     reset between passes and freed at the end; the active list is an
 *     array of indices into it, kept in TeX's order (creation order).
 *   - Line-number classes (§835): only the first line may have its own
 *     width, and TeX's easy_line rule merges that class with the rest, so
 *     one class suffices (best node per fitness class and breakpoint).
 */
#include "paiban/linebreak.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LB_AWFUL_BAD INT64_MAX /* §833 awful_bad: "no feasible break yet" */
#define LB_NONE SIZE_MAX

/* Fitness classes (header numbering; TeX §817 numbers them the other way
 * round, very_loose_fit = 0 ... tight_fit = 3). */
enum { LB_TIGHT = 0, LB_DECENT = 1, LB_LOOSE = 2, LB_VERY_LOOSE = 3 };

/* ---- items -------------------------------------------------------------- */

void pb_items_init(pb_items *it) {
  it->v = NULL;
  it->len = 0;
  it->cap = 0;
}

void pb_items_free(pb_items *it) {
  free(it->v);
  pb_items_init(it);
}

bool pb_items_push(pb_items *it, pb_item item) {
  if (it->len == it->cap) {
    size_t ncap = it->cap ? it->cap * 2 : 64;
    if (ncap < it->cap || ncap > SIZE_MAX / sizeof *it->v) return false;
    pb_item *nv = realloc(it->v, ncap * sizeof *nv);
    if (!nv) return false;
    it->v = nv;
    it->cap = ncap;
  }
  it->v[it->len++] = item;
  return true;
}

bool pb_items_box(pb_items *it, pb_len width, uint32_t unit) {
  pb_item x = {.kind = PB_ITEM_BOX, .width = width, .unit = unit};
  return pb_items_push(it, x);
}

bool pb_items_glue(pb_items *it, pb_len width, pb_len stretch, pb_len shrink) {
  pb_item x = {.kind = PB_ITEM_GLUE, .width = width, .stretch = stretch,
               .shrink = shrink};
  return pb_items_push(it, x);
}

bool pb_items_penalty(pb_items *it, pb_len width, int32_t penalty,
                      bool flagged) {
  pb_item x = {.kind = PB_ITEM_PENALTY, .width = width, .penalty = penalty,
               .flagged = flagged};
  return pb_items_push(it, x);
}

void pb_breaks_free(pb_breaks *b) {
  free(b->v);
  b->v = NULL;
  b->len = 0;
  b->cap = 0;
  b->pass = 0;
}

pb_break_params pb_break_params_default(pb_len line_width) {
  pb_break_params p = {
      .line_width = line_width,
      .first_line_width = 0,
      .tolerance = 200,
      .pretolerance = 100,
      .line_penalty = 10,
      .hyphen_demerits = 10000,
      .final_hyphen_demerits = 5000,
      .adj_demerits = 10000,
      .emergency_stretch = line_width / 10,
      .looseness = 0,
  };
  return p;
}

/* ---- badness ------------------------------------------------------------ */

/* §108: badness(t, s) ~ 100 (t/s)^3, computed exactly as TeX does so that
 * results are reproducible; t and s are 64-bit here because line sums are. */
static int32_t lb_badness(int64_t t, int64_t s) {
  if (t < 0) t = -t;
  if (t == 0) return 0;
  if (s <= 0) return PB_INF;
  int64_t r; /* approximately 297 t / s, as 297^3 ~ 100 * 2^18 */
  if (t <= 7230584)
    r = t * 297 / s;
  else if (s >= 1663497)
    r = t / (s / 297);
  else
    r = t;
  if (r > 1290) return PB_INF; /* 1290^3 < 2^31 < 1291^3 */
  return (int32_t)((r * r * r + 0400000) / 01000000);
}

int32_t pb_badness(pb_len excess, pb_len capacity) {
  return lb_badness(excess, capacity);
}

/* §851–853: badness and fitness class of a line with the given shortfall
 * (measure minus natural width).  Overfull lines get PB_INF + 1. */
static void lb_line_badness(int64_t shortfall, int64_t stretch,
                            int64_t shrink, int32_t *b, int *fit) {
  if (shortfall > 0) { /* §852 */
    *b = lb_badness(shortfall, stretch);
    *fit = *b > 99 ? LB_VERY_LOOSE : *b > 12 ? LB_LOOSE : LB_DECENT;
  } else { /* §853 */
    *b = -shortfall > shrink ? PB_INF + 1 : lb_badness(-shortfall, shrink);
    *fit = *b > 12 ? LB_TIGHT : LB_DECENT;
  }
}

/* ---- the breaker -------------------------------------------------------- */

/* A breakpoint record (TeX's passive node plus the fields of its active
 * node).  The paragraph start has pos == LB_NONE. */
typedef struct lb_node {
  size_t pos;   /* item index of the break */
  size_t prev;  /* node of the previous break (LB_NONE at the start) */
  size_t start; /* first item of the next line, after the discardables */
  int64_t sw, sy, sz; /* sums of width/stretch/shrink of items [0, start) */
  int64_t ew, ey, ez; /* sums of items [0, pos): end of the line ending here */
  int64_t demerits;   /* total demerits up to here */
  size_t line;        /* number of the line that begins here (1-based) */
  int fitness;        /* of the line that ends here */
  bool flagged;       /* break at a flagged penalty (TeX: hyphenated) */
} lb_node;

typedef struct lb_ctx {
  const pb_item *it;
  size_t n;
  const pb_break_params *p;
  int64_t width1, width; /* first line, other lines */

  lb_node *nodes;
  size_t nlen, ncap;
  size_t *act; /* the active list: indices into nodes */
  size_t alen, acap;

  /* per pass */
  int32_t threshold;
  bool allow_flagged;
  bool final_pass;
  int64_t es;           /* emergency stretch added to every line */
  int64_t cw, cy, cz;   /* sums of items [0, current item) */
  size_t cache_start;   /* lb_break_start's last result ... */
  int64_t cache_w, cache_y, cache_z;
} lb_ctx;

/* Capacity for need elements (doubling), or 0 on overflow. */
static size_t lb_new_cap(size_t cap, size_t need, size_t elem) {
  size_t ncap = cap ? cap : 64;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) return 0;
    ncap *= 2;
  }
  return ncap > SIZE_MAX / elem ? 0 : ncap;
}

static bool lb_push_node(lb_ctx *c, const lb_node *nd) {
  if (c->nlen == c->ncap) {
    size_t ncap = lb_new_cap(c->ncap, c->nlen + 1, sizeof *c->nodes);
    lb_node *nv = ncap ? realloc(c->nodes, ncap * sizeof *nv) : NULL;
    if (!nv) return false;
    c->nodes = nv;
    c->ncap = ncap;
  }
  c->nodes[c->nlen++] = *nd;
  return true;
}

static bool lb_push_active(lb_ctx *c, size_t node) {
  if (c->alen == c->acap) {
    size_t ncap = lb_new_cap(c->acap, c->alen + 1, sizeof *c->act);
    size_t *nv = ncap ? realloc(c->act, ncap * sizeof *nv) : NULL;
    if (!nv) return false;
    c->act = nv;
    c->acap = ncap;
  }
  c->act[c->alen++] = node;
  return true;
}

/* Width that a break at item i adds to the line ending there: a penalty's
 * width (e.g. a hyphen).  The last item is always a break; if it is a box
 * (a malformed list) the box stays in the line. */
static pb_len lb_break_extra(const pb_item *x) {
  return x->kind == PB_ITEM_GLUE ? 0 : x->width;
}

static void lb_add_item(const pb_item *x, int64_t *w, int64_t *y,
                        int64_t *z) {
  if (x->kind == PB_ITEM_PENALTY) return; /* width only counts at a break */
  *w += x->width;
  if (x->kind == PB_ITEM_GLUE) {
    *y += x->stretch;
    *z += x->shrink;
  }
}

/* §837: where the line after a break at pos begins.  The break item and
 * the glue and penalties after it are discarded up to the next box or
 * forced break (the last item always counts as one).  Runs of discardable
 * items are scanned once: every break inside a run has the same answer. */
static void lb_break_start(lb_ctx *c, size_t pos, lb_node *nd) {
  if (pos >= c->cache_start) {
    int64_t w = c->cw, y = c->cy, z = c->cz;
    lb_add_item(&c->it[pos], &w, &y, &z);
    size_t j = pos + 1;
    while (j + 1 < c->n) {
      const pb_item *x = &c->it[j];
      if (x->kind == PB_ITEM_BOX) break;
      if (x->kind == PB_ITEM_PENALTY && x->penalty <= -PB_INF) break;
      lb_add_item(x, &w, &y, &z);
      j++;
    }
    c->cache_start = j;
    c->cache_w = w;
    c->cache_y = y;
    c->cache_z = z;
  }
  nd->start = c->cache_start;
  nd->sw = c->cache_w;
  nd->sy = c->cache_y;
  nd->sz = c->cache_z;
}

/* §859: demerits of a line from r ending at a break with badness b,
 * penalty pi and fitness class fit. */
static int64_t lb_demerits(const lb_ctx *c, const lb_node *r, int32_t b,
                           int32_t pi, bool forced, bool flagged,
                           bool final_item, int fit) {
  const pb_break_params *p = c->p;
  int64_t d = (int64_t)p->line_penalty + b;
  if (d >= 10000 || d <= -10000)
    d = 100000000;
  else
    d = d * d;
  if (!forced && pi != 0) {
    if (pi > 0)
      d += (int64_t)pi * pi;
    else
      d -= (int64_t)pi * pi;
  }
  /* TeX tries the paragraph's final break as a hyphenated one (§873), so a
   * flagged break before the last line costs final_hyphen_demerits. */
  if (r->flagged && (flagged || final_item))
    d += final_item ? p->final_hyphen_demerits : p->hyphen_demerits;
  if (abs(fit - r->fitness) > 1) d += p->adj_demerits;
  return d;
}

/* §829 try_break: considers every active node as the start of a line ending
 * at item pos, deactivates the nodes that can no longer start a line that
 * reaches beyond pos, and records the best new breaks at pos. */
static pb_status lb_try_break(lb_ctx *c, size_t pos, int32_t pi, pb_len pw,
                              bool flagged, bool forced, bool final_item) {
  int64_t minimal[4] = {LB_AWFUL_BAD, LB_AWFUL_BAD, LB_AWFUL_BAD,
                        LB_AWFUL_BAD}; /* §833 minimal_demerits */
  size_t best[4] = {LB_NONE, LB_NONE, LB_NONE, LB_NONE}; /* best_place */
  int64_t minimum = LB_AWFUL_BAD;                         /* minimum_demerits */
  size_t count = c->alen, keep = 0;

  for (size_t i = 0; i < count; i++) {
    size_t ri = c->act[i];
    const lb_node *r = &c->nodes[ri];
    int64_t w = 0, y = 0, z = 0;
    if (r->start <= pos) { /* else: only discardables since r */
      w = c->cw - r->sw;
      y = c->cy - r->sy;
      z = c->cz - r->sz;
    }
    int64_t measure = r->line == 1 ? c->width1 : c->width; /* §850 */
    int32_t b;
    int fit;
    lb_line_badness(measure - (w + pw), y + c->es + c->p->right_stretch, z, &b,
                    &fit);
    bool feasible = b <= c->threshold; /* threshold <= PB_INF < overfull */
    /* §851/§854: r is deactivated at a forced break or when its line is
     * overfull.  Unlike TeX, the width of the penalty at pos does not count
     * here: with non-negative widths a line that is overfull without it
     * stays overfull at every later break, so deactivation loses nothing. */
    bool deactivate = forced || w - z > measure;
    bool artificial = false;
    if (!deactivate) c->act[keep++] = ri;
    if (!feasible) {
      /* §854: on the final pass the last active node is not dropped
       * without a successor: it gets an artificial break here (demerits 0
       * for this line), so the paragraph always has a way through. */
      if (!deactivate || !c->final_pass || minimum != LB_AWFUL_BAD ||
          keep != 0 || i + 1 != count)
        continue;
      artificial = true;
    }
    /* §855: record a new feasible break. */
    int64_t d = artificial ? 0
                           : lb_demerits(c, r, b, pi, forced, flagged,
                                         final_item, fit);
    d += r->demerits;
    if (d <= minimal[fit]) {
      minimal[fit] = d;
      best[fit] = ri;
      if (d < minimum) minimum = d;
    }
  }
  c->alen = keep;
  if (minimum == LB_AWFUL_BAD) return PB_OK;

  /* §836/§845: create new active nodes for the best breaks, but only for
   * fitness classes within adj_demerits of the best: any continuation of a
   * worse one costs at least as much as from the best (same position, same
   * break type) minus adj_demerits. */
  lb_node nd;
  memset(&nd, 0, sizeof nd);
  nd.pos = pos;
  nd.ew = c->cw;
  nd.ey = c->cy;
  nd.ez = c->cz;
  nd.flagged = flagged;
  lb_break_start(c, pos, &nd);
  int64_t adj = c->p->adj_demerits;
  if (adj < 0) adj = -adj;
  int64_t limit = minimum > LB_AWFUL_BAD - 1 - adj ? LB_AWFUL_BAD - 1
                                                   : minimum + adj;
  for (int f = LB_VERY_LOOSE; f >= LB_TIGHT; f--) { /* TeX's order */
    if (minimal[f] > limit) continue;
    nd.prev = best[f];
    nd.line = c->nodes[best[f]].line + 1;
    nd.fitness = f;
    nd.demerits = minimal[f];
    if (!lb_push_node(c, &nd) || !lb_push_active(c, c->nlen - 1))
      return PB_ERR_NOMEM;
  }
  return PB_OK;
}

/* §863: one pass over the paragraph.  *ok is false if the active list ran
 * empty (no feasible breaks at this threshold). */
static pb_status lb_pass(lb_ctx *c, int pass, bool *ok) {
  const pb_break_params *p = c->p;
  *ok = false;
  c->nlen = 0;
  c->alen = 0;
  c->cw = c->cy = c->cz = 0;
  c->cache_start = 0;
  c->allow_flagged = pass != 1;
  c->final_pass = pass == 3;
  c->es = 0;
  if (pass == 1) {
    c->threshold = p->pretolerance < PB_INF ? p->pretolerance : PB_INF;
  } else if (pass == 2) {
    c->threshold = p->tolerance < PB_INF ? p->tolerance : PB_INF;
  } else {
    /* Emergency pass: every line that is not overfull is feasible, and
     * emergency_stretch helps the badness of stretched lines (§863). */
    c->threshold = PB_INF;
    c->es = p->emergency_stretch > 0 ? p->emergency_stretch : 0;
  }

  /* §864: the active list starts with the paragraph's beginning. */
  lb_node start;
  memset(&start, 0, sizeof start);
  start.pos = LB_NONE;
  start.prev = LB_NONE;
  start.line = 1;
  start.fitness = LB_DECENT;
  if (!lb_push_node(c, &start) || !lb_push_active(c, 0)) return PB_ERR_NOMEM;

  for (size_t k = 0; k < c->n; k++) {
    const pb_item *x = &c->it[k];
    bool legal = false, forced = false, flagged = false;
    int32_t pi = 0;
    pb_len pw = 0;
    if (k + 1 == c->n) {
      /* The end of the paragraph (normally the final forced penalty). */
      legal = forced = true;
      pi = -PB_INF;
      pw = lb_break_extra(x);
    } else if (x->kind == PB_ITEM_GLUE) {
      /* §866: glue is a breakpoint if it follows a box.  The glue right
       * before the final penalty is \parfillskip, which TeX always
       * protects with \penalty10000 (§816); a break there would only add
       * an empty last line. */
      legal = k > 0 && c->it[k - 1].kind == PB_ITEM_BOX && k + 2 != c->n;
    } else if (x->kind == PB_ITEM_PENALTY && x->penalty < PB_INF) {
      forced = x->penalty <= -PB_INF;
      legal = forced || !x->flagged || c->allow_flagged;
      pi = forced ? -PB_INF : x->penalty;
      pw = x->width;
      flagged = x->flagged;
    }
    if (legal) {
      pb_status st = lb_try_break(c, k, pi, pw, flagged, forced, k + 1 == c->n);
      if (st != PB_OK) return st;
      if (c->alen == 0) return PB_OK; /* §863: no way through */
    }
    lb_add_item(x, &c->cw, &c->cy, &c->cz);
  }
  *ok = true;
  return PB_OK;
}

static pb_len lb_clamp_len(int64_t v) {
  if (v > INT32_MAX) return INT32_MAX;
  if (v < INT32_MIN) return INT32_MIN;
  return (pb_len)v;
}

/* §873/§877: picks the final active node with the fewest demerits and
 * writes the chain of breaks leading to it. */
static pb_status lb_output(lb_ctx *c, int pass, pb_breaks *out) {
  size_t best = c->act[0];
  for (size_t i = 1; i < c->alen; i++)
    if (c->nodes[c->act[i]].demerits < c->nodes[best].demerits)
      best = c->act[i];
  size_t lines = 0;
  for (size_t k = best; c->nodes[k].pos != LB_NONE; k = c->nodes[k].prev)
    lines++;
  pb_break *v = calloc(lines, sizeof *v);
  if (!v) return PB_ERR_NOMEM;
  size_t li = lines;
  for (size_t k = best; c->nodes[k].pos != LB_NONE; k = c->nodes[k].prev) {
    const lb_node *e = &c->nodes[k], *s = &c->nodes[e->prev];
    int64_t w = 0, y = 0, z = 0;
    if (s->start <= e->pos) {
      w = e->ew - s->sw;
      y = e->ey - s->sy;
      z = e->ez - s->sz;
    }
    w += lb_break_extra(&c->it[e->pos]);
    int64_t measure = s->line == 1 ? c->width1 : c->width;
    int64_t shortfall = measure - w;
    double r = 0.0;
    if (shortfall > 0)
      r = y > 0 ? (double)shortfall / (double)y : PB_RATIO_MAX;
    else if (shortfall < 0)
      r = z > 0 ? (double)shortfall / (double)z : -PB_RATIO_MAX;
    if (r > PB_RATIO_MAX) r = PB_RATIO_MAX;
    if (r < -PB_RATIO_MAX) r = -PB_RATIO_MAX;
    pb_break *bk = &v[--li];
    bk->index = e->pos;
    bk->ratio = r;
    bk->fitness = e->fitness;
    bk->natural = lb_clamp_len(w);
    bk->stretch = lb_clamp_len(y);
    bk->shrink = lb_clamp_len(z);
    bk->overfull = -shortfall > z;
    bk->underfull = shortfall > 0 && lb_badness(shortfall, y) > c->p->tolerance;
  }
  out->v = v;
  out->len = lines;
  out->cap = lines;
  out->pass = pass;
  return PB_OK;
}

pb_status pb_linebreak(const pb_items *items, const pb_break_params *params,
                       pb_breaks *out) {
  out->v = NULL;
  out->len = 0;
  out->cap = 0;
  out->pass = 0;
  if (items->len == 0) return PB_OK;

  lb_ctx c;
  memset(&c, 0, sizeof c);
  c.it = items->v;
  c.n = items->len;
  c.p = params;
  c.width = params->line_width;
  c.width1 = params->first_line_width ? params->first_line_width
                                      : params->line_width;

  pb_status st = PB_ERR_INTERNAL;
  for (int pass = 1; pass <= 3; pass++) { /* §863 */
    if (pass == 1 && params->pretolerance < 0) continue;
    bool ok;
    st = lb_pass(&c, pass, &ok);
    if (st != PB_OK) goto done;
    if (ok) {
      st = lb_output(&c, pass, out);
      goto done;
    }
    st = PB_ERR_INTERNAL; /* the emergency pass cannot fail */
  }
done:
  free(c.nodes);
  free(c.act);
  return st;
}
