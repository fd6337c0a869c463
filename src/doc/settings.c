/* Layout settings from the language and the front matter (docs/DESIGN.md §3). */
#include "paiban/typeset.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct pb_paper {
  const char *name;
  double w_mm, h_mm;
} pb_paper;

static const pb_paper pb_papers[] = {
    {"A4", 210, 297}, {"A5", 148, 210}, {"A6", 105, 148},
    {"B5", 176, 250}, {"B6", 125, 176}, {"letter", 215.9, 279.4},
};

static pb_script_kind pb_script_of(const char *lang) {
  static const pb_script_kind kinds[3] = {PB_TEXT_HANT, PB_TEXT_HANS,
                                          PB_TEXT_LATIN};
  return kinds[pb_lang_family(lang)];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (no time zone). */
static int64_t pb_days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int64_t)era * 146097 + (int64_t)doe - 719468;
}

pb_status pb_settings_from_meta(const pb_meta *m, pb_settings *s,
                                pb_diags *diags) {
  memset(s, 0, sizeof *s);
  const char *lang = m->lang ? m->lang : "zh-Hant";
  snprintf(s->lang, sizeof s->lang, "%s", lang);
  s->script = pb_script_of(lang);
  bool chinese = s->script != PB_TEXT_LATIN;

  s->profile = m->profile && strcmp(m->profile, "ebook") == 0 ? PB_PROFILE_EBOOK
                                                              : PB_PROFILE_PRINT;
  bool ebook = s->profile == PB_PROFILE_EBOOK;
  /* The ebook page: 90 x 120 mm, a small e-reader's 3:4 screen. */
  static const pb_paper ebook_paper = {"ebook", 90, 120};
  const pb_paper *paper = ebook ? &ebook_paper : &pb_papers[1];
  if (m->paper) {
    paper = NULL;
    for (size_t i = 0; i < sizeof pb_papers / sizeof *pb_papers; i++)
      if (strcasecmp(m->paper, pb_papers[i].name) == 0) paper = &pb_papers[i];
    if (!paper) {
      pb_diag_add(diags, PB_SEV_ERROR, m->paper_pos,
                  "unknown paper '%s' in 'paper' (known: A4, A5, A6, B5, B6, "
                  "letter)",
                  m->paper);
      return PB_ERR_INPUT;
    }
  }
  s->paper_w = PB_MM(paper->w_mm);
  s->paper_h = PB_MM(paper->h_mm);
  /* A5: top 20 mm, bottom 22 mm (the peers' shared spec); scaled for others. */
  s->margin_top = PB_MM(paper->h_mm * 20.0 / 210.0);
  s->margin_bottom = PB_MM(paper->h_mm * 22.0 / 210.0);
  if (ebook) { /* screens need less white around the text */
    s->margin_top = PB_MM(paper->h_mm * 0.075);
    s->margin_bottom = PB_MM(paper->h_mm * 0.09);
  }
  s->bleed = ebook ? 0 : PB_MM(m->bleed_mm >= 0 ? m->bleed_mm : 3.0);
  s->crop_marks = !ebook && m->crop_marks == 1;
  s->running_heads = !ebook;
  s->folio_links = ebook;

  double size = m->font_size > 0 ? m->font_size : 10.5; /* 5号 */
  s->font_size = PB_PT(size);
  double pitch = m->line_pitch > 0 ? m->line_pitch : (chinese ? 1.7 : 1.45);
  s->line_pitch = PB_PT(size * pitch);
  /* The measure is a whole number of em (clreq-digest §5): about 76 % of
   * the paper width, 30 em on A5 at 10.5 pt. */
  int measure = m->measure;
  if (!measure)
    measure = (int)(pb_len_to_pt(s->paper_w) * (ebook ? 0.86 : 0.76) / size);
  if ((double)measure * size > pb_len_to_pt(s->paper_w)) {
    pb_diag_add(diags, PB_SEV_ERROR, m->measure_pos,
                "a measure of %d em at %.2f pt (%.1f pt) is wider than the "
                "paper (%.1f pt)",
                measure, size, measure * size, pb_len_to_pt(s->paper_w));
    return PB_ERR_INPUT;
  }
  s->measure_em = measure;
  s->measure = (pb_len)measure * s->font_size;
  s->block_w = s->measure;
  s->block_h = s->paper_h - s->margin_top - s->margin_bottom;
  s->indent = chinese ? 2 * s->font_size : s->font_size; /* §5: 2 em */
  if ((double)(s->margin_top + s->margin_bottom) + 3.0 * s->line_pitch >
      (double)s->paper_h) {
    pb_diag_add(diags, PB_SEV_ERROR, m->font_size_pos,
                "font size %.2f pt leaves no room for text on %s paper", size,
                paper->name);
    return PB_ERR_INPUT;
  }

  s->kinsoku = s->script == PB_TEXT_HANS   ? PB_KINSOKU_GB
               : s->script == PB_TEXT_HANT ? PB_KINSOKU_BASIC
                                           : PB_KINSOKU_BASIC;
  if (m->kinsoku) {
    if (strcmp(m->kinsoku, "none") == 0) s->kinsoku = PB_KINSOKU_NONE;
    else if (strcmp(m->kinsoku, "basic") == 0) s->kinsoku = PB_KINSOKU_BASIC;
    else if (strcmp(m->kinsoku, "gb") == 0) s->kinsoku = PB_KINSOKU_GB;
    else if (strcmp(m->kinsoku, "strict") == 0) s->kinsoku = PB_KINSOKU_STRICT;
    else {
      pb_diag_add(diags, PB_SEV_ERROR, m->kinsoku_pos,
                  "unknown value '%s' for 'kinsoku' (none, basic, gb, strict)",
                  m->kinsoku);
      return PB_ERR_INPUT;
    }
  }
  s->punct = s->script == PB_TEXT_HANS   ? PB_PUNCT_HANS_STANDARD
             : s->script == PB_TEXT_HANT ? PB_PUNCT_HANT_CENTERED
                                         : PB_PUNCT_NONE;
  if (m->punctuation) {
    if (strcmp(m->punctuation, "none") == 0) s->punct = PB_PUNCT_NONE;
    else if (strcmp(m->punctuation, "hant-centered") == 0)
      s->punct = PB_PUNCT_HANT_CENTERED;
    else if (strcmp(m->punctuation, "hans-standard") == 0)
      s->punct = PB_PUNCT_HANS_STANDARD;
    else {
      pb_diag_add(diags, PB_SEV_ERROR, m->punctuation_pos,
                  "unknown value '%s' for 'punctuation' (none, hant-centered, "
                  "hans-standard)",
                  m->punctuation);
      return PB_ERR_INPUT;
    }
  }
  s->hanging = m->hanging == 1;
  s->hyphenate = true;
  snprintf(s->hyphen_dict, sizeof s->hyphen_dict, "%s",
           strncasecmp(lang, "en-GB", 5) == 0 ? "hyph_en_GB.dic"
                                               : "hyph_en_US.dic");
  s->date_epoch = -1;
  int y = 0;
  unsigned mo = 0, d = 0;
  if (m->date && sscanf(m->date, "%4d-%2u-%2u", &y, &mo, &d) == 3 && mo >= 1 &&
      mo <= 12 && d >= 1 && d <= 31)
    s->date_epoch = pb_days_from_civil(y, mo, d) * 86400;
  return PB_OK;
}
