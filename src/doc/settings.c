/* paiban — layout settings from the language, the front matter and the
 * command-line overrides (include/paiban/settings.h; docs/DESIGN.md §3).
 * The front matter's values arrive typed and validated
 * (src/doc/frontmatter.c): this stage only picks defaults and checks
 * combinations. */
#include "paiban/settings.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct pb_paper {
  const char *name;
  double w_mm, h_mm;
} pb_paper;

/* By pb_paper_kind. */
static const pb_paper pb_papers[] = {
    [PB_PAPER_A4] = {"A4", 210, 297},
    [PB_PAPER_A5] = {"A5", 148, 210},
    [PB_PAPER_A6] = {"A6", 105, 148},
    [PB_PAPER_B5] = {"B5", 176, 250},
    [PB_PAPER_B6] = {"B6", 125, 176},
    [PB_PAPER_LETTER] = {"letter", 215.9, 279.4},
};
/* The ebook page: 90 x 120 mm, a small e-reader's 3:4 screen. */
static const pb_paper pb_ebook_paper = {"ebook", 90, 120};

/* Days since 1970-01-01 of a proleptic Gregorian date (no time zone). */
static int64_t pb_days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int64_t)era * 146097 + (int64_t)doe - 719468;
}

/* Trim size, margins, bleed and the profile's page furniture. */
static pb_status pb_settings_page(const pb_meta *m, pb_settings *s,
                                  const pb_paper **paper_out) {
  bool ebook = s->profile == PB_PROFILE_EBOOK;
  const pb_paper *paper = ebook ? &pb_ebook_paper : &pb_papers[PB_PAPER_A5];
  if (pb_meta_has(m, PB_KEY_PAPER)) paper = &pb_papers[m->paper];
  s->paper_w = PB_MM(paper->w_mm);
  s->paper_h = PB_MM(paper->h_mm);
  /* A5: top 20 mm, bottom 22 mm (the peers' shared spec); scaled for others. */
  s->margin_top = PB_MM(paper->h_mm * 20.0 / 210.0);
  s->margin_bottom = PB_MM(paper->h_mm * 22.0 / 210.0);
  if (ebook) { /* screens need less white around the text */
    s->margin_top = PB_MM(paper->h_mm * 0.075);
    s->margin_bottom = PB_MM(paper->h_mm * 0.09);
  }
  double bleed = pb_meta_has(m, PB_KEY_BLEED) ? m->bleed : 3.0;
  s->bleed = ebook ? 0 : PB_MM(bleed);
  s->crop_marks = !ebook && pb_meta_has(m, PB_KEY_CROP_MARKS) && m->crop_marks;
  s->running_heads = !ebook;
  s->folio_links = ebook;
  *paper_out = paper;
  return PB_OK;
}

/* Vertical-rl (docs/DESIGN.md §3): the measure is the column height, in
 * whole em (about 72 % of the paper's height unless given; at most 90 %),
 * set a little above the page's centre; the columns fill about 80 % of the
 * width, an em each, a line pitch apart. */
static void pb_vertical_geometry(pb_settings *s, int measure_em) {
  s->vertical = true;
  if (measure_em <= 0)
    measure_em = (int)(pb_len_to_pt(s->paper_h) * 0.72 / pb_len_to_pt(s->font_size));
  if ((int64_t)measure_em * s->font_size > s->paper_h * 9 / 10)
    measure_em = (int)(s->paper_h * 9 / 10 / s->font_size);
  s->measure_em = measure_em;
  s->measure = (pb_len)measure_em * s->font_size;
  pb_len rest = s->paper_h - s->measure;
  s->margin_top = rest * 9 / 20;
  s->margin_bottom = rest - s->margin_top;
  s->block_h = s->measure;
  int64_t cols = (s->paper_w * 8 / 10 - s->font_size) / s->line_pitch + 1;
  if (cols < 1) cols = 1;
  s->block_w = (pb_len)((cols - 1) * s->line_pitch + s->font_size);
}

/* Body size, line pitch, measure and indent; the measure must fit the
 * paper and the margins must leave room for lines. */
static pb_status pb_settings_text(const pb_meta *m, pb_settings *s,
                                  const pb_paper *paper, pb_diags *diags) {
  bool chinese = s->script != PB_TEXT_LATIN;
  bool ebook = s->profile == PB_PROFILE_EBOOK;
  double size =
      pb_meta_has(m, PB_KEY_FONT_SIZE) ? m->font_size : 10.5; /* 5号 */
  s->font_size = PB_PT(size);
  double pitch = pb_meta_has(m, PB_KEY_LINE_PITCH) ? m->line_pitch
                 : chinese                         ? 1.7
                                                   : 1.45;
  s->line_pitch = PB_PT(size * pitch);
  /* The measure is a whole number of em (clreq-digest §5): about 76 % of
   * the paper width, 30 em on A5 at 10.5 pt. */
  int measure =
      pb_meta_has(m, PB_KEY_MEASURE)
          ? (int)m->measure
          : (int)(pb_len_to_pt(s->paper_w) * (ebook ? 0.86 : 0.76) / size);
  /* A column's measure runs down the page. */
  double room = pb_len_to_pt(s->vertical ? s->paper_h : s->paper_w);
  if ((double)measure * size > room) {
    pb_diag_add(diags, PB_SEV_ERROR, m->measure_pos,
                "a measure of %d em at %.2f pt (%.1f pt) is %s than the "
                "paper (%.1f pt)",
                measure, size, measure * size, s->vertical ? "taller" : "wider",
                room);
    return PB_ERR_INPUT;
  }
  s->measure_em = measure;
  s->measure = (pb_len)measure * s->font_size;
  s->block_w = s->measure;
  s->block_h = s->paper_h - s->margin_top - s->margin_bottom;
  s->indent = chinese ? 2 * s->font_size : s->font_size; /* §5: 2 em */
  if (s->vertical)
    pb_vertical_geometry(s, pb_meta_has(m, PB_KEY_MEASURE) ? measure : 0);
  if ((double)(s->margin_top + s->margin_bottom) + 3.0 * s->line_pitch >
      (double)s->paper_h) {
    pb_diag_add(diags, PB_SEV_ERROR, m->font_size_pos,
                "font size %.2f pt leaves no room for text on %s paper", size,
                paper->name);
    return PB_ERR_INPUT;
  }
  return PB_OK;
}

/* English measures narrower than this (in em) are ragged by default. */
#define PB_RAGGED_BELOW_EM 24

/* Kinsoku level, punctuation style, hanging, ragged right and
 * hyphenation. */
static pb_status pb_settings_style(const pb_meta *m, pb_settings *s) {
  /* Book work uses clreq's strict level for Chinese (clreq-digest §1.1,
   * §1.3 item 4): besides the basic and GB rules no line starts with ——
   * or ……, as Word's zh-Hant defaults and UAX #14 (× IN) also have it. */
  static const pb_kinsoku kinsoku[3] = {PB_KINSOKU_STRICT, PB_KINSOKU_STRICT,
                                        PB_KINSOKU_BASIC};
  static const pb_punct_style punct[3] = {
      PB_PUNCT_HANT_CENTERED, PB_PUNCT_HANS_STANDARD, PB_PUNCT_NONE};
  s->kinsoku = pb_meta_has(m, PB_KEY_KINSOKU) ? m->kinsoku : kinsoku[s->script];
  s->punct =
      pb_meta_has(m, PB_KEY_PUNCTUATION) ? m->punctuation : punct[s->script];
  s->hanging = pb_meta_has(m, PB_KEY_HANGING) && m->hanging;
  /* Justified English needs about 60 characters a line; in a narrower
   * measure (the ebook's 20 em, ~42 characters) word spaces gape, so it
   * is set ragged right unless the front matter says otherwise. */
  s->ragged_right = pb_meta_has(m, PB_KEY_RAGGED_RIGHT)
                        ? m->ragged_right
                        : s->script == PB_TEXT_LATIN && s->measure_em < PB_RAGGED_BELOW_EM;
  /* Emphasis: mainland books use the emphasis dots of GB/T 15834 (着重号),
   * Taiwan books the Kai face. */
  s->emphasis = pb_meta_has(m, PB_KEY_EMPHASIS) ? m->emphasis
                : s->script == PB_TEXT_HANS   ? PB_EMPHASIS_DOTS
                                              : PB_EMPHASIS_KAI;
  s->hyphenate = true;
  snprintf(s->hyphen_dict, sizeof s->hyphen_dict, "%s",
           m->hyphen_dict ? m->hyphen_dict : "hyph_en_US.dic");
  return PB_OK;
}

/* The PDF date: the front matter's, else SOURCE_DATE_EPOCH (a whole number
 * of seconds, up to the end of 9999, the last year a PDF date can hold),
 * else none.  SOURCE_DATE_EPOCH is checked even when not used. */
static pb_status pb_settings_date(const pb_meta *m, const pb_overrides *ov,
                                  pb_settings *s, pb_diags *diags) {
  s->date_epoch = -1;
  const char *sde = ov ? ov->source_date_epoch : NULL;
  int64_t epoch = -1;
  if (sde && *sde) {
    size_t n = strspn(sde, "0123456789");
    if (sde[n] || n > 12 || (epoch = strtoll(sde, NULL, 10)) > 253402300799) {
      size_t shown = strspn(sde, "0123456789abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ+-.:_ ");
      pb_diag_add(diags, PB_SEV_ERROR, (pb_pos){0, 0},
                  "SOURCE_DATE_EPOCH must be a whole number of seconds since "
                  "1970 (at most 253402300799), not '%.*s%s'",
                  (int)(shown < 40 ? shown : 40), sde,
                  sde[shown] || shown > 40 ? "..." : "");
      return PB_ERR_INPUT;
    }
  }
  if (pb_meta_has(m, PB_KEY_DATE))
    s->date_epoch = pb_days_from_civil(m->date.year, (unsigned)m->date.month,
                                       (unsigned)m->date.day) *
                    86400;
  else
    s->date_epoch = epoch;
  return PB_OK;
}

/* A `fonts` profile named in the front matter must exist; it is looked up
 * where pb_fontset_load (src/text/font.c) will read it, and reported at
 * the manuscript's line rather than as a file the user never named. */
static pb_status pb_settings_fonts(const pb_meta *m, const pb_overrides *ov,
                                   pb_diags *diags) {
  if (!pb_meta_has(m, PB_KEY_FONTS)) return PB_OK;
  const char *dir = ov ? ov->font_dir : NULL;
  if (!dir || !*dir) dir = getenv("PAIBAN_FONT_DIR");
  if (!dir || !*dir) dir = PB_DEFAULT_FONT_DIR;
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/%s.conf", dir, m->fonts);
  struct stat st;
  int err = n < 0 || (size_t)n >= sizeof path ? ENAMETOOLONG
            : stat(path, &st) != 0            ? errno
            : !S_ISREG(st.st_mode)            ? EINVAL
                                              : 0;
  if (!err) return PB_OK;
  pb_diag_add(diags, PB_SEV_ERROR, m->fonts_pos,
              "font profile '%s' not found: %s/%s.conf %s", m->fonts, dir,
              m->fonts,
              err == EINVAL ? "is not a regular file" : strerror(err));
  return PB_ERR_INPUT;
}

pb_status pb_settings_from_meta(const pb_meta *m, const pb_overrides *ov,
                                pb_settings *s, pb_diags *diags) {
  memset(s, 0, sizeof *s);
  snprintf(s->lang, sizeof s->lang, "%s", m->lang ? m->lang : "zh-Hant");
  s->script = pb_meta_has(m, PB_KEY_LANG) ? m->script : PB_TEXT_HANT;
  s->profile = ov && ov->has_profile            ? ov->profile
               : pb_meta_has(m, PB_KEY_PROFILE) ? m->profile
                                                : PB_PROFILE_PRINT;
  s->vertical = ov && ov->has_writing_mode
                    ? ov->vertical
                    : pb_meta_has(m, PB_KEY_WRITING_MODE) &&
                          m->writing_mode == PB_WRITING_VERTICAL_RL;
  /* Two digits fill an em with the font's half-width forms: years (four
   * digits) lie on their side like other Latin text, day and month
   * numbers and short counts stand upright (docs/DESIGN.md §4). */
  s->tcy_digits = pb_meta_has(m, PB_KEY_TATE_CHU_YOKO) ? (int)m->tate_chu_yoko : 2;
  const pb_paper *paper = NULL;
  pb_status st = pb_settings_page(m, s, &paper);
  if (st == PB_OK) st = pb_settings_text(m, s, paper, diags);
  if (st == PB_OK) st = pb_settings_style(m, s);
  if (st == PB_OK) st = pb_settings_date(m, ov, s, diags);
  if (st == PB_OK) st = pb_settings_fonts(m, ov, diags);
  return st;
}
