/* paiban — character classes for Chinese layout and the line-start /
 * line-end prohibitions (kinsoku) of clreq (clreq-digest §0, §1).
 * Pure functions over code points; no allocation.
 */
#ifndef PAIBAN_CJK_H
#define PAIBAN_CJK_H

#include "base.h"

typedef enum pb_cclass {
  PB_CC_OTHER = 0,   /* symbols and anything not below */
  PB_CC_HAN,         /* ideographs, kana, bopomofo, full-width letters and
                        digits: one em each, on the character grid */
  PB_CC_OPEN,        /* opening brackets and quotes, full width: 「『（《〈【〔 “‘ */
  PB_CC_CLOSE,       /* closing brackets and quotes: 」』）》〉】〕 ”’ */
  PB_CC_STOP,        /* pause and stop marks: 、，。． */
  PB_CC_COLON,       /* ：； */
  PB_CC_EXCL,        /* ！？ ‼ ⁇ ⁈ ⁉ */
  PB_CC_MIDDOT,      /* interpuncts · ‧ ・ in Chinese text */
  PB_CC_DASH,        /* — ⸺ in Chinese text (a pair of — is the 2-em dash) */
  PB_CC_ELLIPSIS,    /* … ⋯ in Chinese text */
  PB_CC_CONNECTOR,   /* – ～ 〜 */
  PB_CC_SOLIDUS,     /* ／ (and / in Chinese GB style) */
  PB_CC_LATIN,       /* letters of alphabetic scripts (Latin, Greek, Cyrillic) */
  PB_CC_DIGIT,       /* European digits 0-9 */
  PB_CC_LATIN_PUNCT, /* Latin punctuation, and shared marks in Latin text */
  PB_CC_SPACE,       /* U+0020 and other spaces */
} pb_cclass;

/* True for the marks whose glyph and width depend on context: “ ” ‘ ’ — …
 * · – ⸺ ‧ (clreq-digest §0, "shared Latin/CJK"). */
bool pb_is_shared_mark(uint32_t cp);

/* Is the shared mark text[i] set as CJK punctuation (CJK class and font)?
 * In Chinese text (cjk_text) it is, unless both neighbours are Latin; in
 * Latin text it is only when both neighbours are CJK.  Neighbours skip
 * spaces and other shared marks (clreq-digest §0).  Used by the shaper and
 * by the EPUB backend, so both set each mark alike. */
bool pb_shared_mark_is_cjk(const uint32_t *text, size_t len, size_t i,
                           bool cjk_text);

/* The same answer for a whole text in one pass: pb_shared_mark_is_cjk
 * looks for both neighbours again at every mark, so a run of 40,000 dashes
 * takes quadratic time.  The cursor carries the left neighbour forward
 * and finds the right one once per run of marks.  Start from
 * PB_SHARED_CURSOR_INIT and ask with i increasing over one text. */
typedef struct pb_shared_cursor {
  size_t scanned;  /* text[0..scanned) has been read for the left side */
  int left;        /* the left neighbour: -1 none, 0 Latin, 1 CJK */
  size_t right_at; /* where the right neighbour was found (len: none) */
  int right;       /* its side; valid while right_at > i */
} pb_shared_cursor;
#define PB_SHARED_CURSOR_INIT {0, -1, 0, -1}
bool pb_shared_mark_is_cjk_next(pb_shared_cursor *c, const uint32_t *text,
                                size_t len, size_t i, bool cjk_text);

/* The class of cp.  cjk_context decides the shared marks: in Chinese text
 * they are full-width CJK punctuation, in Latin text Latin punctuation. */
pb_cclass pb_char_class(uint32_t cp, bool cjk_context);

/* True for classes drawn as full-width CJK punctuation. */
bool pb_cclass_is_cjk_punct(pb_cclass c);
/* True for classes that take the CJK font: Han and CJK punctuation. */
bool pb_cclass_is_cjk(pb_cclass c);
/* Latin letter or digit (for Han–Latin spacing, clreq-digest §4). */
bool pb_cclass_is_alnum(pb_cclass c);

typedef enum pb_kinsoku {
  PB_KINSOKU_NONE = 0,  /* no prohibitions (clreq "none") */
  PB_KINSOKU_BASIC,     /* clreq basic: zh-Hant default */
  PB_KINSOKU_GB,        /* basic + solidus not at line end: zh-Hans default */
  PB_KINSOKU_STRICT,    /* GB + 2-em dash and ellipsis not at line start */
} pb_kinsoku;

/* clreq-digest §1.1 NO_START: may cp (of class c) not begin a line?
 * prev is the character before it (for "％ after digits"), 0 if none. */
bool pb_kinsoku_no_start(uint32_t cp, pb_cclass c, uint32_t prev,
                         pb_kinsoku level);
/* clreq-digest §1.1 NO_END: may cp not end a line?  next is the character
 * after it (for "＄ before digits"), 0 if none. */
bool pb_kinsoku_no_end(uint32_t cp, pb_cclass c, uint32_t next,
                       pb_kinsoku level);
/* Marks that are never split when doubled: —— ⸺⸺ …… ⋯⋯ (§1.1). */
bool pb_is_unbreakable_pair(uint32_t a, uint32_t b);
/* A unit character that stays with the number before it ("40 ％",
 * "25 ℃"), clreq-digest §1.1.  (In Chinese text any Han character after
 * a number stays with it too: src/lines/breakitems.c.) */
bool pb_is_number_unit(uint32_t cp);

/* A dash or connector that joins the two numbers of a range
 * (1865—1869, 7:00–9:00, 3～5): — – ～ 〜 ~ - ‒ ―.  A range is never
 * broken at it (clreq-digest §1.1, unbreakable number expressions). */
bool pb_is_range_dash(uint32_t cp);

#endif
