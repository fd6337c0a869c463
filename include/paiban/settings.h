/* paiban — the settings stage: front matter + language + command-line
 * overrides → pb_settings, the numbers every later stage works from
 * (src/doc/settings.c; defaults in docs/DESIGN.md §3).
 *
 * Input: a parsed pb_meta (already validated, value by value, by the
 * parser) and a pb_overrides.  Output: a filled pb_settings.  Only
 * combinations of values are checked here (a measure wider than the
 * paper, a missing font profile), and what the environment gives
 * (SOURCE_DATE_EPOCH).
 *
 * Ownership: pb_settings holds no pointers (fixed-size strings); the
 * overrides' strings are only read during the call.
 */
#ifndef PAIBAN_SETTINGS_H
#define PAIBAN_SETTINGS_H

#include "base.h"
#include "cjk.h"
#include "frontmatter.h"

/* What the command line (or another caller) sets over the front matter.
 * The parsed document is never rewritten: overrides are applied here.  A
 * zeroed struct (or NULL) overrides nothing. */
typedef struct pb_overrides {
  bool has_profile; /* --profile: use profile, not the front matter's */
  pb_profile_kind profile;
  const char *source_date_epoch; /* SOURCE_DATE_EPOCH as found in the
                                    environment (NULL or "" = unset): the
                                    PDF date when the front matter has no
                                    date; validated here */
  const char *font_dir;          /* --fonts DIR: where a front matter's `fonts`
                                    profile is looked for (NULL =
                                    PAIBAN_FONT_DIR, else the built-in one) */
  bool has_writing_mode;         /* --writing-mode: use vertical, not the
                                    front matter's writing-mode */
  bool vertical;
} pb_overrides;

typedef struct pb_settings {
  char lang[24]; /* BCP 47 tag as given (default zh-Hant) */
  pb_script_kind script;
  pb_profile_kind profile;
  pb_len paper_w, paper_h; /* trim size */
  pb_len bleed;            /* print: bleed around the trim (3 mm) */
  bool crop_marks;         /* print: crop marks outside the bleed */
  bool running_heads;      /* print: title / section at the page head */
  bool folio_links;        /* ebook: page numbers link to the first page */
  pb_len margin_top, margin_bottom;
  pb_len font_size;  /* body size */
  pb_len line_pitch; /* baseline to baseline */
  int measure_em;    /* the measure in em of the body size */
  pb_len measure;    /* = measure_em * font_size */
  pb_len indent;     /* first-line indent */
  pb_kinsoku kinsoku;
  pb_punct_style punct;
  bool hanging;         /* hang 、，。 at line end */
  bool ragged_right;    /* body text and notes ragged right, not justified */
  pb_emphasis_style emphasis; /* how Chinese emphasis is set */
  bool hyphenate;       /* Latin words via libhyphen */
  char hyphen_dict[64]; /* e.g. "hyph_en_US.dic" */
  int64_t date_epoch;   /* for the PDF info dates, seconds from 1970
                           (negative before); -1 = omit (a date is
                           midnight, a multiple of 86400, never -1) */
  bool vertical;        /* writing-mode: vertical-rl (columns top to
                           bottom, right to left); the measure is the
                           column height */
  int tcy_digits;       /* vertical: digit runs up to this long stand
                           upright in one em (tate-chu-yoko); 0 = off */
  pb_len block_w, block_h; /* the text block on the page: measure wide
                              (horizontal) or measure tall (vertical) */
} pb_settings;

/* Fills s from the language, the front matter and the overrides (ov may be
 * NULL).  Reports, with the key's position: a measure wider than the
 * paper, a font size that leaves no room for text, a `fonts` profile that
 * does not exist; and a SOURCE_DATE_EPOCH that is not a whole number of
 * seconds from 0 to the end of year 9999.  Returns PB_OK or PB_ERR_INPUT. */
pb_status pb_settings_from_meta(const pb_meta *m, const pb_overrides *ov,
                                pb_settings *s, pb_diags *diags);

#endif
