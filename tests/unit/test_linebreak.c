/* Unit tests for the Knuth–Plass line breaker (src/linebreak.c).
 *
 * Besides hand-built cases, the breaker is compared with two independent
 * reference solvers written here from the rules in linebreak.h:
 *   - an exhaustive search over every subset of breakpoints (random
 *     paragraphs with at most 14 breakpoints);
 *   - a dynamic program over (breakpoint, fitness class) for longer ones.
 * Both minimise the total demerits over the break sequences whose lines are
 * all feasible on a pass; the breaker must reach the same minimum on the
 * same pass. */
#include "check.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "paiban/linebreak.h"

#define NONE SIZE_MAX
#define NO_SOLUTION INT64_MAX

/* ---- reference rules ---------------------------------------------------- */

/* Is item k a legal breakpoint (forced: must be taken)? */
static bool ref_legal(const pb_items *it, size_t k, bool allow_flagged,
                      bool *forced) {
  size_t n = it->len;
  const pb_item *x = &it->v[k];
  *forced = false;
  if (k + 1 == n) {
    *forced = true;
    return true;
  }
  if (x->kind == PB_ITEM_GLUE)
    return k > 0 && it->v[k - 1].kind == PB_ITEM_BOX && k + 2 != n;
  if (x->kind == PB_ITEM_PENALTY) {
    if (x->penalty >= PB_INF) return false;
    if (x->penalty <= -PB_INF) {
      *forced = true;
      return true;
    }
    return !x->flagged || allow_flagged;
  }
  return false;
}

/* First item of the line after a break at a (NONE: paragraph start). */
static size_t ref_start(const pb_items *it, size_t a) {
  if (a == NONE) return 0;
  size_t j = a + 1;
  while (j + 1 < it->len) {
    const pb_item *x = &it->v[j];
    if (x->kind == PB_ITEM_BOX) break;
    if (x->kind == PB_ITEM_PENALTY && x->penalty <= -PB_INF) break;
    j++;
  }
  return j;
}

typedef struct ref_line {
  int64_t natural, stretch, shrink;
  int32_t badness; /* PB_INF + 1 when overfull */
  int fitness;
  bool overfull;
  bool content_overfull; /* even without the width of the penalty at b */
  bool flagged; /* the break at the end is a flagged penalty */
} ref_line;

/* The line from break a (NONE = start) to break b. */
static ref_line ref_eval_line(const pb_items *it, const pb_break_params *p,
                              size_t a, size_t b, bool first, int64_t es) {
  ref_line l = {0};
  for (size_t j = ref_start(it, a); j < b; j++) {
    const pb_item *x = &it->v[j];
    if (x->kind == PB_ITEM_BOX) l.natural += x->width;
    if (x->kind == PB_ITEM_GLUE) {
      l.natural += x->width;
      l.stretch += x->stretch;
      l.shrink += x->shrink;
    }
  }
  const pb_item *e = &it->v[b];
  int64_t measure =
      first && p->first_line_width ? p->first_line_width : p->line_width;
  l.content_overfull = l.natural - l.shrink > measure;
  if (e->kind != PB_ITEM_GLUE) l.natural += e->width;
  l.flagged = e->kind == PB_ITEM_PENALTY && e->flagged && b + 1 != it->len;
  int64_t sf = measure - l.natural;
  if (sf > 0) {
    l.badness = pb_badness((pb_len)sf, (pb_len)(l.stretch + es));
    l.fitness = l.badness > 99 ? 3 : l.badness > 12 ? 2 : 1;
  } else if (-sf > l.shrink) {
    l.overfull = true;
    l.badness = PB_INF + 1;
    l.fitness = 0;
  } else {
    l.badness = pb_badness((pb_len)-sf, (pb_len)l.shrink);
    l.fitness = l.badness > 12 ? 0 : 1;
  }
  return l;
}

/* Demerits of line l ending at b, after a line of fitness pfit ending
 * flagged (pflag) or not. */
static int64_t ref_demerits(const pb_items *it, const pb_break_params *p,
                            const ref_line *l, size_t b, int pfit,
                            bool pflag) {
  const pb_item *e = &it->v[b];
  bool final = b + 1 == it->len;
  int64_t d = (int64_t)p->line_penalty + l->badness;
  d = (d >= 10000 || d <= -10000) ? 100000000 : d * d;
  if (!final && e->kind == PB_ITEM_PENALTY && e->penalty > -PB_INF) {
    int64_t pi = e->penalty;
    d += pi > 0 ? pi * pi : -pi * pi;
  }
  if (pflag && final) d += p->final_hyphen_demerits;
  if (pflag && !final && l->flagged) d += p->hyphen_demerits;
  if (abs(l->fitness - pfit) > 1) d += p->adj_demerits;
  return d;
}

/* Total demerits of a break sequence (last = final item), or NO_SOLUTION
 * if a line is infeasible at threshold. */
static int64_t ref_eval_seq(const pb_items *it, const pb_break_params *p,
                            const size_t *brk, size_t nb, int32_t threshold,
                            int64_t es) {
  size_t a = NONE;
  int pfit = 1;
  bool pflag = false;
  int64_t total = 0;
  for (size_t i = 0; i < nb; i++) {
    ref_line l = ref_eval_line(it, p, a, brk[i], i == 0, es);
    if (l.overfull || l.badness > threshold) return NO_SOLUTION;
    total += ref_demerits(it, p, &l, brk[i], pfit, pflag);
    a = brk[i];
    pfit = l.fitness;
    pflag = l.flagged;
  }
  return total;
}

/* Exhaustive search over all subsets of the legal breakpoints. */
static int64_t ref_exhaustive(const pb_items *it, const pb_break_params *p,
                              int32_t threshold, bool allow_flagged,
                              int64_t es) {
  size_t legal[32], m = 0, n = it->len;
  uint32_t forced_mask = 0;
  for (size_t k = 0; k + 1 < n; k++) {
    bool f;
    if (!ref_legal(it, k, allow_flagged, &f)) continue;
    if (f) forced_mask |= 1u << m;
    legal[m++] = k;
  }
  int64_t best = NO_SOLUTION;
  size_t brk[33];
  for (uint32_t mask = 0; mask < (1u << m); mask++) {
    if ((mask & forced_mask) != forced_mask) continue;
    size_t nb = 0;
    for (size_t i = 0; i < m; i++)
      if (mask & (1u << i)) brk[nb++] = legal[i];
    brk[nb++] = n - 1;
    int64_t d = ref_eval_seq(it, p, brk, nb, threshold, es);
    if (d < best) best = d;
  }
  return best;
}

/* Dynamic program over states (breakpoint, fitness of the line ending
 * there); the state fixes everything the next line's demerits depend on.
 * Optionally returns the optimal break sequence. */
static int64_t ref_dp(const pb_items *it, const pb_break_params *p,
                      int32_t threshold, bool allow_flagged, int64_t es,
                      size_t *brk_out, size_t *nb_out) {
  size_t n = it->len, m = 0;
  size_t *pos = malloc((n + 1) * sizeof *pos);
  bool *forced = malloc((n + 1) * sizeof *forced);
  int64_t(*dp)[4] = malloc((n + 1) * sizeof *dp);
  size_t(*from)[4] = malloc((n + 1) * sizeof *from);
  int(*from_fit)[4] = malloc((n + 1) * sizeof *from_fit);
  int64_t result = NO_SOLUTION;
  if (!pos || !forced || !dp || !from || !from_fit) goto done;
  pos[m] = NONE; /* state 0: the paragraph start */
  forced[m++] = false;
  for (size_t k = 0; k < n; k++) {
    bool f;
    if (ref_legal(it, k, allow_flagged, &f)) {
      pos[m] = k;
      forced[m++] = f;
    }
  }
  for (size_t i = 0; i < m; i++)
    for (int f = 0; f < 4; f++) dp[i][f] = NO_SOLUTION;
  dp[0][1] = 0; /* the start counts as a decent line */
  for (size_t j = 1; j < m; j++) {
    bool too_wide = false;
    for (size_t i = j; i-- > 0;) {
      if (too_wide && i > 0) {
        if (forced[i]) break;
        continue;
      }
      bool prev_flag = i > 0 && it->v[pos[i]].kind == PB_ITEM_PENALTY &&
                       it->v[pos[i]].flagged;
      ref_line l = ref_eval_line(it, p, pos[i], pos[j], i == 0, es);
      if (!l.overfull && l.badness <= threshold) {
        for (int f = 0; f < 4; f++) {
          if (dp[i][f] == NO_SOLUTION) continue;
          int64_t d = dp[i][f] + ref_demerits(it, p, &l, pos[j], f, prev_flag);
          if (d < dp[j][l.fitness]) {
            dp[j][l.fitness] = d;
            from[j][l.fitness] = i;
            from_fit[j][l.fitness] = f;
          }
        }
      }
      if (i > 0 && forced[i]) break; /* no line crosses a forced break */
      /* With non-negative widths and shrink <= width, a line that is too
       * wide without its final penalty only gets wider to the left (up to
       * the first line, which may have another measure). */
      if (l.content_overfull) too_wide = true;
    }
  }
  int bf = 0;
  for (int f = 0; f < 4; f++)
    if (dp[m - 1][f] < dp[m - 1][bf]) bf = f;
  result = dp[m - 1][bf];
  if (result != NO_SOLUTION && brk_out) {
    size_t nb = 0, j = m - 1;
    int f = bf;
    while (j != 0) {
      brk_out[nb++] = pos[j];
      size_t pj = from[j][f];
      f = from_fit[j][f];
      j = pj;
    }
    for (size_t a = 0, b = nb; a < b / 2; a++) { /* reverse */
      size_t t = brk_out[a];
      brk_out[a] = brk_out[b - 1 - a];
      brk_out[b - 1 - a] = t;
    }
    *nb_out = nb;
  }
done:
  free(pos);
  free(forced);
  free(dp);
  free(from);
  free(from_fit);
  return result;
}

/* ---- helpers -------------------------------------------------------------- */

static void parfill(pb_items *it) {
  pb_items_penalty(it, 0, PB_INF, false);
  pb_items_glue(it, 0, PB_PT(1000), 0);
  pb_items_penalty(it, 0, -PB_INF, false);
}

/* Checks what must hold for every result: breaks are legal, increasing,
 * end at the last item, and the reported sums match the reference. */
static bool result_sane(const pb_items *it, const pb_break_params *p,
                        const pb_breaks *b) {
  if (b->len == 0 || b->v[b->len - 1].index != it->len - 1) return false;
  if (b->pass < 1 || b->pass > 3) return false;
  size_t a = NONE;
  for (size_t i = 0; i < b->len; i++) {
    const pb_break *k = &b->v[i];
    bool f;
    if (a != NONE && k->index <= a) return false;
    if (!ref_legal(it, k->index, b->pass != 1, &f)) return false;
    ref_line l = ref_eval_line(it, p, a, k->index, i == 0, 0);
    if (k->natural != l.natural || k->stretch != l.stretch ||
        k->shrink != l.shrink || k->overfull != l.overfull)
      return false;
    if (!isfinite(k->ratio) || fabs(k->ratio) > PB_RATIO_MAX) return false;
    if (l.overfull && !(k->ratio < -1)) return false;
    if (k->fitness < 0 || k->fitness > 3) return false;
    a = k->index;
  }
  return true;
}

static int64_t result_demerits(const pb_items *it, const pb_break_params *p,
                               const pb_breaks *b, int32_t threshold,
                               int64_t es) {
  size_t brk[4096];
  if (b->len > 4096) return NO_SOLUTION;
  for (size_t i = 0; i < b->len; i++) brk[i] = b->v[i].index;
  return ref_eval_seq(it, p, brk, b->len, threshold, es);
}

/* Threshold and emergency stretch of a pass. */
static void pass_setup(const pb_break_params *p, int pass, int32_t *thr,
                       int64_t *es) {
  *es = 0;
  if (pass == 1)
    *thr = p->pretolerance < PB_INF ? p->pretolerance : PB_INF;
  else if (pass == 2)
    *thr = p->tolerance < PB_INF ? p->tolerance : PB_INF;
  else {
    *thr = PB_INF;
    *es = p->emergency_stretch > 0 ? p->emergency_stretch : 0;
  }
}

typedef int64_t (*ref_solver)(const pb_items *, const pb_break_params *,
                              int32_t, bool, int64_t);

static int64_t dp_solver(const pb_items *it, const pb_break_params *p,
                         int32_t thr, bool allow_flagged, int64_t es) {
  return ref_dp(it, p, thr, allow_flagged, es, NULL, NULL);
}

/* Compares pb_linebreak with a reference solver; returns true if they
 * agree on the pass and on the optimal demerits. */
static bool agrees(const pb_items *it, const pb_break_params *p,
                   ref_solver solve) {
  pb_breaks b;
  if (pb_linebreak(it, p, &b) != PB_OK) return false;
  bool ok = result_sane(it, p, &b);
  int expect_pass = 3;
  int64_t best = NO_SOLUTION;
  for (int pass = p->pretolerance < 0 ? 2 : 1; pass <= 3; pass++) {
    int32_t thr;
    int64_t es;
    pass_setup(p, pass, &thr, &es);
    best = solve(it, p, thr, pass != 1, es);
    if (best != NO_SOLUTION) {
      expect_pass = pass;
      break;
    }
  }
  if (b.pass != expect_pass) ok = false;
  if (ok && best != NO_SOLUTION) {
    int32_t thr;
    int64_t es;
    pass_setup(p, b.pass, &thr, &es);
    if (result_demerits(it, p, &b, thr, es) != best) ok = false;
  } else if (ok) {
    /* No way without overfull lines: there must be one. */
    bool any = false;
    for (size_t i = 0; i < b.len; i++) any = any || b.v[i].overfull;
    if (!any) ok = false;
  }
  pb_breaks_free(&b);
  return ok;
}

/* ---- random paragraphs ---------------------------------------------------- */

static uint32_t rng = 2463534242u;

static uint32_t rnd(void) { /* xorshift32 */
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static int rr(int lo, int hi) { return lo + (int)(rnd() % (uint32_t)(hi - lo + 1)); }

/* Words of 1–3 syllables (boxes, flagged hyphen penalties between), glue
 * between words, sometimes a penalty, a tie or a forced line end. */
static void gen_paragraph(pb_items *it, int words) {
  it->len = 0;
  for (int w = 0; w < words; w++) {
    if (w > 0) {
      int kind = rr(0, 19);
      if (kind == 0) {
        parfill(it); /* forced line end, as by \par-like \\ */
      } else {
        if (kind == 1) pb_items_penalty(it, 0, PB_INF, false); /* tie */
        int gw = rr(2, 6);
        pb_items_glue(it, PB_PT(gw), PB_PT(rr(0, 3)), PB_PT(rr(0, gw)) / 2);
        if (kind == 2) pb_items_penalty(it, 0, rr(-400, 400), false);
      }
    }
    int syl = rr(1, 3);
    for (int s = 0; s < syl; s++) {
      if (s > 0) pb_items_penalty(it, PB_PT(rr(0, 4)), rr(0, 1) ? 50 : rr(0, 300), true);
      pb_items_box(it, PB_PT(rr(6, 45)), 0);
    }
  }
  parfill(it);
}

static size_t count_legal(const pb_items *it) {
  size_t m = 0;
  for (size_t k = 0; k + 1 < it->len; k++) {
    bool f;
    if (ref_legal(it, k, true, &f)) m++;
  }
  return m;
}

static pb_break_params random_params(void) {
  pb_len lw = PB_PT(rr(40, 170));
  pb_break_params p = pb_break_params_default(lw);
  if (rr(0, 2) == 0) p.first_line_width = PB_PT(rr(30, 170));
  static const int32_t pretol[] = {-1, 100, 100, 30};
  static const int32_t tol[] = {200, 200, 1000, 50};
  static const int32_t lpen[] = {10, 10, 0, 50};
  static const int32_t hyph[] = {10000, 0, 3000};
  static const int32_t fhyph[] = {5000, 0};
  static const int32_t adj[] = {10000, 10000, 0, 2000};
  p.pretolerance = pretol[rr(0, 3)];
  p.tolerance = tol[rr(0, 3)];
  p.line_penalty = lpen[rr(0, 3)];
  p.hyphen_demerits = hyph[rr(0, 2)];
  p.final_hyphen_demerits = fhyph[rr(0, 1)];
  p.adj_demerits = adj[rr(0, 3)];
  int e = rr(0, 2);
  p.emergency_stretch = e == 0 ? 0 : e == 1 ? lw / 10 : lw / 3;
  return p;
}

static void test_random_exhaustive(void) {
  pb_items it;
  pb_items_init(&it);
  int bad = 0, cases = 0, passes[4] = {0};
  for (int t = 0; t < 2500; t++) {
    do gen_paragraph(&it, rr(1, 9));
    while (count_legal(&it) > 14);
    pb_break_params p = random_params();
    if (!agrees(&it, &p, ref_exhaustive)) {
      if (!bad) fprintf(stderr, "exhaustive: first mismatch in case %d\n", t);
      bad++;
    }
    pb_breaks b;
    if (pb_linebreak(&it, &p, &b) == PB_OK) passes[b.pass]++;
    pb_breaks_free(&b);
    cases++;
  }
  CHECK_EQ_INT(bad, 0);
  CHECK_EQ_INT(cases, 2500);
  /* The generator must exercise every pass. */
  CHECK(passes[1] > 100 && passes[2] > 100 && passes[3] > 100);
  pb_items_free(&it);
}

static void test_random_dp(void) {
  pb_items it;
  pb_items_init(&it);
  int bad = 0;
  for (int t = 0; t < 300; t++) {
    gen_paragraph(&it, rr(10, 60));
    pb_break_params p = random_params();
    p.line_width += PB_PT(100); /* several words per line */
    if (p.first_line_width) p.first_line_width += PB_PT(100);
    if (!agrees(&it, &p, dp_solver)) {
      if (!bad) fprintf(stderr, "dp: first mismatch in case %d\n", t);
      bad++;
    }
  }
  CHECK_EQ_INT(bad, 0);
  pb_items_free(&it);
}

/* The DP itself against the exhaustive search. */
static void test_reference_solvers_agree(void) {
  pb_items it;
  pb_items_init(&it);
  int bad = 0;
  for (int t = 0; t < 500; t++) {
    do gen_paragraph(&it, rr(1, 9));
    while (count_legal(&it) > 12);
    pb_break_params p = random_params();
    for (int thr = 0; thr <= PB_INF; thr += PB_INF / 4) {
      if (ref_exhaustive(&it, &p, thr, true, 0) !=
          ref_dp(&it, &p, thr, true, 0, NULL, NULL))
        bad++;
    }
  }
  CHECK_EQ_INT(bad, 0);
  pb_items_free(&it);
}

/* ---- hand-built cases ------------------------------------------------------ */

static void test_badness(void) {
  pb_len s = PB_PT(10);
  CHECK_EQ_INT(pb_badness(0, s), 0);
  CHECK_EQ_INT(pb_badness(0, 0), 0);
  CHECK_EQ_INT(pb_badness(PB_PT(1), 0), PB_INF);
  CHECK_EQ_INT(pb_badness(s, s), 100);
  CHECK_EQ_INT(pb_badness(2 * s, s), 800);
  CHECK_EQ_INT(pb_badness(s / 2, s), 12); /* TeX rounds 12.5 down here */
  CHECK_EQ_INT(pb_badness(3 * s, s), 2698); /* TeX: 891^3 / 2^18 */
  CHECK_EQ_INT(pb_badness(5 * s, s), PB_INF);
  CHECK_EQ_INT(pb_badness(-s, s), 100);
  CHECK_EQ_INT(pb_badness(PB_PT(20), PB_PT(25)), 51);
}

static void test_defaults_and_items(void) {
  pb_break_params p = pb_break_params_default(PB_PT(300));
  CHECK_EQ_INT(p.line_width, PB_PT(300));
  CHECK_EQ_INT(p.first_line_width, 0);
  CHECK_EQ_INT(p.tolerance, 200);
  CHECK_EQ_INT(p.pretolerance, 100);
  CHECK_EQ_INT(p.line_penalty, 10);
  CHECK_EQ_INT(p.hyphen_demerits, 10000);
  CHECK_EQ_INT(p.final_hyphen_demerits, 5000);
  CHECK_EQ_INT(p.adj_demerits, 10000);
  CHECK_EQ_INT(p.emergency_stretch, PB_PT(30));
  CHECK_EQ_INT(p.looseness, 0);

  pb_items it;
  pb_items_init(&it);
  CHECK(it.len == 0 && it.v == NULL);
  for (int i = 0; i < 1000; i++) CHECK(pb_items_box(&it, i, (uint32_t)i * 2));
  CHECK(pb_items_glue(&it, 1, 2, 3));
  CHECK(pb_items_penalty(&it, 4, -5, true));
  CHECK_EQ_INT(it.len, 1002);
  CHECK(it.v[999].kind == PB_ITEM_BOX && it.v[999].width == 999 &&
        it.v[999].unit == 1998);
  CHECK(it.v[1000].kind == PB_ITEM_GLUE && it.v[1000].width == 1 &&
        it.v[1000].stretch == 2 && it.v[1000].shrink == 3);
  CHECK(it.v[1001].kind == PB_ITEM_PENALTY && it.v[1001].width == 4 &&
        it.v[1001].penalty == -5 && it.v[1001].flagged);
  pb_items_free(&it);
  CHECK(it.len == 0 && it.v == NULL);
}

/* Approximate cmr10 widths (pt) of the characters of the classic text. */
static double char_width(char ch) {
  switch (ch) {
  case 'i': case 'l': case 'j': case '\'': case ',': case '.': case ';':
    return 2.78;
  case 'f': case 't': case 'r': return 3.9;
  case 's': return 3.94;
  case 'm': return 8.33;
  case 'w': return 7.22;
  case 'C': case 'I': return 7.22;
  case '-': return 3.33;
  default: return 5.28;
  }
}

/* The Frog King paragraph of Knuth & Plass (1981), words as boxes, cmr10
 * interword glue, extra stretch after punctuation, "lime-tree" broken only
 * after its explicit hyphen (flagged). */
static const char *const frog_king =
    "In olden times when wishing still helped one, there lived a king whose "
    "daughters were all beautiful; and the youngest was so beautiful that "
    "the sun itself, which has seen so much, was astonished whenever it "
    "shone in her face. Close by the king's castle lay a great dark forest, "
    "and under an old lime-tree in the forest was a well, and when the day "
    "was very warm, the king's child went out into the forest and sat down "
    "by the side of the cool fountain; and when she was bored she took a "
    "golden ball, and threw it up on high and caught it; and this ball was "
    "her favorite plaything.";

static void build_frog_king(pb_items *it) {
  it->len = 0;
  pb_items_box(it, PB_PT(15), 0); /* paragraph indent */
  const char *s = frog_king;
  double w = 0;
  char last = 0;
  for (;; s++) {
    if (*s == ' ' || *s == '\0') {
      pb_items_box(it, PB_PT(w), 0);
      w = 0;
      if (*s == '\0') break;
      bool punct = last == ',' || last == ';' || last == '.';
      pb_items_glue(it, PB_PT(3.33), PB_PT(punct ? 3.33 : 1.67),
                    PB_PT(1.11));
    } else {
      w += char_width(*s);
      if (*s == '-') {
        pb_items_box(it, PB_PT(w), 0);
        pb_items_penalty(it, 0, 50, true);
        w = 0;
      }
    }
    last = *s;
  }
  parfill(it);
}

static void test_classic(void) {
  pb_items it;
  pb_items_init(&it);
  build_frog_king(&it);
  /* Without hyphenation the narrow measures need the emergency pass. */
  static const int widths[] = {500, 390, 300, 250, 190, 150, 120};
  static const int passes[] = {1, 1, 2, 2, 2, 3, 3};
  for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++) {
    pb_break_params p = pb_break_params_default(PB_PT(widths[wi]));
    pb_breaks b;
    CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
    CHECK(result_sane(&it, &p, &b));
    CHECK(agrees(&it, &p, dp_solver));
    CHECK_EQ_INT(b.pass, passes[wi]);
    int32_t thr;
    int64_t es;
    pass_setup(&p, b.pass, &thr, &es);
    size_t expect[256], ne = 0;
    int64_t best = ref_dp(&it, &p, thr, b.pass != 1, es, expect, &ne);
    CHECK(best != NO_SOLUTION);
    CHECK_EQ_INT(result_demerits(&it, &p, &b, thr, es), best);
    /* The optimum is unique here: the very same breaks. */
    CHECK_EQ_INT(b.len, ne);
    bool same = b.len == ne;
    for (size_t i = 0; same && i < ne; i++) same = b.v[i].index == expect[i];
    CHECK(same);
    for (size_t i = 0; i < b.len; i++) {
      CHECK(!b.v[i].overfull);
      if (b.pass < 3) CHECK(!b.v[i].underfull);
      if (b.pass < 3) CHECK(b.v[i].ratio >= -1 && b.v[i].ratio <= 2);
    }
    if (widths[wi] == 390) CHECK_EQ_INT(b.len, 7);
    pb_breaks_free(&b);
  }
  pb_items_free(&it);
}

/* 40 boxes of 10 pt, glue (0, +1 pt, -0) between, measure 100 pt. */
static void build_cjk(pb_items *it, size_t nbox) {
  it->len = 0;
  for (size_t i = 0; i < nbox; i++) {
    if (i > 0) pb_items_glue(it, 0, PB_PT(1), 0);
    pb_items_box(it, PB_PT(10), (uint32_t)i);
  }
  parfill(it);
}

static void test_cjk(void) {
  pb_items it;
  pb_items_init(&it);
  build_cjk(&it, 40);
  CHECK_EQ_INT(it.len, 82);
  pb_break_params p = pb_break_params_default(PB_PT(100));
  pb_breaks b;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 1);
  CHECK_EQ_INT(b.len, 4);
  if (b.len == 4) {
    CHECK_EQ_INT(b.v[0].index, 19); /* the glue after box 9 */
    CHECK_EQ_INT(b.v[1].index, 39);
    CHECK_EQ_INT(b.v[2].index, 59);
    CHECK_EQ_INT(b.v[3].index, 81);
    for (size_t i = 0; i < 4; i++) {
      CHECK(b.v[i].ratio == 0.0);
      CHECK_EQ_INT(b.v[i].natural, PB_PT(100));
      CHECK_EQ_INT(b.v[i].fitness, 1);
      CHECK(!b.v[i].overfull && !b.v[i].underfull);
    }
    CHECK_EQ_INT(b.v[0].stretch, PB_PT(9));
    CHECK_EQ_INT(b.v[0].shrink, 0);
  }
  pb_breaks_free(&b);

  /* A shorter first line: 5 characters, then 10 per line. */
  p.first_line_width = PB_PT(50);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.len, 5);
  if (b.len == 5) {
    CHECK_EQ_INT(b.v[0].index, 9);
    CHECK_EQ_INT(b.v[1].index, 29);
    CHECK_EQ_INT(b.v[0].natural, PB_PT(50));
    CHECK_EQ_INT(b.v[4].natural, PB_PT(50));
  }
  pb_breaks_free(&b);
  pb_items_free(&it);
}

static void test_infinite_penalty(void) {
  pb_items it;
  pb_items_init(&it);
  /* The CJK paragraph with a tie (penalty 10000) before every 10th glue. */
  for (size_t i = 0; i < 40; i++) {
    if (i > 0) {
      if (i % 10 == 0) pb_items_penalty(&it, 0, PB_INF, false);
      pb_items_glue(&it, 0, PB_PT(1), 0);
    }
    pb_items_box(&it, PB_PT(10), 0);
  }
  parfill(&it);
  pb_break_params p = pb_break_params_default(PB_PT(100));
  pb_breaks b;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK(result_sane(&it, &p, &b));
  for (size_t i = 0; i + 1 < b.len; i++) {
    size_t k = b.v[i].index;
    CHECK(it.v[k].kind == PB_ITEM_GLUE);
    CHECK(it.v[k - 1].kind == PB_ITEM_BOX);
  }
  CHECK_EQ_INT(b.v[0].natural, PB_PT(90)); /* 9 boxes: 10 can't end here */
  CHECK(b.pass >= 2); /* lines of 9 have badness 195 > pretolerance */
  pb_breaks_free(&b);
  CHECK(agrees(&it, &p, dp_solver));
  pb_items_free(&it);
}

static void test_forced_break(void) {
  pb_items it;
  pb_items_init(&it);
  pb_items_box(&it, PB_PT(30), 0);       /* 0 */
  pb_items_glue(&it, PB_PT(5), PB_PT(2), PB_PT(1));
  pb_items_box(&it, PB_PT(30), 0);       /* 2 */
  parfill(&it);                          /* 3 4 5: forced at 5 */
  pb_items_box(&it, PB_PT(30), 0);       /* 6 */
  pb_items_glue(&it, PB_PT(5), PB_PT(2), PB_PT(1));
  pb_items_box(&it, PB_PT(30), 0);       /* 8 */
  parfill(&it);                          /* 9 10 11 */
  pb_break_params p = pb_break_params_default(PB_PT(100));
  pb_breaks b;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 1);
  CHECK_EQ_INT(b.len, 2);
  if (b.len == 2) {
    CHECK_EQ_INT(b.v[0].index, 5);
    CHECK_EQ_INT(b.v[1].index, 11);
    CHECK_EQ_INT(b.v[0].natural, PB_PT(65));
    CHECK_EQ_INT(b.v[1].natural, PB_PT(65));
  }
  pb_breaks_free(&b);

  /* A forced break even where the line would fit more: "A B \break C D". */
  it.len = 0;
  for (int i = 0; i < 4; i++) {
    if (i > 0) pb_items_glue(&it, PB_PT(5), PB_PT(2), PB_PT(1));
    if (i == 2) pb_items_penalty(&it, 0, -PB_INF, false);
    pb_items_box(&it, PB_PT(10), 0);
  }
  parfill(&it);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.len, 2);
  if (b.len == 2) CHECK_EQ_INT(b.v[0].index, 4); /* the forced penalty */
  CHECK(result_sane(&it, &p, &b));
  pb_breaks_free(&b);
  pb_items_free(&it);
}

/* Pass 1 ignores a flagged break that pass 2 would prefer. */
static void test_flagged_passes(void) {
  pb_items it;
  pb_items_init(&it);
  pb_items_box(&it, PB_PT(30), 0);                  /* 0 */
  pb_items_glue(&it, PB_PT(10), PB_PT(35), PB_PT(5)); /* 1 */
  pb_items_box(&it, PB_PT(30), 0);                  /* 2 */
  pb_items_glue(&it, PB_PT(10), PB_PT(35), PB_PT(5)); /* 3 */
  pb_items_box(&it, PB_PT(15), 0);                  /* 4 */
  pb_items_penalty(&it, PB_PT(5), 50, true);        /* 5: hyphen */
  pb_items_box(&it, PB_PT(25), 0);                  /* 6 */
  parfill(&it);                                     /* 7 8 9 */
  pb_break_params p = pb_break_params_default(PB_PT(100));
  p.final_hyphen_demerits = 0;
  pb_breaks b;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 1);
  CHECK_EQ_INT(b.len, 2);
  if (b.len == 2) {
    CHECK_EQ_INT(b.v[0].index, 3); /* line 1 badness 63 (loose) */
    CHECK_EQ_INT(b.v[0].fitness, 2);
    CHECK_EQ_INT(b.v[0].natural, PB_PT(70));
  }
  pb_breaks_free(&b);

  /* Without the first pass, the hyphen (2600 demerits vs 5329) wins. */
  p.pretolerance = -1;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 2);
  CHECK_EQ_INT(b.len, 2);
  if (b.len == 2) {
    CHECK_EQ_INT(b.v[0].index, 5);
    CHECK_EQ_INT(b.v[0].natural, PB_PT(100)); /* includes the hyphen */
    CHECK(b.v[0].ratio == 0.0);
    CHECK_EQ_INT(b.v[1].natural, PB_PT(25));
  }
  pb_breaks_free(&b);

  /* Now the hyphen is needed: pass 1 fails, pass 2 uses it. */
  it.len = 0;
  pb_items_box(&it, PB_PT(95), 0);                   /* 0 */
  pb_items_penalty(&it, PB_PT(5), 50, true);         /* 1 */
  pb_items_box(&it, PB_PT(35), 0);                   /* 2 */
  pb_items_glue(&it, PB_PT(10), PB_PT(25), PB_PT(5)); /* 3 */
  pb_items_box(&it, PB_PT(35), 0);                   /* 4 */
  parfill(&it);
  p = pb_break_params_default(PB_PT(100));
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 2);
  CHECK_EQ_INT(b.len, 2);
  if (b.len == 2) CHECK_EQ_INT(b.v[0].index, 1);
  pb_breaks_free(&b);
  pb_items_free(&it);
}

/* Double-hyphen demerits steer away from two hyphenated lines in a row. */
static void test_double_hyphen(void) {
  pb_items it;
  pb_items_init(&it);
  pb_items_box(&it, PB_PT(95), 0);                   /* 0 */
  pb_items_penalty(&it, PB_PT(5), 50, true);         /* 1 */
  pb_items_box(&it, PB_PT(35), 0);                   /* 2 */
  pb_items_glue(&it, PB_PT(10), PB_PT(25), PB_PT(5)); /* 3 */
  pb_items_box(&it, PB_PT(35), 0);                   /* 4 */
  pb_items_glue(&it, PB_PT(10), PB_PT(25), PB_PT(5)); /* 5 */
  pb_items_box(&it, PB_PT(5), 0);                    /* 6 */
  pb_items_penalty(&it, PB_PT(5), 50, true);         /* 7 */
  pb_items_box(&it, PB_PT(20), 0);                   /* 8 */
  parfill(&it);                                      /* 9 10 11 */
  pb_break_params p = pb_break_params_default(PB_PT(100));
  p.final_hyphen_demerits = 0;
  p.hyphen_demerits = 0;
  pb_breaks b;
  /* Without them: 1, 7 (perfect lines; 5300 vs 6421 demerits). */
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.len, 3);
  if (b.len == 3) {
    CHECK_EQ_INT(b.v[0].index, 1);
    CHECK_EQ_INT(b.v[1].index, 7);
  }
  pb_breaks_free(&b);
  /* With them: the second line ends at the glue (badness 51). */
  p.hyphen_demerits = 10000;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.len, 3);
  if (b.len == 3) {
    CHECK_EQ_INT(b.v[0].index, 1);
    CHECK_EQ_INT(b.v[1].index, 5);
    CHECK_EQ_INT(b.v[1].fitness, 2);
    CHECK(fabs(b.v[1].ratio - 0.8) < 1e-9);
  }
  pb_breaks_free(&b);
  /* final_hyphen_demerits alone also avoids the hyphen before the last
   * line. */
  p.hyphen_demerits = 0;
  p.final_hyphen_demerits = 5000;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  if (b.len == 3) CHECK_EQ_INT(b.v[1].index, 5);
  pb_breaks_free(&b);
  pb_items_free(&it);
}

static void test_overfull(void) {
  pb_items it;
  pb_items_init(&it);
  pb_break_params p = pb_break_params_default(PB_PT(100));
  pb_breaks b;

  /* One box wider than the line. */
  pb_items_box(&it, PB_PT(250), 0);
  parfill(&it);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 3);
  CHECK_EQ_INT(b.len, 1);
  if (b.len == 1) {
    CHECK_EQ_INT(b.v[0].index, 3);
    CHECK(b.v[0].overfull);
    CHECK(!b.v[0].underfull);
    CHECK(b.v[0].ratio < -1 && isfinite(b.v[0].ratio));
    CHECK_EQ_INT(b.v[0].natural, PB_PT(250));
  }
  pb_breaks_free(&b);

  /* A wide tied pair of words between short ones: only its line is
   * overfull, with r from its real shrink. */
  it.len = 0;
  pb_items_box(&it, PB_PT(30), 0);                  /* 0 */
  pb_items_glue(&it, PB_PT(5), PB_PT(2), PB_PT(1)); /* 1 */
  pb_items_box(&it, PB_PT(50), 0);                  /* 2 */
  pb_items_penalty(&it, 0, PB_INF, false);          /* 3 */
  pb_items_glue(&it, PB_PT(5), PB_PT(2), PB_PT(1)); /* 4 */
  pb_items_box(&it, PB_PT(55), 0);                  /* 5 */
  pb_items_glue(&it, PB_PT(5), PB_PT(2), PB_PT(1)); /* 6 */
  pb_items_box(&it, PB_PT(30), 0);                  /* 7 */
  parfill(&it);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 3);
  CHECK(result_sane(&it, &p, &b));
  CHECK_EQ_INT(b.len, 3);
  if (b.len == 3) {
    CHECK_EQ_INT(b.v[0].index, 1);
    CHECK(!b.v[0].overfull && b.v[0].underfull);
    CHECK_EQ_INT(b.v[1].index, 6); /* 110 pt with 1 pt of shrink */
    CHECK(b.v[1].overfull);
    CHECK_EQ_INT(b.v[1].natural, PB_PT(110));
    CHECK(fabs(b.v[1].ratio - -10.0) < 1e-9);
    CHECK(!b.v[2].overfull && !b.v[2].underfull);
  }
  pb_breaks_free(&b);

  /* 100,000 boxes and no breakpoint: one (very) overfull line. */
  it.len = 0;
  for (int i = 0; i < 100000; i++) pb_items_box(&it, PB_PT(10), (uint32_t)i);
  parfill(&it);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 3);
  CHECK_EQ_INT(b.len, 1);
  if (b.len == 1) {
    CHECK_EQ_INT(b.v[0].index, 100002);
    CHECK(b.v[0].overfull);
    CHECK_EQ_INT(b.v[0].natural, INT32_MAX); /* saturated */
    CHECK(b.v[0].ratio == -PB_RATIO_MAX);
  }
  pb_breaks_free(&b);

  /* 100,000 boxes where every glue is overfull from the start: every line
   * is one box (pass 3), in linear time. */
  it.len = 0;
  for (int i = 0; i < 100000; i++) {
    if (i > 0) pb_items_glue(&it, PB_PT(3), PB_PT(1), PB_PT(1));
    pb_items_box(&it, PB_PT(150), (uint32_t)i);
  }
  parfill(&it);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 3);
  CHECK_EQ_INT(b.len, 100000);
  bool all = b.len == 100000;
  for (size_t i = 0; all && i < b.len; i++)
    all = b.v[i].overfull && b.v[i].natural == PB_PT(150);
  CHECK(all);
  pb_breaks_free(&b);
  pb_items_free(&it);
}

/* Glue that cannot stretch: lines of 3 boxes are 2 pt short.  Passes 1 and
 * 2 fail; pass 3 gives underfull lines rather than overfull ones. */
static void test_underfull(void) {
  pb_items it;
  pb_items_init(&it);
  for (int i = 0; i < 9; i++) {
    if (i > 0) pb_items_glue(&it, PB_PT(4), 0, 0);
    pb_items_box(&it, PB_PT(30), 0);
  }
  parfill(&it);
  for (int es = 0; es <= 1; es++) {
    pb_break_params p = pb_break_params_default(PB_PT(100));
    if (!es) p.emergency_stretch = 0;
    pb_breaks b;
    CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
    CHECK_EQ_INT(b.pass, 3);
    CHECK_EQ_INT(b.len, 3);
    CHECK(result_sane(&it, &p, &b));
    if (b.len == 3) {
      CHECK_EQ_INT(b.v[0].index, 5);
      CHECK_EQ_INT(b.v[1].index, 11);
      for (int i = 0; i < 2; i++) {
        CHECK(b.v[i].underfull && !b.v[i].overfull);
        CHECK(b.v[i].ratio == PB_RATIO_MAX);
        CHECK_EQ_INT(b.v[i].natural, PB_PT(98));
        CHECK_EQ_INT(b.v[i].fitness, es ? 1 : 3);
      }
      CHECK(!b.v[2].underfull && !b.v[2].overfull);
    }
    pb_breaks_free(&b);
  }
  pb_items_free(&it);
}

/* Glue and penalties after a break vanish from the next line. */
static void test_discardable(void) {
  pb_items it;
  pb_items_init(&it);
  pb_items_box(&it, PB_PT(100), 0);                 /* 0 */
  pb_items_glue(&it, PB_PT(5), PB_PT(1), PB_PT(1)); /* 1: break */
  pb_items_glue(&it, PB_PT(7), 0, 0);               /* 2 */
  pb_items_penalty(&it, PB_PT(3), 0, false);        /* 3 */
  pb_items_glue(&it, PB_PT(9), PB_PT(50), 0);       /* 4 */
  pb_items_box(&it, PB_PT(50), 0);                  /* 5 */
  pb_items_glue(&it, PB_PT(6), PB_PT(2), PB_PT(2)); /* 6 */
  pb_items_box(&it, PB_PT(44), 0);                  /* 7 */
  parfill(&it);
  pb_break_params p = pb_break_params_default(PB_PT(100));
  p.first_line_width = 0;
  pb_breaks b;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 1);
  CHECK_EQ_INT(b.len, 2);
  if (b.len == 2) {
    CHECK_EQ_INT(b.v[0].index, 1);
    CHECK_EQ_INT(b.v[0].natural, PB_PT(100));
    /* Without discarding, 7 + 9 pt more and a 50 pt stretch. */
    CHECK_EQ_INT(b.v[1].natural, PB_PT(100));
    CHECK_EQ_INT(b.v[1].stretch, PB_PT(2) + PB_PT(1000));
    CHECK_EQ_INT(b.v[1].shrink, PB_PT(2));
  }
  pb_breaks_free(&b);

  /* A break at a penalty inside the discardables gives an empty line
   * (only the penalty's width), and the next line still starts at the
   * box. */
  it.v[3].penalty = -PB_INF;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK(result_sane(&it, &p, &b));
  CHECK_EQ_INT(b.len, 3);
  if (b.len == 3) {
    CHECK_EQ_INT(b.v[0].index, 1);
    CHECK_EQ_INT(b.v[1].index, 3);
    CHECK_EQ_INT(b.v[1].natural, PB_PT(3));
    CHECK_EQ_INT(b.v[1].stretch, 0);
    CHECK_EQ_INT(b.v[2].natural, PB_PT(100)); /* glue 4 is discarded */
    CHECK_EQ_INT(b.pass, 3); /* the empty line is infinitely bad */
  }
  pb_breaks_free(&b);
  pb_items_free(&it);
}

static void test_degenerate(void) {
  pb_items it;
  pb_items_init(&it);
  pb_break_params p = pb_break_params_default(PB_PT(100));
  pb_breaks b;

  /* No items: no lines. */
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.len, 0);
  CHECK_EQ_INT(b.pass, 0);
  pb_breaks_free(&b);

  /* Only \parfillskip and the final penalty: one empty line. */
  pb_items_glue(&it, 0, PB_PT(1000), 0);
  pb_items_penalty(&it, 0, -PB_INF, false);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 1);
  CHECK_EQ_INT(b.len, 1);
  if (b.len == 1) {
    CHECK_EQ_INT(b.v[0].index, 1);
    CHECK_EQ_INT(b.v[0].natural, 0);
    CHECK(!b.v[0].underfull && !b.v[0].overfull);
  }
  pb_breaks_free(&b);

  /* One box. */
  it.len = 0;
  pb_items_box(&it, PB_PT(40), 7);
  parfill(&it);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 1);
  CHECK_EQ_INT(b.len, 1);
  if (b.len == 1) {
    CHECK_EQ_INT(b.v[0].index, 3);
    CHECK_EQ_INT(b.v[0].natural, PB_PT(40));
    CHECK(b.v[0].ratio > 0 && b.v[0].ratio < 1);
  }
  pb_breaks_free(&b);

  /* \parfillskip without the tie before it is still no breakpoint (no
   * empty last line after a full one). */
  it.len = 0;
  pb_items_box(&it, PB_PT(100), 0);
  pb_items_glue(&it, 0, PB_PT(1000), 0);
  pb_items_penalty(&it, 0, -PB_INF, false);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.len, 1);
  CHECK_EQ_INT(b.pass, 1);
  pb_breaks_free(&b);

  /* A list that does not end with a forced penalty: the end still is a
   * break, and a final box stays in the line. */
  it.len = 0;
  pb_items_box(&it, PB_PT(30), 0);
  pb_items_glue(&it, PB_PT(5), PB_PT(2), PB_PT(1));
  pb_items_box(&it, PB_PT(40), 0);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.len, 1);
  if (b.len == 1) {
    CHECK_EQ_INT(b.v[0].index, 2);
    CHECK_EQ_INT(b.v[0].natural, PB_PT(75));
    CHECK(isfinite(b.v[0].ratio));
  }
  pb_breaks_free(&b);

  /* Only a forced penalty. */
  it.len = 0;
  pb_items_penalty(&it, 0, -PB_INF, false);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.len, 1);
  CHECK_EQ_INT(b.pass, 3);
  pb_breaks_free(&b);

  /* Zero and negative measures still give lines. */
  build_cjk(&it, 20);
  p.line_width = 0;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK(result_sane(&it, &p, &b));
  CHECK_EQ_INT(b.len, 20);
  pb_breaks_free(&b);
  p.line_width = -PB_PT(10);
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK(result_sane(&it, &p, &b));
  pb_breaks_free(&b);
  pb_items_free(&it);
}

/* Big paragraphs run (the time is checked by hand, not here). */
static void test_large(void) {
  pb_items it;
  pb_items_init(&it);
  build_cjk(&it, 100000);
  pb_break_params p = pb_break_params_default(PB_PT(100));
  pb_breaks b;
  CHECK(pb_linebreak(&it, &p, &b) == PB_OK);
  CHECK_EQ_INT(b.pass, 1);
  CHECK_EQ_INT(b.len, 10000);
  bool all = true;
  for (size_t i = 0; i < b.len; i++) all = all && b.v[i].ratio == 0.0;
  CHECK(all);
  pb_breaks_free(&b);
  pb_items_free(&it);
}

int main(void) {
  test_badness();
  test_defaults_and_items();
  test_classic();
  test_cjk();
  test_infinite_penalty();
  test_forced_break();
  test_flagged_passes();
  test_double_hyphen();
  test_overfull();
  test_underfull();
  test_discardable();
  test_degenerate();
  test_large();
  test_reference_solvers_agree();
  test_random_exhaustive();
  test_random_dp();
  CHECK_DONE("linebreak");
}
