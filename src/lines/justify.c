/* Justification order (clreq-digest §5): see justify.h. */
#include "lines/justify.h"
#include "base/utf8.h"

#include <string.h>

/* The part of glue x's stretch that belongs to the first stage. */
static double pb_first_part(const pb_item *x) {
  if (x->tag == PB_TAG_WORDSPACE) return x->stretch;
  if (x->tag == PB_TAG_HANLATIN) return x->stretch / 3.0; /* ¼ → ⅓ em */
  return 0;
}

pb_stretch_plan pb_plan_stretch(const pb_items *it, size_t start, size_t brk,
                                double r) {
  pb_stretch_plan plan = {r, r, 0, 0};
  double s1 = 0, s2 = 0;
  for (size_t k = start; k < brk && k < it->len; k++) {
    const pb_item *x = &it->v[k];
    if (x->kind != PB_ITEM_GLUE || x->tag == PB_TAG_PARFILL) continue;
    double f1 = pb_first_part(x);
    s1 += f1;
    s2 += x->stretch - f1;
  }
  double want = r * (s1 + s2); /* the line's shortfall */
  if (r > 0 && s1 > 0 && s2 > 0) {
    if (want <= s1) {
      plan.r1 = want / s1;
      plan.r2 = 0;
    } else {
      plan.r1 = 1;
      plan.r2 = (want - s1) / s2;
    }
  }
  for (size_t k = start; k < brk && k < it->len; k++) {
    const pb_item *x = &it->v[k];
    if (x->kind != PB_ITEM_GLUE) continue;
    pb_len extra = (pb_len)(r > 0 ? pb_plan_extra(&plan, x) : 0);
    pb_len w = x->width + (r > 0 ? extra : (pb_len)(r * x->shrink));
    if (x->tag == PB_TAG_CJKGLUE && extra > plan.cjk_extra) plan.cjk_extra = extra;
    if (x->tag == PB_TAG_HANLATIN && w > plan.hanlatin_width) plan.hanlatin_width = w;
  }
  return plan;
}

double pb_plan_extra(const pb_stretch_plan *plan, const pb_item *x) {
  double f1 = pb_first_part(x);
  return plan->r1 * f1 + plan->r2 * (x->stretch - f1);
}

bool pb_loose_line(const pb_para *p, const pb_stretch_plan *plan,
                   size_t first_c, pb_pos pos, pb_diags *diags) {
  pb_len em = p->size;
  bool cjk = plan->cjk_extra > em * 8 / 100 + em / 200;
  bool hanlatin = plan->hanlatin_width > em / 2 + em / 200;
  if (!cjk && !hanlatin) return false;
  /* The line's first characters, so the line can be found on the page. */
  char head[64];
  size_t n = 0;
  for (size_t i = first_c; i < p->len && i < first_c + 10 && first_c != SIZE_MAX; i++) {
    char b[4];
    size_t k = pb_utf8_encode(p->text[i], b);
    if (n + k + 1 > sizeof head) break;
    memcpy(head + n, b, k);
    n += k;
  }
  head[n] = '\0';
  pb_diag_add(diags, PB_SEV_WARNING, pos,
              "loose line \"%s…\": Han–Han spacing %.2f em, Han–Latin %.2f em "
              "(limits 1.08 and 0.5 em); no better line breaks exist",
              head, 1.0 + (double)plan->cjk_extra / em,
              (double)plan->hanlatin_width / em);
  return true;
}
