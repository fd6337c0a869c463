/* paiban — from document tree to pages: style, itemize/shape, break items,
 * line breaking and page building (docs/DESIGN.md §1).
 *
 * Ownership: pb_settings holds no pointers that need freeing (fixed-size
 * strings).  pb_typeset fills a pb_layout that the caller frees with
 * pb_layout_free(); it reads the doc and fontset and keeps no reference to
 * them.
 */
#ifndef PAIBAN_TYPESET_H
#define PAIBAN_TYPESET_H

#include "base.h"
#include "cjk.h"
#include "doc.h"
#include "font.h"
#include "layout.h"
#include "linebreak.h"

typedef enum pb_punct_style {
  PB_PUNCT_NONE = 0,       /* every full-width mark keeps its full em */
  PB_PUNCT_HANT_CENTERED,  /* Taiwan: centred marks, ¼ em each side adjustable */
  PB_PUNCT_HANS_STANDARD,  /* mainland GB/T 15834: adjacent → 1.5 em, line
                              end ½ em, line-start opening bracket trimmed */
} pb_punct_style;

typedef enum pb_script_kind {
  PB_TEXT_HANT = 0,  /* Traditional Chinese */
  PB_TEXT_HANS,      /* Simplified Chinese */
  PB_TEXT_LATIN,     /* English (and other Latin-script languages) */
} pb_script_kind;

typedef enum pb_profile_kind {
  PB_PROFILE_PRINT = 0,
  PB_PROFILE_EBOOK,
} pb_profile_kind;

typedef struct pb_settings {
  char lang[24];            /* BCP 47 tag as given (default zh-Hant) */
  pb_script_kind script;
  pb_profile_kind profile;
  pb_len paper_w, paper_h;  /* trim size */
  pb_len bleed;             /* print: bleed around the trim (3 mm) */
  bool crop_marks;          /* print: crop marks outside the bleed */
  bool running_heads;       /* print: title / section at the page head */
  bool folio_links;         /* ebook: page numbers link to the first page */
  pb_len margin_top, margin_bottom;
  pb_len font_size;         /* body size */
  pb_len line_pitch;        /* baseline to baseline */
  int measure_em;           /* the measure in em of the body size */
  pb_len measure;           /* = measure_em * font_size */
  pb_len indent;            /* first-line indent */
  pb_kinsoku kinsoku;
  pb_punct_style punct;
  bool hanging;             /* hang 、，。 at line end */
  bool hyphenate;           /* Latin words via libhyphen */
  char hyphen_dict[64];     /* e.g. "hyph_en_US.dic" */
  int64_t date_epoch;       /* for the PDF info dates; -1 = omit */
  bool vertical;            /* writing-mode: vertical-rl (columns top to
                               bottom, right to left); the measure is the
                               column height */
  int tcy_digits;           /* vertical: digit runs up to this long stand
                               upright in one em (tate-chu-yoko); 0 = off */
  pb_len block_w, block_h;  /* the text block on the page: measure wide
                               (horizontal) or measure tall (vertical) */
} pb_settings;

/* Fills s from the language and the front matter (docs/DESIGN.md §3 defaults:
 * A5, 10.5 pt, pitch 1.7, 30 em measure...).  Reports invalid combinations
 * in diags with the key's position; returns PB_ERR_INPUT then. */
pb_status pb_settings_from_meta(const pb_meta *m, pb_settings *s,
                                pb_diags *diags);

/* Lays out the document into pages.  Warnings (overfull lines, characters
 * no font has) and errors go to diags with source positions. */
pb_status pb_typeset(const pb_doc *doc, const pb_settings *s, pb_fontset *fs,
                     pb_layout *out, pb_diags *diags);

/* Stage traces (--dump items|breaks, golden tests of the stages): the
 * typesetter can report every paragraph it sets — its break items and the
 * breaks chosen — to a caller's function, as libraqm's test build prints
 * its stages.  Everything in a pb_para_trace is borrowed for the call. */
typedef struct pb_para_trace {
  const uint32_t *text;     /* the paragraph's characters */
  size_t len;
  pb_pos pos;               /* where it starts in the source ({0,0}: no
                               source, e.g. a folio digit) */
  pb_len size;              /* font size */
  pb_len measure;           /* line width */
  const pb_items *items;
  const pb_breaks *breaks;
  const void *para;         /* opaque, for pb_trace_unit_chars */
} pb_para_trace;

/* The characters [*c0, *c1) of text that item unit u stands for; false for
 * an item of no unit (indent, parfill, hang). */
bool pb_trace_unit_chars(const pb_para_trace *t, uint32_t u, size_t *c0,
                         size_t *c1);

typedef struct pb_trace {
  void (*paragraph)(void *user, const pb_para_trace *t);
  void *user;
} pb_trace;

/* pb_typeset, reporting each paragraph to trace (which may be NULL). */
pb_status pb_typeset_traced(const pb_doc *doc, const pb_settings *s,
                            pb_fontset *fs, const pb_trace *trace,
                            pb_layout *out, pb_diags *diags);

#endif
