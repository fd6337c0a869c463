/* Chinese emphasis: see emphasis.h. */
#include "text/emphasis.h"
#include "text/face.h"

pb_role pb_face_role(const pb_settings *s, pb_role role, pb_script_pref pref,
                     bool quotation) {
  if (pref != PB_PREF_CJK) return role;
  /* A quotation is set in Kai, the Chinese book convention; emphasis in
   * it takes the body face, the contrast the other way round. */
  if (quotation && role == PB_ROLE_BODY) return PB_ROLE_EMPH;
  if (role == PB_ROLE_EMPH && (quotation || s->emphasis == PB_EMPHASIS_DOTS))
    return PB_ROLE_BODY;
  return role;
}

/* Ink box of cp in face fi, in em: x0, y0 (bottom), x1, y1 (top). */
static bool pb_ink_box(pb_fontset *fs, int fi, uint32_t cp, double box[4]) {
  const pb_face *f = fi >= 0 ? pb_fontset_face(fs, (size_t)fi) : NULL;
  hb_codepoint_t g = 0;
  hb_glyph_extents_t e;
  int sx = 0, sy = 0;
  if (!f || !f->hb_font || !hb_font_get_nominal_glyph(f->hb_font, cp, &g) ||
      !hb_font_get_glyph_extents(f->hb_font, g, &e))
    return false;
  hb_font_get_scale(f->hb_font, &sx, &sy);
  if (sx <= 0 || e.width <= 0 || e.height >= 0) return false;
  box[0] = (double)e.x_bearing / sx;
  box[1] = (double)(e.y_bearing + e.height) / sx;
  box[2] = (double)(e.x_bearing + e.width) / sx;
  box[3] = (double)e.y_bearing / sx;
  return true;
}

/* Computes, once per shaper, how the emphasis CJK face maps onto the body
 * CJK face: the mean size ratio of the ink boxes of a few full-box
 * ideographs, and the offset that puts the ink centres together. */
static void pb_ink_match_init(pb_ink_match *m, pb_fontset *fs) {
  m->done = true;
  m->face = -1;
  static const uint32_t refs[] = {0x570B, 0x6C38, 0x6771, 0x9F8D}; /* 國永東龍 */
  int body = pb_fontset_pick(fs, PB_ROLE_BODY, PB_PREF_CJK, refs[0]);
  int emph = pb_fontset_pick(fs, PB_ROLE_EMPH, PB_PREF_CJK, refs[0]);
  if (body < 0 || emph < 0 || body == emph) return;
  double sum = 0, cbx = 0, cby = 0, ckx = 0, cky = 0;
  int n = 0;
  for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
    double b[4], k[4];
    if (!pb_ink_box(fs, body, refs[i], b) || !pb_ink_box(fs, emph, refs[i], k))
      continue;
    sum += ((b[2] - b[0]) / (k[2] - k[0]) + (b[3] - b[1]) / (k[3] - k[1])) / 2;
    cbx += (b[0] + b[2]) / 2;
    cby += (b[1] + b[3]) / 2;
    ckx += (k[0] + k[2]) / 2;
    cky += (k[1] + k[3]) / 2;
    n++;
  }
  if (!n) return;
  double s = sum / n;
  if (s < 0.8 || s > 1.3) return; /* not comparable faces: leave them */
  m->face = emph;
  m->scale = s;
  m->dx = cbx / n - s * ckx / n;
  m->dy = cby / n - s * cky / n;
}

void pb_match_ink(pb_ink_match *m, pb_fontset *fs, pb_para *p, size_t g0,
                  size_t g1) {
  if (!m->done) pb_ink_match_init(m, fs);
  if (m->face < 0) return;
  for (size_t i = g0; i < g1; i++) {
    pb_glyph *g = &p->glyphs[i];
    if (g->face != (uint16_t)m->face || (g->flags & PB_GLYPH_SUPERSCRIPT) ||
        g->size_permille || !pb_cclass_is_cjk(p->cls[g->cluster]))
      continue;
    /* The advance stays (the grid); the drawing grows around its centre. */
    g->size_permille = (uint16_t)(m->scale * 1000 + 0.5);
    if (g->flags & PB_GLYPH_VERTICAL) {
      /* Upright in a column, drawn from its vertical origin (the top of
       * its em, centred across): keep the em box's centre in place. */
      g->x_off = (pb_len)(g->x_off * m->scale - (m->scale - 1) * p->size / 2);
      g->y_off = (pb_len)(g->y_off * m->scale);
    } else {
      g->x_off = (pb_len)(g->x_off * m->scale + m->dx * p->size);
      g->y_off = (pb_len)(g->y_off * m->scale + m->dy * p->size);
    }
  }
}
