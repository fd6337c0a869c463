/* paiban — the front matter: the key table, typed values, and reading the
 * YAML header with libyaml's event API (include/paiban/frontmatter.h,
 * src/doc/frontmatter.h).
 *
 * Reading is two passes over the (small) YAML text: the first only checks
 * that it is YAML, so a syntax error is the one message the user sees; the
 * second walks the mapping and hands each scalar to the parser of its key's
 * type, which validates it and stores the typed value in pb_meta, at the
 * offsets the table gives.  Nothing later re-validates a value.
 */
#include "doc/frontmatter.h"

#include "paiban/doc.h"

#include "base/utf8.h"
#include "base/util.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define MAX_UNKNOWN_KEYS                                                       \
  64                      /* unknown keys remembered for the duplicate check */
#define CLIP 60           /* bytes of a value quoted in a message */
#define YAML_MAX_KEY 1024 /* libyaml's limit on an implicit ("simple") key */

/* ---------------------------------------------------------------------- */
/* The table                                                               */

/* Language tags by family (pb_script_kind): the first of each is the
 * family's name. */
static const char *const pb_langs[3][5] = {
    {"zh-Hant", "zh-Hant-TW", "zh-Hant-HK", "zh-TW", "zh-HK"},
    {"zh-Hans", "zh-Hans-CN", "zh-CN", "zh", NULL},
    {"en", "en-US", "en-GB", NULL, NULL},
};

static const char *const pb_profile_names[] = {"print", "ebook", NULL};
static const char *const pb_paper_names[] = {"A4", "A5",     "A6", "B5",
                                             "B6", "letter", NULL};
static const char *const pb_kinsoku_names[] = {"none", "basic", "gb", "strict",
                                               NULL};
static const char *const pb_punct_names[] = {"none", "hant-centered",
                                             "hans-standard", NULL};
static const char *const pb_emphasis_names[] = {"kai", "dots", NULL};
static const char *const pb_writing_mode_names[] = {"horizontal-tb",
                                                    "vertical-rl", NULL};
static const char *const pb_epub_fonts_names[] = {"embed", "none", NULL};
static const char *const pb_convert_names[] = {
    "tw2sp", "tw2s", "t2s", "hk2s", "s2t", "s2tw", "s2twp", "s2hk", NULL};

/* Enum values are stored through an int: the enums must be int-sized and
 * the spellings' order must be the enums' order. */
_Static_assert(sizeof(pb_profile_kind) == sizeof(int), "enum size");
_Static_assert(sizeof(pb_paper_kind) == sizeof(int), "enum size");
_Static_assert(sizeof(pb_kinsoku) == sizeof(int), "enum size");
_Static_assert(sizeof(pb_punct_style) == sizeof(int), "enum size");
_Static_assert(sizeof(pb_emphasis_style) == sizeof(int), "enum size");
_Static_assert(sizeof(pb_convert_kind) == sizeof(int), "enum size");
_Static_assert(sizeof(pb_epub_fonts_kind) == sizeof(int), "enum size");
_Static_assert(PB_PROFILE_EBOOK == 1 && PB_PAPER_LETTER == 5 &&
                   PB_KINSOKU_STRICT == 3 && PB_PUNCT_HANS_STANDARD == 2 &&
                   PB_CONVERT_S2HK == 7 && PB_WRITING_VERTICAL_RL == 1 &&
                   PB_EPUB_FONTS_NONE == 1 && PB_EMPHASIS_DOTS == 1,
               "enum order matches the spellings");

_Static_assert(PB_KEY_COUNT <= 32, "pb_meta.given holds a bit per key");

#define AT(field, pos) offsetof(pb_meta, field), offsetof(pb_meta, pos)

static const pb_frontmatter_key pb_keys[PB_KEY_COUNT] = {
    [PB_KEY_TITLE] = {"title", PB_VAL_TEXT, .max_chars = 1000, .defaults = "—",
                      .help = "the title: title page, running heads, PDF info",
                      AT(title, title_pos)},
    [PB_KEY_SUBTITLE] = {"subtitle", PB_VAL_TEXT, .max_chars = 1000,
                         .defaults = "—",
                         .help = "the subtitle, under the title",
                         AT(subtitle, subtitle_pos)},
    [PB_KEY_AUTHOR] = {"author", PB_VAL_TEXT, .max_chars = 1000,
                       .defaults = "—",
                       .help = "the author: title page and PDF info",
                       AT(author, author_pos)},
    [PB_KEY_DATE] = {"date", PB_VAL_DATE,
                     .defaults = "`SOURCE_DATE_EPOCH`, else none",
                     .help = "the PDF's creation date", AT(date, date_pos)},
    [PB_KEY_LANG] = {"lang", PB_VAL_LANG, .defaults = "`zh-Hant`",
                     .help = "the language; sets the other defaults",
                     AT(lang, lang_pos)},
    [PB_KEY_PROFILE] = {"profile", PB_VAL_ENUM, pb_profile_names,
                        .defaults = "`print` (`--profile` overrides)",
                        .help = "print book or screen ebook",
                        AT(profile, profile_pos)},
    [PB_KEY_PAPER] = {"paper", PB_VAL_ENUM, pb_paper_names,
                      .defaults = "A5 (print), 90×120 mm (ebook)",
                      .help = "the trim size (print)", AT(paper, paper_pos)},
    [PB_KEY_FONT_SIZE] = {"font-size", PB_VAL_NUMBER, .unit = "pt", .min = 4,
                          .max = 72, .defaults = "10.5",
                          .help = "the body size in points",
                          AT(font_size, font_size_pos)},
    [PB_KEY_LINE_PITCH] = {"line-pitch", PB_VAL_NUMBER, .min = 1, .max = 3,
                           .defaults = "1.7 Chinese, 1.45 English",
                           .help = "baseline to baseline, in font sizes",
                           AT(line_pitch, line_pitch_pos)},
    [PB_KEY_MEASURE] = {"measure", PB_VAL_NUMBER, .min = 5, .max = 200,
                        .integer = true, .defaults = "30 on A5",
                        .help = "the line length in em (characters)",
                        AT(measure, measure_pos)},
    [PB_KEY_KINSOKU] = {"kinsoku", PB_VAL_ENUM, pb_kinsoku_names,
                        .defaults = "strict (Chinese), basic (en)",
                        .help = "line-breaking prohibitions (clreq)",
                        AT(kinsoku, kinsoku_pos)},
    [PB_KEY_PUNCTUATION] = {"punctuation", PB_VAL_ENUM, pb_punct_names,
                            .defaults = "hant-centered (zh-Hant), "
                                        "hans-standard (zh-Hans), none (en)",
                            .help = "full-width punctuation style",
                            AT(punctuation, punctuation_pos)},
    [PB_KEY_HANGING] = {"hanging", PB_VAL_BOOL, .defaults = "`false`",
                        .help = "hang 、，。 past the line end",
                        AT(hanging, hanging_pos)},
    [PB_KEY_RAGGED_RIGHT] = {"ragged-right", PB_VAL_BOOL,
                             .defaults = "`true` for English in a measure "
                                         "under 24 em (the ebook), else `false`",
                             .help = "set body text and notes ragged right "
                                     "instead of justified",
                             AT(ragged_right, ragged_right_pos)},
    [PB_KEY_EMPHASIS] = {"emphasis", PB_VAL_ENUM, pb_emphasis_names,
                         .defaults = "dots (zh-Hans), kai (zh-Hant)",
                         .help = "Chinese emphasis: the Kai face scaled to "
                                 "the body's ink, or a dot by each Han "
                                 "character (着重号)",
                         AT(emphasis, emphasis_pos)},
    [PB_KEY_WRITING_MODE] = {"writing-mode", PB_VAL_ENUM, pb_writing_mode_names,
                             .defaults = "horizontal-tb",
                             .help = "lines, or columns right to left (直排)",
                             AT(writing_mode, writing_mode_pos)},
    [PB_KEY_TATE_CHU_YOKO] = {"tate-chu-yoko", PB_VAL_NUMBER, .min = 0,
                              .max = 4, .integer = true, .defaults = "2",
                              .help = "vertical: digit runs up to this long "
                                      "stand upright in one em (縱中橫); 0 off",
                              AT(tate_chu_yoko, tate_chu_yoko_pos)},
    [PB_KEY_BLEED] = {"bleed", PB_VAL_NUMBER, .unit = "mm", .min = 0, .max = 20,
                      .defaults = "3",
                      .help = "millimetres around the trim (print)",
                      AT(bleed, bleed_pos)},
    [PB_KEY_CROP_MARKS] = {"crop-marks", PB_VAL_BOOL, .defaults = "`false`",
                           .help = "crop marks outside the bleed (print)",
                           AT(crop_marks, crop_marks_pos)},
    [PB_KEY_FONTS] = {"fonts", PB_VAL_NAME, .max_chars = 200,
                      .defaults = "by language",
                      .help = "the font profile `fonts/NAME.conf`",
                      AT(fonts, fonts_pos)},
    [PB_KEY_DERIVE_FROM] = {"derive-from", PB_VAL_PATH, .max_chars = 4000,
                            .defaults = "—",
                            .help = "take the text of this other manuscript",
                            AT(derive_from, derive_pos)},
    [PB_KEY_CONVERT] = {"convert", PB_VAL_OPENCC, pb_convert_names,
                        .defaults = "—",
                        .help = "OpenCC conversion of the `derive-from` text",
                        AT(convert, convert_pos)},
    [PB_KEY_EPUB_FONTS] = {"epub-fonts", PB_VAL_ENUM, pb_epub_fonts_names,
                           .defaults = "`embed`",
                           .help = "EPUB: embed font subsets, or none",
                           AT(epub_fonts, epub_fonts_pos)},
};

const pb_frontmatter_key *pb_frontmatter_key_get(pb_key_id id) {
  return id < PB_KEY_COUNT ? &pb_keys[id] : NULL;
}

const char *pb_meta_enum_name(pb_key_id id, int value) {
  const pb_frontmatter_key *k = pb_frontmatter_key_get(id);
  if (!k || !k->values || value < 0) return NULL;
  for (int i = 0; k->values[i]; i++)
    if (i == value) return k->values[i];
  return NULL;
}

void pb_meta_free(pb_meta *m) {
  for (int id = 0; id < PB_KEY_COUNT; id++) {
    pb_key_type t = pb_keys[id].type;
    if (t == PB_VAL_TEXT || t == PB_VAL_LANG || t == PB_VAL_PATH ||
        t == PB_VAL_NAME)
      free(*(char **)((char *)m + pb_keys[id].value_offset));
  }
  memset(m, 0, sizeof *m);
}

/* The family of a known tag, or -1. */
static int pb_lang_find(const char *tag) {
  for (int f = 0; f < 3; f++)
    for (int i = 0; i < 5 && pb_langs[f][i]; i++)
      if (strcasecmp(tag, pb_langs[f][i]) == 0) return f;
  return -1;
}

bool pb_lang_is_known(const char *tag) { return tag && pb_lang_find(tag) >= 0; }

/* ---------------------------------------------------------------------- */
/* Values, one parser per type                                             */

typedef struct pb_fm_value {
  const pb_frontmatter_key *key;
  const char *s; /* NUL-terminated; YAML escapes may put a NUL inside */
  size_t len;
  pb_pos pos;
  int clip;        /* bytes of s quoted in messages */
  const char *ell; /* "..." when s is longer than that */
} pb_fm_value;

static void *pb_fm_field(pb_meta *m, const pb_fm_value *v) {
  return (char *)m + v->key->value_offset;
}

static pb_status pb_fm_bad(const pb_fm_value *v, pb_diags *d,
                           const char *what) {
  pb_diag_add(d, PB_SEV_ERROR, v->pos, "'%s' must be %s (got '%.*s%s')",
              v->key->name, what, v->clip, v->s, v->ell);
  return PB_ERR_INPUT;
}

static pb_status pb_fm_text(const pb_fm_value *v, pb_meta *m, pb_diags *d) {
  char *p = pb_strdup(v->s);
  if (!p) return PB_ERR_NOMEM;
  char **field = pb_fm_field(m, v);
  free(*field);
  *field = p;
  return PB_OK;
}

static bool pb_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Exactly YYYY-MM-DD, a day that exists, year 0001..9999. */
static pb_status pb_fm_date(const pb_fm_value *v, pb_meta *m, pb_diags *d) {
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const char *s = v->s;
  bool shape = v->len == 10 && s[4] == '-' && s[7] == '-';
  for (size_t i = 0; shape && i < 10; i++)
    if (i != 4 && i != 7 && !(s[i] >= '0' && s[i] <= '9')) shape = false;
  if (!shape) return pb_fm_bad(v, d, "a date written YYYY-MM-DD");
  int y = atoi(s), mo = atoi(s + 5), dd = atoi(s + 8);
  int last = mo >= 1 && mo <= 12 ? mdays[mo - 1] + (mo == 2 && pb_leap(y)) : 0;
  if (y < 1 || mo < 1 || mo > 12 || dd < 1 || dd > last)
    return pb_fm_bad(v, d, "a date that exists, written YYYY-MM-DD");
  *(pb_date *)pb_fm_field(m, v) = (pb_date){y, mo, dd};
  return PB_OK;
}

/* The values of k as "a, b or c" into buf. */
static void pb_fm_list(const char *const *vals, char *buf, size_t size) {
  size_t n = 0;
  buf[0] = '\0';
  for (const char *const *q = vals; *q && n < size; q++)
    n += (size_t)snprintf(buf + n, size - n, "%s%s",
                          q == vals ? ""
                          : q[1]    ? ", "
                                    : " or ",
                          *q);
}

/* ENUM and OPENCC: one of the spellings, case-insensitively. */
static pb_status pb_fm_enum(const pb_fm_value *v, pb_meta *m, pb_diags *d) {
  for (int i = 0; v->key->values[i]; i++)
    if (strcasecmp(v->s, v->key->values[i]) == 0) {
      *(int *)pb_fm_field(m, v) = i;
      return PB_OK;
    }
  char list[256];
  pb_fm_list(v->key->values, list, sizeof list);
  pb_diag_add(d, PB_SEV_ERROR, v->pos,
              "unknown value '%.*s%s' for '%s' (expected %s)", v->clip, v->s,
              v->ell, v->key->name, list);
  return PB_ERR_INPUT;
}

/* A plain decimal number ("10", "10.5", "-3"), optionally followed by the
 * unit (e.g. "pt").  No exponents, no locale: strtod is not used.  False
 * for anything else, and for digit strings too long to be finite. */
static bool pb_fm_number_text(const char *s, const char *unit, double *out) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  size_t ul = unit ? strlen(unit) : 0;
  if (ul && n > ul && strncasecmp(s + n - ul, unit, ul) == 0) {
    n -= ul;
    while (n > 0 && s[n - 1] == ' ')
      n--;
  }
  size_t i = 0;
  while (i < n && s[i] == ' ')
    i++;
  bool neg = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  double mant = 0, scale = 1;
  int digits = 0;
  bool dot = false;
  for (; i < n; i++) {
    if (s[i] >= '0' && s[i] <= '9') {
      /* Fraction digits past double's precision change nothing. */
      if (!dot || digits < 18) {
        mant = mant * 10 + (s[i] - '0');
        if (dot) scale *= 10;
      }
      digits++;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  if (digits == 0 || !isfinite(mant) || !isfinite(scale)) return false;
  *out = (neg ? -mant : mant) / scale;
  return isfinite(*out);
}

static pb_status pb_fm_number(const pb_fm_value *v, pb_meta *m, pb_diags *d) {
  const pb_frontmatter_key *k = v->key;
  double x = 0;
  bool ok = pb_fm_number_text(v->s, k->unit, &x) && x >= k->min && x <= k->max;
  if (ok && k->integer && x != floor(x)) ok = false;
  if (!ok) {
    char what[160];
    snprintf(what, sizeof what, "%s from %g to %g%s%s%s%s",
             k->integer ? "a whole number" : "a number", k->min, k->max,
             k->unit ? " " : "", k->unit ? k->unit : "",
             k->unit ? ", like 10 or 10" : "", k->unit ? k->unit : "");
    return pb_fm_bad(v, d, what);
  }
  *(double *)pb_fm_field(m, v) = x;
  return PB_OK;
}

static pb_status pb_fm_bool(const pb_fm_value *v, pb_meta *m, pb_diags *d) {
  bool yes = strcasecmp(v->s, "true") == 0 || strcasecmp(v->s, "yes") == 0;
  bool no = strcasecmp(v->s, "false") == 0 || strcasecmp(v->s, "no") == 0;
  if (!yes && !no) return pb_fm_bad(v, d, "true or false");
  *(bool *)pb_fm_field(m, v) = yes;
  return PB_OK;
}

static pb_status pb_fm_lang(const pb_fm_value *v, pb_meta *m, pb_diags *d) {
  int family = pb_lang_find(v->s);
  if (family < 0) {
    pb_diag_add(d, PB_SEV_ERROR, v->pos,
                "unknown language '%.*s%s' in 'lang' (known: zh-Hant, "
                "zh-Hant-TW, zh-Hant-HK, zh-TW, zh-HK, zh-Hans, zh-Hans-CN, "
                "zh-CN, zh, en, en-US, en-GB)",
                v->clip, v->s, v->ell);
    return PB_ERR_INPUT;
  }
  m->script = (pb_script_kind)family;
  /* Latin words follow the language's spelling: British for en-GB,
   * American otherwise (also inside Chinese text). */
  m->hyphen_dict =
      strcasecmp(v->s, "en-GB") == 0 ? "hyph_en_GB.dic" : "hyph_en_US.dic";
  return pb_fm_text(v, m, d);
}

static pb_status pb_fm_path(const pb_fm_value *v, pb_meta *m, pb_diags *d) {
  size_t n = strlen(v->s);
  if (n < 4 || n != v->len || strcmp(v->s + n - 3, ".md") != 0)
    return pb_fm_bad(v, d, "a manuscript file ending in .md");
  return pb_fm_text(v, m, d);
}

static pb_status pb_fm_name(const pb_fm_value *v, pb_meta *m, pb_diags *d) {
  bool ok = v->len > 0 && strlen(v->s) == v->len;
  for (const char *s = v->s; ok && *s; s++)
    ok = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
         (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-';
  if (!ok)
    return pb_fm_bad(v, d,
                     "a font profile name made of letters, digits, '.', '_' "
                     "and '-'");
  return pb_fm_text(v, m, d);
}

typedef pb_status (*pb_fm_parser)(const pb_fm_value *, pb_meta *, pb_diags *);
static const pb_fm_parser pb_fm_parsers[] = {
    [PB_VAL_TEXT] = pb_fm_text,   [PB_VAL_DATE] = pb_fm_date,
    [PB_VAL_ENUM] = pb_fm_enum,   [PB_VAL_NUMBER] = pb_fm_number,
    [PB_VAL_BOOL] = pb_fm_bool,   [PB_VAL_LANG] = pb_fm_lang,
    [PB_VAL_PATH] = pb_fm_path,   [PB_VAL_NAME] = pb_fm_name,
    [PB_VAL_OPENCC] = pb_fm_enum,
};

/* Validates and stores the value s[0..len) (NUL-terminated) of key id. */
static pb_status pb_fm_set(pb_meta *m, pb_key_id id, const char *s, size_t len,
                           pb_pos pos, pb_diags *d) {
  pb_fm_value v = {&pb_keys[id], s, len, pos, 0, ""};
  v.clip = pb_utf8_clip(s, len, CLIP);
  if ((size_t)v.clip < len) v.ell = "...";
  /* YAML escapes ("\a", "\0", "\x85") can produce control characters. */
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t k = pb_utf8_decode(s + i, len - i, &cp);
    if (k == 0 || (cp != '\n' && (cp == 0 || pb_is_bad_control(cp)))) {
      pb_diag_add(d, PB_SEV_ERROR, pos,
                  "value of '%s' contains a control character or invalid UTF-8",
                  v.key->name);
      return PB_ERR_INPUT;
    }
    i += k;
  }
  size_t chars = pb_utf8_count(s, len);
  if (v.key->max_chars && chars > v.key->max_chars) {
    pb_diag_add(d, PB_SEV_ERROR, pos,
                "the value of '%s' is %zu characters long; at most %zu",
                v.key->name, chars, v.key->max_chars);
    return PB_ERR_INPUT;
  }
  pb_status st = pb_fm_parsers[v.key->type](&v, m, d);
  if (st == PB_OK) {
    m->given |= 1u << id;
    *(pb_pos *)((char *)m + v.key->pos_offset) = pos;
  }
  return st;
}

/* Checks between keys, once all are read. */
static pb_status pb_fm_check_keys(const pb_meta *m, pb_diags *d) {
  if (pb_meta_has(m, PB_KEY_CONVERT) && !pb_meta_has(m, PB_KEY_DERIVE_FROM)) {
    pb_diag_add(d, PB_SEV_ERROR, m->convert_pos,
                "'convert' needs 'derive-from': it converts the text of the "
                "manuscript named there");
    return PB_ERR_INPUT;
  }
  return PB_OK;
}

/* ---------------------------------------------------------------------- */
/* Unknown keys                                                            */

/* Edit distance of a and b, a swap of neighbours counting as one edit
 * (optimal string alignment; case-insensitive; both at most 64 bytes). */
static size_t pb_fm_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b), t[65][65];
  for (size_t i = 0; i <= la; i++)
    t[i][0] = i;
  for (size_t j = 0; j <= lb; j++)
    t[0][j] = j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int ca = tolower((unsigned char)a[i - 1]),
          cb = tolower((unsigned char)b[j - 1]);
      size_t best = t[i - 1][j - 1] + (ca != cb);
      if (t[i - 1][j] + 1 < best) best = t[i - 1][j] + 1;
      if (t[i][j - 1] + 1 < best) best = t[i][j - 1] + 1;
      if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
          cb == tolower((unsigned char)a[i - 2]) && t[i - 2][j - 2] + 1 < best)
        best = t[i - 2][j - 2] + 1;
      t[i][j] = best;
    }
  return t[la][lb];
}

/* The known key closest to an unknown one: within a third of its length
 * in edits (at least one), or one being the other's start ("language" →
 * "lang"); NULL if none is. */
static const char *pb_fm_suggest(const char *key) {
  size_t n = strlen(key), best = SIZE_MAX;
  const char *name = NULL;
  if (n < 2 || n > 64) return NULL;
  for (int id = 0; id < PB_KEY_COUNT; id++) {
    const char *k = pb_keys[id].name;
    size_t kl = strlen(k), dist = pb_fm_distance(key, k);
    size_t shorter = n < kl ? n : kl;
    bool prefix = shorter >= 4 && strncasecmp(key, k, shorter) == 0;
    size_t limit = n / 3 > 1 ? n / 3 : 1;
    if ((dist <= limit || prefix) && dist < best) {
      best = dist;
      name = k;
    }
  }
  return name;
}

/* ---------------------------------------------------------------------- */
/* YAML                                                                    */

typedef struct pb_fm_reader {
  const char *yaml;
  size_t len;
  uint32_t first_line;
  pb_meta *m;
  pb_diags *diags;
  yaml_parser_t parser;
  bool parser_ok;
  yaml_event_t ev;
  bool have_ev;
  uint32_t seen; /* keys read (bits by pb_key_id) */
  char *unknown[MAX_UNKNOWN_KEYS];
  size_t nunknown;
} pb_fm_reader;

/* The source position of a libyaml mark.  libyaml also counts U+0085,
 * U+2028 and U+2029 as line breaks, which the manuscript's lines (and every
 * other position paiban gives) do not: walk the text counting both. */
static pb_pos pb_fm_mark(const pb_fm_reader *r, yaml_mark_t mk) {
  pb_pos p = {r->first_line, 1};
  size_t yline = 0, ycol = 0, i = 0;
  while (i < r->len && (yline < mk.line || ycol < mk.column)) {
    uint32_t cp = 0;
    size_t n = pb_utf8_decode(r->yaml + i, r->len - i, &cp);
    if (n == 0) n = 1;
    i += n;
    bool ybreak = cp == '\n' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
    if (ybreak && yline >= mk.line) break; /* a column past the line's end */
    if (ybreak) {
      yline++;
      ycol = 0;
    } else {
      ycol++;
    }
    if (cp == '\n') {
      p.line++;
      p.col = 1;
    } else {
      p.col++;
    }
  }
  return p;
}

/* Position of byte off of the YAML text (columns in characters). */
static pb_pos pb_fm_offset_pos(const pb_fm_reader *r, size_t off) {
  pb_pos p = {r->first_line, 1};
  for (size_t i = 0; i < off && i < r->len; i++) {
    if (r->yaml[i] == '\n') {
      p.line++;
      p.col = 1;
    } else if (((unsigned char)r->yaml[i] & 0xC0) != 0x80) {
      p.col++;
    }
  }
  return p;
}

/* A top-level key longer than libyaml's simple-key limit makes the line
 * something else than a key (the document becomes a scalar, or a syntax
 * error): find such a line and say what is wrong with it. */
static bool pb_fm_long_key(const pb_fm_reader *r) {
  for (size_t a = 0; a < r->len;) {
    const char *nl = memchr(r->yaml + a, '\n', r->len - a);
    size_t b = nl ? (size_t)(nl - r->yaml) : r->len;
    char c0 = r->yaml[a];
    if (b - a > YAML_MAX_KEY && c0 != ' ' && c0 != '\t' && c0 != '#') {
      size_t chars = 0;
      for (size_t i = a; i < b; i++) {
        if (r->yaml[i] == ':' && (i + 1 == b || r->yaml[i + 1] == ' ') &&
            chars > YAML_MAX_KEY) {
          pb_diag_add(r->diags, PB_SEV_ERROR, pb_fm_offset_pos(r, a),
                      "front-matter key is %zu characters long; keys are at "
                      "most %d (and paiban's are short names like 'title')",
                      chars, YAML_MAX_KEY);
          return true;
        }
        chars += ((unsigned char)r->yaml[i] & 0xC0) != 0x80;
      }
    }
    a = b + 1;
  }
  return false;
}

/* Reports the parser's error (a syntax error, or a long key that caused
 * it) and returns PB_ERR_INPUT, or PB_ERR_NOMEM. */
static pb_status pb_fm_yaml_error(const pb_fm_reader *r, yaml_parser_t *p) {
  if (p->error == YAML_MEMORY_ERROR) return PB_ERR_NOMEM;
  if (pb_fm_long_key(r)) return PB_ERR_INPUT;
  pb_pos pos = p->error == YAML_READER_ERROR
                   ? pb_fm_offset_pos(r, p->problem_offset)
                   : pb_fm_mark(r, p->problem_mark);
  const char *problem = p->problem ? p->problem : "syntax error";
  if (p->context)
    pb_diag_add(r->diags, PB_SEV_ERROR, pos,
                "invalid YAML in front matter: %s (%s)", problem, p->context);
  else
    pb_diag_add(r->diags, PB_SEV_ERROR, pos, "invalid YAML in front matter: %s",
                problem);
  return PB_ERR_INPUT;
}

/* libyaml takes time quadratic in the nesting of flow collections
 * ("[[[[..."); no real front matter nests, so refuse deep ones before
 * libyaml sees them (brackets in quoted strings count too). */
static pb_status pb_fm_check_nesting(const pb_fm_reader *r) {
  size_t depth = 0;
  for (size_t i = 0; i < r->len; i++) {
    char ch = r->yaml[i];
    if (ch == '[' || ch == '{') {
      if (++depth > PB_MAX_NESTING) {
        pb_diag_add(r->diags, PB_SEV_ERROR, pb_fm_offset_pos(r, i),
                    "front matter is nested too deeply");
        return PB_ERR_INPUT;
      }
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      depth--;
    }
  }
  return PB_OK;
}

static pb_status pb_fm_start(pb_fm_reader *r, yaml_parser_t *p) {
  if (!yaml_parser_initialize(p)) return PB_ERR_NOMEM;
  yaml_parser_set_input_string(p, (const unsigned char *)r->yaml, r->len);
  yaml_parser_set_encoding(p, YAML_UTF8_ENCODING);
  return PB_OK;
}

/* Pass 1: the whole text is YAML (one message, at the problem, if not). */
static pb_status pb_fm_check_syntax(pb_fm_reader *r) {
  yaml_parser_t p;
  pb_status st = pb_fm_start(r, &p);
  if (st != PB_OK) return st;
  yaml_event_t ev;
  for (;;) {
    if (!yaml_parser_parse(&p, &ev)) {
      st = pb_fm_yaml_error(r, &p);
      break;
    }
    bool end = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (end) break;
  }
  yaml_parser_delete(&p);
  return st;
}

/* Reads the next event into r->ev (pass 2). */
static pb_status pb_fm_next(pb_fm_reader *r) {
  if (r->have_ev) yaml_event_delete(&r->ev);
  r->have_ev = false;
  if (!yaml_parser_parse(&r->parser, &r->ev))
    return pb_fm_yaml_error(r, &r->parser);
  r->have_ev = true;
  return PB_OK;
}

/* "key:", "key: ~" and "key: null" leave the setting unset. */
static bool pb_fm_is_null(const yaml_event_t *ev) {
  const char *v = (const char *)ev->data.scalar.value;
  if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
  return ev->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
         strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
         strcmp(v, "NULL") == 0;
}

/* Skips the collection whose start event is current (iteratively). */
static pb_status pb_fm_skip(pb_fm_reader *r) {
  yaml_event_type_t t = r->ev.type;
  if (t != YAML_SEQUENCE_START_EVENT && t != YAML_MAPPING_START_EVENT)
    return PB_OK;
  for (size_t depth = 1; depth > 0;) {
    pb_status st = pb_fm_next(r);
    if (st != PB_OK) return st;
    t = r->ev.type;
    if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT)
      depth++;
    else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT)
      depth--;
  }
  return PB_OK;
}

/* The current event is key id's value. */
static pb_status pb_fm_value_event(pb_fm_reader *r, pb_key_id id) {
  pb_pos vpos = pb_fm_mark(r, r->ev.start_mark);
  const char *name = pb_keys[id].name;
  if (r->ev.type == YAML_ALIAS_EVENT) {
    const char *anchor = (const char *)r->ev.data.alias.anchor;
    int al = pb_utf8_clip(anchor, strlen(anchor), CLIP);
    pb_diag_add(r->diags, PB_SEV_ERROR, vpos,
                "the value of '%s' is an alias (*%.*s); front matter does not "
                "support YAML aliases: write the value itself",
                name, al, anchor);
    return PB_ERR_INPUT;
  }
  if (r->ev.type != YAML_SCALAR_EVENT) {
    pb_diag_add(r->diags, PB_SEV_ERROR, vpos, "key '%s' must be a single value",
                name);
    return PB_ERR_INPUT;
  }
  if (pb_fm_is_null(&r->ev)) return PB_OK;
  return pb_fm_set(r->m, id, (const char *)r->ev.data.scalar.value,
                   r->ev.data.scalar.length, vpos, r->diags);
}

/* Is key a duplicate?  Remembers it (a copy, for unknown keys). */
static pb_status pb_fm_note_key(pb_fm_reader *r, const char *key, int id,
                                bool *dup) {
  *dup = false;
  if (id >= 0) {
    *dup = r->seen & (1u << id);
    r->seen |= 1u << id;
    return PB_OK;
  }
  for (size_t u = 0; u < r->nunknown && !*dup; u++)
    *dup = strcmp(r->unknown[u], key) == 0;
  if (*dup || r->nunknown == MAX_UNKNOWN_KEYS) return PB_OK;
  if (!(r->unknown[r->nunknown] = pb_strdup(key))) return PB_ERR_NOMEM;
  r->nunknown++;
  return PB_OK;
}

/* The current event is the value of the scalar key (NUL-terminated, keylen
 * bytes) at kpos: a known key's value is read, an unknown key warned of. */
static pb_status pb_fm_key_value(pb_fm_reader *r, const char *key,
                                 size_t keylen, pb_pos kpos) {
  int id = -1;
  for (int k = 0; k < PB_KEY_COUNT && strlen(key) == keylen; k++)
    if (strcmp(key, pb_keys[k].name) == 0) id = k;
  bool dup;
  pb_status st = pb_fm_note_key(r, key, id, &dup);
  if (st != PB_OK) return st;
  int kl = pb_utf8_clip(key, keylen, CLIP);
  if (dup) {
    pb_diag_add(r->diags, PB_SEV_ERROR, kpos,
                "duplicate front-matter key '%.*s'", kl, key);
    return PB_ERR_INPUT;
  }
  if (id >= 0) return pb_fm_value_event(r, (pb_key_id)id);
  const char *near = pb_fm_suggest(key);
  if (near)
    pb_diag_add(r->diags, PB_SEV_WARNING, kpos,
                "unknown front-matter key '%.*s' (ignored); did you mean '%s'?",
                kl, key, near);
  else
    pb_diag_add(r->diags, PB_SEV_WARNING, kpos,
                "unknown front-matter key '%.*s' (ignored)", kl, key);
  return PB_OK;
}

/* One "key: value" pair; the current event is the key.  Value errors are
 * reported and reading goes on (PB_OK), so that all are reported. */
static pb_status pb_fm_pair(pb_fm_reader *r) {
  pb_pos kpos = pb_fm_mark(r, r->ev.start_mark);
  char *key = NULL;
  size_t keylen = 0;
  pb_status st = PB_OK;
  if (r->ev.type == YAML_SCALAR_EVENT) {
    keylen = r->ev.data.scalar.length;
    if (!(key = malloc(keylen + 1))) return PB_ERR_NOMEM;
    memcpy(key, r->ev.data.scalar.value, keylen);
    key[keylen] = '\0';
  } else {
    pb_diag_add(r->diags, PB_SEV_ERROR, kpos,
                "front-matter keys must be plain names");
    st = pb_fm_skip(r);
  }
  if (st == PB_OK) st = pb_fm_next(r); /* the value */
  if (st == PB_OK && key) st = pb_fm_key_value(r, key, keylen, kpos);
  if (st == PB_ERR_INPUT) st = PB_OK;
  if (st == PB_OK) st = pb_fm_skip(r);
  free(key);
  return st;
}

/* The root is not a mapping: say why. */
static pb_status pb_fm_not_mapping(pb_fm_reader *r) {
  if (!pb_fm_long_key(r))
    pb_diag_add(r->diags, PB_SEV_ERROR, pb_fm_mark(r, r->ev.start_mark),
                "front matter must be a mapping of 'key: value' lines");
  return PB_ERR_INPUT;
}

/* Pass 2: the mapping, pair by pair, then the end of the one document. */
static pb_status pb_fm_interpret(pb_fm_reader *r) {
  pb_status st = pb_fm_start(r, &r->parser);
  if (st != PB_OK) return st;
  r->parser_ok = true;
  if ((st = pb_fm_next(r)) || (st = pb_fm_next(r))) /* stream, document */
    return st;
  if (r->ev.type == YAML_STREAM_END_EVENT) return PB_OK; /* only comments */
  if ((st = pb_fm_next(r))) return st;
  if (r->ev.type == YAML_SCALAR_EVENT && r->ev.data.scalar.length == 0 &&
      r->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
    /* A document with nothing but a directive or "~": no settings. */
  } else if (r->ev.type != YAML_MAPPING_START_EVENT) {
    return pb_fm_not_mapping(r);
  } else {
    for (;;) {
      if ((st = pb_fm_next(r))) return st;
      if (r->ev.type == YAML_MAPPING_END_EVENT) break;
      if ((st = pb_fm_pair(r))) return st;
    }
  }
  if ((st = pb_fm_next(r)) || (st = pb_fm_next(r))) /* document end, next */
    return st;
  if (r->ev.type == YAML_DOCUMENT_START_EVENT) {
    pb_diag_add(r->diags, PB_SEV_ERROR, pb_fm_mark(r, r->ev.start_mark),
                "front matter must be a single YAML document");
    return PB_ERR_INPUT;
  }
  return PB_OK;
}

pb_status pb_frontmatter_read(const char *yaml, size_t len, uint32_t first_line,
                              pb_meta *m, pb_diags *diags) {
  pb_fm_reader r = {.yaml = yaml,
                    .len = len,
                    .first_line = first_line,
                    .m = m,
                    .diags = diags};
  size_t errors0 = diags->errors;
  pb_status st = pb_fm_check_nesting(&r);
  if (st == PB_OK) st = pb_fm_check_syntax(&r);
  if (st == PB_OK) st = pb_fm_interpret(&r);
  if (st == PB_OK) st = pb_fm_check_keys(m, diags);
  for (size_t u = 0; u < r.nunknown; u++)
    free(r.unknown[u]);
  if (r.have_ev) yaml_event_delete(&r.ev);
  if (r.parser_ok) yaml_parser_delete(&r.parser);
  if (st == PB_OK && diags->errors > errors0) st = PB_ERR_INPUT;
  return st;
}

/* ---------------------------------------------------------------------- */
/* Describing the keys (--help, --list-keys, README.md)                    */

/* Writes s, leaving out Markdown's backticks unless md. */
static void pb_fm_put(FILE *f, const char *s, bool md) {
  for (; *s; s++)
    if (md || *s != '`') fputc(*s, f);
}

/* The accepted values of k, in words. */
static void pb_fm_put_values(FILE *f, const pb_frontmatter_key *k, bool md) {
  const char *q = md ? "`" : "";
  switch (k->type) {
  case PB_VAL_TEXT:
    fprintf(f, "text, up to %zu characters", k->max_chars);
    return;
  case PB_VAL_DATE: fputs("a date, YYYY-MM-DD", f); return;
  case PB_VAL_BOOL: fprintf(f, "%strue%s or %sfalse%s", q, q, q, q); return;
  case PB_VAL_PATH:
    fputs("a manuscript file (.md), relative to this one", f);
    return;
  case PB_VAL_NAME: fprintf(f, "a profile name in %sfonts/%s", q, q); return;
  case PB_VAL_NUMBER:
    fprintf(f, "%s from %g to %g%s%s", k->integer ? "whole number" : "number",
            k->min, k->max, k->unit ? " " : "", k->unit ? k->unit : "");
    return;
  case PB_VAL_LANG:
    for (int fam = 0; fam < 3; fam++) {
      fprintf(f, "%s%s%s%s (", fam ? ", " : "", q, pb_langs[fam][0], q);
      for (int i = 1; i < 5 && pb_langs[fam][i]; i++)
        fprintf(f, "%s%s%s%s", i > 1 ? ", " : "", q, pb_langs[fam][i], q);
      fputc(')', f);
    }
    return;
  case PB_VAL_ENUM:
  case PB_VAL_OPENCC:
    if (k->type == PB_VAL_OPENCC) fputs("OpenCC configuration: ", f);
    for (int i = 0; k->values[i]; i++)
      fprintf(f, "%s%s%s%s", i ? ", " : "", q, k->values[i], q);
    return;
  }
}

static void pb_fm_describe_to(FILE *f, pb_keys_format fmt) {
  bool md = fmt == PB_KEYS_MARKDOWN;
  if (md)
    fputs("| key | values | default | what it sets |\n|---|---|---|---|\n", f);
  else
    fputs("Front-matter keys (YAML between '---' lines at the top; all "
          "optional):\n",
          f);
  for (int id = 0; id < PB_KEY_COUNT; id++) {
    const pb_frontmatter_key *k = &pb_keys[id];
    if (md)
      fprintf(f, "| `%s` | ", k->name);
    else
      fprintf(f, "  %-12s ", k->name);
    if (!md) {
      pb_fm_put(f, k->help, md);
      fputs(": ", f);
    }
    pb_fm_put_values(f, k, md);
    fputs(md ? " | " : " (default: ", f);
    pb_fm_put(f, k->defaults, md);
    if (md) {
      fputs(" | ", f);
      pb_fm_put(f, k->help, md);
    }
    fputs(md ? " |\n" : ")\n", f);
  }
}

pb_status pb_frontmatter_describe(pb_keys_format fmt, char **out) {
  char *buf = NULL;
  size_t size = 0;
  *out = NULL;
  FILE *f = open_memstream(&buf, &size);
  if (!f) return PB_ERR_NOMEM;
  pb_fm_describe_to(f, fmt);
  bool ok = !ferror(f);
  if (fclose(f) != 0) ok = false;
  if (!ok || !buf) {
    free(buf);
    return PB_ERR_NOMEM;
  }
  *out = buf;
  return PB_OK;
}
