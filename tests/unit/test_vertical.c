/* Unit tests for vertical writing (src/text/vertical.c and the vertical
 * paths of the shape stage): which characters stand upright, lie sideways
 * or join a tate-chu-yoko run, and the metrics an upright, a sideways and
 * a tate-chu-yoko unit get with the real fonts (docs/DESIGN.md §4). */
#include "check.h"
#include "paiban/paiban.h"
#include "text/shape.h"
#include "text/vertical.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_char_orient(void) {
  CHECK_EQ_INT(pb_char_orient(0x4E2D, PB_CC_HAN), PB_ORIENT_UPRIGHT);   /* 中 */
  CHECK_EQ_INT(pb_char_orient(0x300C, PB_CC_OPEN), PB_ORIENT_UPRIGHT);  /* 「 */
  CHECK_EQ_INT(pb_char_orient(0xFF1A, PB_CC_COLON), PB_ORIENT_UPRIGHT); /* ： */
  CHECK_EQ_INT(pb_char_orient(0x2014, PB_CC_DASH), PB_ORIENT_UPRIGHT);  /* — */
  CHECK_EQ_INT(pb_char_orient('a', PB_CC_LATIN), PB_ORIENT_SIDEWAYS);
  CHECK_EQ_INT(pb_char_orient('7', PB_CC_DIGIT), PB_ORIENT_SIDEWAYS);
  CHECK_EQ_INT(pb_char_orient('%', PB_CC_LATIN_PUNCT), PB_ORIENT_SIDEWAYS);
  CHECK_EQ_INT(pb_char_orient(0x00A9, PB_CC_OTHER), PB_ORIENT_SIDEWAYS); /* © */
  CHECK_EQ_INT(pb_char_orient(0x2192, PB_CC_OTHER), PB_ORIENT_UPRIGHT);  /* → */
  CHECK_EQ_INT(pb_char_orient(0x1F600, PB_CC_OTHER), PB_ORIENT_UPRIGHT); /* 😀 */
}

/* Orientation string of a text: U upright, S sideways, T tate-chu-yoko. */
static void orient_of(const char *utf32_ascii_han, int tcy, char *out) {
  uint32_t text[64] = {0};
  pb_cclass cls[64] = {0};
  uint8_t o[64] = {0};
  size_t n = 0;
  for (const char *s = utf32_ascii_han; *s; s++, n++) {
    text[n] = *s == 'H' ? 0x4E2D : (uint32_t)(unsigned char)*s; /* H = 中 */
    cls[n] = pb_char_class(text[n], true);
  }
  pb_mark_orient(text, cls, n, tcy, o);
  for (size_t i = 0; i < n; i++) out[i] = "UST"[o[i]];
  out[n] = 0;
}

static void test_tate_chu_yoko(void) {
  char o[64];
  orient_of("H12H", 2, o);
  CHECK_EQ_STR(o, "UTTU");       /* two digits stand in one em */
  orient_of("H2024H", 2, o);
  CHECK_EQ_STR(o, "USSSSU");     /* a year lies on its side */
  orient_of("H2024H", 4, o);
  CHECK_EQ_STR(o, "UTTTTU");
  orient_of("H 3 H", 2, o);
  CHECK_EQ_STR(o, "USTSU");      /* spaces around do not join it */
  orient_of("H4.5H", 2, o);
  CHECK_EQ_STR(o, "USSSU");      /* a decimal is one Latin token */
  orient_of("GPT-4H", 2, o);
  CHECK_EQ_STR(o, "SSSSSU");     /* a digit inside a name */
  orient_of("H40%H", 2, o);
  CHECK_EQ_STR(o, "USSSU");
  orient_of("H12H", 0, o);
  CHECK_EQ_STR(o, "USSU");       /* off */
}

/* Shapes text in a vertical column with the zh-Hant profile. */
static pb_fontset *hant_fonts;

static bool shape_vertical(const char *utf8, pb_para *p, pb_shaper **sh,
                           pb_settings *s) {
  static uint32_t buf[256];
  pb_diags d;
  pb_diags_init(&d, "test");
  pb_meta m = {0};
  if (pb_settings_from_meta(&m, NULL, s, &d) != PB_OK) return false;
  s->vertical = true;
  s->tcy_digits = 2;
  if (!hant_fonts) (void)pb_fontset_load(NULL, NULL, "zh-Hant", &hant_fonts, &d);
  if (!hant_fonts || pb_shaper_new(hant_fonts, s, &d, sh) != PB_OK) return false;
  size_t n = 0, len = strlen(utf8);
  for (size_t i = 0, used; i < len && n < 256; i += used ? used : 1)
    used = pb_utf8_decode(utf8 + i, len - i, &buf[n++]);
  *p = (pb_para){.text = buf, .len = n, .size = s->font_size,
                 .role = PB_ROLE_BODY, .cjk_text = true, .vertical = true,
                 .tcy_digits = 2};
  bool ok = pb_para_shape(*sh, p, &d) == PB_OK;
  pb_diags_free(&d);
  return ok;
}

#define EM(x) ((double)(x) / (double)p.size)
#define NEAR(a, b) (fabs((a) - (b)) < 0.01)

static void test_vertical_metrics(void) {
  pb_para p;
  pb_shaper *sh = NULL;
  pb_settings s;
  /* 中「12」ab: upright Han, a rotated bracket with vhal blanks, a
   * tate-chu-yoko pair, sideways Latin. */
  if (!shape_vertical("中「12」ab", &p, &sh, &s)) {
    CHECK(!"shaping failed");
    pb_shaper_free(sh);
    return;
  }
  CHECK_EQ_INT(p.nunits, 6);
  const pb_unit *han = &p.units[0], *open = &p.units[1], *tcy = &p.units[2];
  const pb_glyph *g = &p.glyphs[han->g0];
  CHECK(g->flags & PB_GLYPH_VERTICAL);
  CHECK(NEAR(EM(g->advance), 1.0));           /* vmtx: one em down */
  CHECK(NEAR(EM(g->x_off), 0) && NEAR(EM(g->y_off), 0)); /* at its VORG */
  /* 「 in a column: half its em is an adjustable blank above the ink. */
  CHECK(NEAR(EM(open->blank_left), 0.5));
  CHECK(NEAR(EM(open->width), 0.5));
  CHECK(p.glyphs[open->g0].gid != p.glyphs[han->g0].gid);
  /* 12: one unit, one em, set like an ideograph; two half-width digits
   * centred across the column. */
  CHECK_EQ_INT(tcy->c1 - tcy->c0, 2);
  CHECK(NEAR(EM(tcy->width), 1.0));
  CHECK_EQ_INT(tcy->cls, PB_CC_HAN);
  CHECK(NEAR(EM(p.glyphs[tcy->g0].y_off), -0.5));
  CHECK(NEAR(EM(p.glyphs[tcy->g0 + 1].y_off), 0.0));
  CHECK(!(p.glyphs[tcy->g0].flags & (PB_GLYPH_VERTICAL | PB_GLYPH_SIDEWAYS)));
  /* ab: rotated, on a baseline 0.38 em left of the centre line. */
  const pb_glyph *a = &p.glyphs[p.units[4].g0];
  CHECK(a->flags & PB_GLYPH_SIDEWAYS);
  CHECK(NEAR(EM(a->y_off), -0.38));
  pb_para_free(&p);
  pb_shaper_free(sh);
}

int main(void) {
  test_char_orient();
  test_tate_chu_yoko();
  test_vertical_metrics();
  pb_fontset_free(hant_fonts);
  CHECK_DONE("vertical");
}
