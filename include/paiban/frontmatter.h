/* paiban — the front matter: one table of keys and the typed values read
 * from a manuscript's YAML header (src/doc/frontmatter.c).
 *
 * The table (pb_frontmatter_key) is the single description of every key:
 * its name, value type, enum values or number range, the default by
 * language (as text, for the documentation) and a one-line help.  It drives
 * parsing and validation (each value once, at its position), `paiban
 * --help`, `paiban --list-keys=markdown` and README.md's key table.
 *
 * Ownership: a pb_meta owns its strings; pb_meta_free() frees them.  The
 * key table is static and never freed.
 */
#ifndef PAIBAN_FRONTMATTER_H
#define PAIBAN_FRONTMATTER_H

#include "base.h"
#include "cjk.h"

/* Every front-matter key, in the table's (and the documentation's) order. */
typedef enum pb_key_id {
  PB_KEY_TITLE = 0,
  PB_KEY_SUBTITLE,
  PB_KEY_AUTHOR,
  PB_KEY_DATE,
  PB_KEY_LANG,
  PB_KEY_PROFILE,
  PB_KEY_PAPER,
  PB_KEY_FONT_SIZE,
  PB_KEY_LINE_PITCH,
  PB_KEY_MEASURE,
  PB_KEY_KINSOKU,
  PB_KEY_PUNCTUATION,
  PB_KEY_HANGING,
  PB_KEY_RAGGED_RIGHT,
  PB_KEY_EMPHASIS,
  PB_KEY_WRITING_MODE,
  PB_KEY_TATE_CHU_YOKO,
  PB_KEY_BLEED,
  PB_KEY_CROP_MARKS,
  PB_KEY_FONTS,
  PB_KEY_DERIVE_FROM,
  PB_KEY_CONVERT,
  PB_KEY_EPUB_FONTS,
  PB_KEY_COUNT
} pb_key_id;

typedef enum pb_key_type {
  PB_VAL_TEXT = 0, /* free text */
  PB_VAL_DATE,     /* YYYY-MM-DD, a day that exists */
  PB_VAL_ENUM,     /* one of values[] (case-insensitive) */
  PB_VAL_NUMBER,   /* decimal number in [min, max], optional unit */
  PB_VAL_BOOL,     /* true/yes or false/no */
  PB_VAL_LANG,     /* a language tag paiban knows (pb_lang_is_known) */
  PB_VAL_PATH,     /* a manuscript path ending in .md */
  PB_VAL_NAME,     /* a font profile name: letters, digits, . _ - */
  PB_VAL_OPENCC,   /* an OpenCC configuration: one of values[] */
} pb_key_type;

typedef struct pb_frontmatter_key {
  const char *name;
  pb_key_type type;
  const char *const *values; /* ENUM, OPENCC: NULL-terminated spellings;
                                a value's index is its enum value */
  const char *unit;          /* NUMBER: unit that may follow, or NULL */
  double min, max;           /* NUMBER: inclusive range */
  bool integer;              /* NUMBER: whole numbers only */
  size_t max_chars;          /* TEXT, PATH, NAME: longest value (characters) */
  const char *defaults;      /* the default (by language), Markdown text */
  const char *help;          /* one line: what the key does */
  size_t value_offset;       /* where pb_meta holds the value */
  size_t pos_offset;         /* where pb_meta holds the value's position */
} pb_frontmatter_key;

/* The table entry of a key (id < PB_KEY_COUNT). */
const pb_frontmatter_key *pb_frontmatter_key_get(pb_key_id id);

typedef enum pb_punct_style {
  PB_PUNCT_NONE = 0,      /* every full-width mark keeps its full em */
  PB_PUNCT_HANT_CENTERED, /* Taiwan: centred marks, ¼ em each side adjustable */
  PB_PUNCT_HANS_STANDARD, /* mainland GB/T 15834: adjacent → 1.5 em, line
                             end ½ em, line-start opening bracket trimmed */
} pb_punct_style;

typedef enum pb_emphasis_style {
  PB_EMPHASIS_KAI = 0, /* Chinese emphasis in the emphasis face (Kai) */
  PB_EMPHASIS_DOTS,    /* 着重号: the body face, a dot by each Han */
} pb_emphasis_style;

typedef enum pb_script_kind {
  PB_TEXT_HANT = 0, /* Traditional Chinese */
  PB_TEXT_HANS,     /* Simplified Chinese */
  PB_TEXT_LATIN,    /* English (and other Latin-script languages) */
} pb_script_kind;

typedef enum pb_profile_kind {
  PB_PROFILE_PRINT = 0,
  PB_PROFILE_EBOOK,
} pb_profile_kind;

typedef enum pb_paper_kind {
  PB_PAPER_A4 = 0,
  PB_PAPER_A5,
  PB_PAPER_A6,
  PB_PAPER_B5,
  PB_PAPER_B6,
  PB_PAPER_LETTER,
} pb_paper_kind;

/* "writing-mode" (CSS's names). */
typedef enum pb_writing_mode {
  PB_WRITING_HORIZONTAL_TB = 0, /* lines left to right, top to bottom */
  PB_WRITING_VERTICAL_RL,       /* columns top to bottom, right to left */
} pb_writing_mode;

/* OpenCC configurations for "convert" (file NAME.json of OpenCC). */
typedef enum pb_convert_kind {
  PB_CONVERT_TW2SP = 0,
  PB_CONVERT_TW2S,
  PB_CONVERT_T2S,
  PB_CONVERT_HK2S,
  PB_CONVERT_S2T,
  PB_CONVERT_S2TW,
  PB_CONVERT_S2TWP,
  PB_CONVERT_S2HK,
} pb_convert_kind;

/* "epub-fonts": the EPUB embeds subsets of its fonts, or names them only. */
typedef enum pb_epub_fonts_kind {
  PB_EPUB_FONTS_EMBED = 0,
  PB_EPUB_FONTS_NONE,
} pb_epub_fonts_kind;

/* A calendar day that exists (proleptic Gregorian), year 1..9999. */
typedef struct pb_date {
  int year, month, day;
} pb_date;

/* Typed front matter.  A key's value is meaningful only when it was given
 * (pb_meta_has); absent keys leave zero values (NULL strings).  Strings are
 * owned, NUL-terminated UTF-8.  *_pos give the position of each value in
 * the source (for diagnostics of later stages). */
typedef struct pb_meta {
  uint32_t given; /* bit (1u << pb_key_id) for every key given */
  char *title, *subtitle, *author;
  pb_date date;
  char *lang;              /* as written, validated */
  pb_script_kind script;   /* the family of lang (Traditional when absent) */
  const char *hyphen_dict; /* libhyphen dictionary for lang's Latin words
                              (static, not owned; NULL when absent) */
  pb_profile_kind profile;
  pb_paper_kind paper;
  double font_size;  /* pt */
  double line_pitch; /* multiple of the font size */
  double measure;    /* line length in em, a whole number */
  pb_kinsoku kinsoku;
  pb_punct_style punctuation;
  bool hanging;            /* hang 、，。 at line end */
  bool ragged_right;       /* body text and notes ragged right */
  pb_emphasis_style emphasis; /* how Chinese emphasis is set */
  pb_writing_mode writing_mode;
  double tate_chu_yoko;    /* vertical: digits set upright in one em */
  double bleed;            /* mm around the trim box (print) */
  bool crop_marks;         /* draw crop marks (print) */
  char *fonts;             /* font profile name (fonts/NAME.conf) */
  char *derive_from;       /* this edition's body is another manuscript's
                              (path relative to this file) */
  pb_convert_kind convert; /* OpenCC conversion of the derived body */
  pb_epub_fonts_kind epub_fonts; /* EPUB: embed font subsets or not */
  pb_pos title_pos, subtitle_pos, author_pos, date_pos, lang_pos, profile_pos,
      paper_pos, font_size_pos, line_pitch_pos, measure_pos, kinsoku_pos,
      punctuation_pos, hanging_pos, ragged_right_pos, emphasis_pos, writing_mode_pos, tate_chu_yoko_pos,
      bleed_pos, crop_marks_pos, fonts_pos,
      derive_pos, convert_pos, epub_fonts_pos;
} pb_meta;

static inline bool pb_meta_has(const pb_meta *m, pb_key_id id) {
  return (m->given >> id) & 1u;
}

/* The canonical spelling of an enum key's value ("ebook", "tw2sp"). */
const char *pb_meta_enum_name(pb_key_id id, int value);

/* Frees the strings of m and leaves it empty (nothing given). */
void pb_meta_free(pb_meta *m);

/* True for the language tags paiban knows: zh-Hant, zh-Hant-TW, zh-Hant-HK,
 * zh-TW, zh-HK, zh-Hans, zh-Hans-CN, zh-CN, zh, en, en-US, en-GB (compared
 * case-insensitively). */
bool pb_lang_is_known(const char *tag);

typedef enum pb_keys_format {
  PB_KEYS_TEXT = 0, /* a plain list for --help: "  name  values  help" */
  PB_KEYS_MARKDOWN, /* README.md's table: | key | values | default | ... | */
} pb_keys_format;

/* Describes every key in the given format.  On success *out is a malloc'd
 * NUL-terminated string the caller frees; PB_ERR_NOMEM otherwise. */
pb_status pb_frontmatter_describe(pb_keys_format fmt, char **out);

#endif
