/* paiban — the document tree: what the parser produces from a manuscript
 * (CommonMark through cmark-gfm + YAML front matter through libyaml).
 *
 * The tree is flat: a list of blocks in reading order, each holding its text
 * as Unicode code points with one style byte and one source position per
 * character.  Nesting (block quotes, lists) is carried as depth numbers.
 *
 * Ownership: pb_doc owns everything reachable from it; pb_doc_free() frees it.
 */
#ifndef PAIBAN_DOC_H
#define PAIBAN_DOC_H

#include "base.h"
#include "frontmatter.h"

typedef enum pb_block_kind {
  PB_BLOCK_PARAGRAPH = 0,
  PB_BLOCK_HEADING,        /* level 1..6 */
  PB_BLOCK_CODE,           /* fenced or indented code; text keeps its spaces
                              and '\n' line ends */
  PB_BLOCK_THEMATIC_BREAK, /* "***": a section break; no text */
  PB_BLOCK_FOOTNOTE,       /* a footnote definition's paragraph; see
                              footnote_index */
  PB_BLOCK_IMAGE,          /* a paragraph that is only an image: image is
                              its file, the text its description (alt) */
} pb_block_kind;

/* The formats an image block may have (pb_block.image_format). */
typedef enum pb_image_format {
  PB_IMAGE_NONE = 0, /* not yet probed (pb_doc_check does) */
  PB_IMAGE_PNG,
  PB_IMAGE_JPEG,
} pb_image_format;

/* Per-character style bits (several may be set). */
enum {
  PB_STYLE_EMPH = 1u << 0,   /* *emphasis* */
  PB_STYLE_STRONG = 1u << 1, /* **strong** */
  PB_STYLE_CODE = 1u << 2,   /* `code span` or code block */
  PB_STYLE_LINK = 1u << 3,   /* inside a link; see pb_block.link */
  PB_STYLE_STRIKE = 1u << 4, /* ~~strikethrough~~ */
  PB_STYLE_FNREF = 1u << 5,  /* a footnote reference mark (text is its number) */
};

typedef struct pb_block {
  pb_block_kind kind;
  int level;          /* heading level 1..6; 0 otherwise */
  int quote_depth;    /* number of enclosing block quotes */
  int list_depth;     /* number of enclosing list items */
  bool list_item_start; /* first block of a list item: draw list_marker */
  bool list_ordered;
  int list_number;    /* ordered list: this item's number */
  int footnote_index; /* PB_BLOCK_FOOTNOTE: 1-based footnote number; else 0 */
  pb_pos start;       /* where the block starts in the source */

  /* Text: len code points.  Whitespace is already normalized:
   *  - runs of spaces/tabs/soft line breaks collapse to one U+0020;
   *  - a space or soft break between two CJK characters (Han, kana, CJK or
   *    full-width punctuation) is removed (docs/DESIGN.md §3);
   *  - no space at the start or end of the block;
   *  - a hard line break is U+2028 LINE SEPARATOR.
   * Code blocks keep their text verbatim. */
  uint32_t *text;     /* owned, len entries */
  uint8_t *style;     /* owned, len entries: PB_STYLE_* bits */
  uint16_t *link;     /* owned, len entries: 1-based index into pb_doc.links
                         for characters inside a link, else 0 */
  uint16_t *fnref;    /* owned, len entries: footnote number for characters
                         of a footnote reference mark, else 0 */
  pb_pos *pos;        /* owned, len entries: source position of each char */
  size_t len;

  /* PB_BLOCK_IMAGE: the target as written (owned); after pb_doc_check,
   * the file it names (relative to the manuscript), its format and its
   * size in pixels. */
  char *image;
  pb_image_format image_format;
  uint32_t image_w, image_h;
} pb_block;

typedef struct pb_doc {
  char *path;          /* owned copy of the source path */
  char *body_path;     /* owned; the file the blocks' positions refer to
                          when they came from "derive-from"; NULL = path */
  pb_meta meta;        /* the front matter (include/paiban/frontmatter.h) */
  pb_block *blocks;    /* owned, nblocks entries */
  size_t nblocks;
  bool derive_anywhere; /* set by the caller: "derive-from" may name a file
                           outside the manuscript's directory tree */
  char **links;        /* owned, nlinks URL strings (UTF-8, NUL-terminated) */
  size_t nlinks;
  uint32_t body_line;  /* first line of the Markdown body (after front matter) */
} pb_doc;

/* Maximum nesting of block quotes and lists; deeper input is an error. */
#define PB_MAX_NESTING 64

/* Parses a manuscript.  src need not be NUL-terminated.  On success returns
 * PB_OK and fills *doc (which the caller frees with pb_doc_free, also on
 * failure).  Errors and warnings go to diags, with positions:
 *  - invalid UTF-8 (position of the first bad byte), NUL and C0 control
 *    characters other than tab/LF/CR (error); a leading BOM is skipped; CRLF
 *    and CR line ends are accepted;
 *  - front matter: "---" on line 1 starts it and a line "---" or "..." ends
 *    it; unterminated, not YAML, not a mapping, a non-scalar value, an
 *    invalid value (see the key table in frontmatter.h) are errors naming
 *    the key, at the value's position; unknown keys are warnings;
 *  - nesting deeper than PB_MAX_NESTING is an error.
 * Returns PB_ERR_INPUT if any error was reported. */
pb_status pb_doc_parse(const char *src, size_t len, const char *path,
                       pb_doc *doc, pb_diags *diags);

/* The same up to the front matter: doc gets its path and meta, no blocks
 * (what a batch reads to know which fonts and patterns its jobs share).
 * Only the front matter is read and checked: a bad byte in the body is
 * pb_doc_parse's to report. */
pb_status pb_doc_parse_front_matter(const char *src, size_t len, const char *path,
                                    pb_doc *doc, pb_diags *diags);
void pb_doc_free(pb_doc *doc);

/* The text of a block as UTF-8 (for bookmarks and running heads), without
 * its footnote marks; malloc'd (the caller frees it), NULL when out of
 * memory. */
char *pb_block_utf8(const pb_block *b);

/* Follows "derive-from" (one level; a chain is an error): reads the named
 * manuscript (relative to doc->path), converts all its text with OpenCC's
 * "convert" configuration — plus, towards zh-Hans, 「」『』 to “”‘’ (and
 * back towards zh-Hant), the mainland convention for horizontal text —
 * and takes its blocks, and its title, subtitle, author and date where
 * doc's front matter has none.  Diagnostics about the derived text carry
 * the original file's path and positions.  Does nothing without
 * "derive-from".  Unless doc->derive_anywhere, the named file (symbolic
 * links resolved) must lie in the manuscript's directory or below it.
 * Returns PB_OK or PB_ERR_INPUT / PB_ERR_IO / PB_ERR_NOMEM. */
pb_status pb_doc_derive(pb_doc *doc, pb_diags *diags);

/* Checks the limits a document must keep before it is typeset, each
 * reported at its position: at most 500,000 characters in a block and
 * 2,000,000 in the document (memory and time stay bounded), headings of at
 * most 4,000 characters, footnote numbers up to 65,535 (the title,
 * subtitle and author are bounded by the front-matter key table).  Link targets other than http:, https:
 * and mailto: (javascript:, file:, ...) or longer than 16,000 bytes are
 * warned about and unlinked (doc is changed).  Call after pb_doc_derive.
 * Returns PB_OK or PB_ERR_INPUT. */
pb_status pb_doc_check(pb_doc *doc, pb_diags *diags);

/* Converts UTF-8 text with an OpenCC configuration ("tw2sp", ...).  On
 * success *out is a malloc'd NUL-terminated string the caller frees. */
pb_status pb_opencc_convert(const char *config, const char *in, size_t len,
                            char **out, size_t *out_len, pb_diags *diags,
                            pb_pos pos);

#endif
