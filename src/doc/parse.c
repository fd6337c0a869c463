/* paiban — the manuscript parser (include/paiban/doc.h).
 *
 * Pipeline:
 *  1. load_source: validate the raw bytes (UTF-8, NUL, control characters),
 *     drop a leading BOM and copy the text with CRLF / CR turned into LF.
 *     Line structure is unchanged by this, so a (line, character column) in
 *     the copy is the same position in the original file.
 *  2. front_matter: "---" on line 1 starts YAML, which
 *     src/doc/frontmatter.c reads into the typed pb_meta.
 *  3. parse_body: the rest goes through cmark-gfm; one iterative walk
 *     (cmark_iter) over the tree turns every leaf block into a pb_block.
 *
 * Character positions: cmark-gfm gives reliable block start positions but
 * its inline columns are not (e.g. continuation lines of footnotes), so each
 * inline literal is looked up in the source, scanning forward from a cursor
 * that only moves forward inside the block; the line numbers cmark gives for
 * inlines are used only as a hint to move the cursor forward.  Literals that
 * are not verbatim in the source (merged entities, backslash escapes,
 * multi-line code spans) are matched character by character; anything not
 * found gets the cursor's position.  Every search is bounded by a window,
 * so the whole pass is linear in the input.
 */
#define _GNU_SOURCE /* memmem */
#include "paiban/doc.h"

#include "paiban/cjk.h"
#include "base/utf8.h"
#include "doc/autolink.h"
#include "doc/frontmatter.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEARCH_WINDOW 4096 /* bytes past the cursor a literal may start */
#define CHAR_WINDOW 64     /* same, for one character of a literal */
#define MAX_INPUT_REPORTS 20
#define MAX_HTML_WARNINGS 20

/* ---------------------------------------------------------------------- */
/* State                                                                   */

/* Maps byte offsets (moving forward only) to file positions. */
typedef struct tracker {
  size_t off;
  uint32_t line, col;
} tracker;

/* The text of the block being built (scratch, reused between blocks). */
typedef struct builder {
  uint32_t *text;
  uint8_t *style;
  uint16_t *link;
  uint16_t *fnref;
  pb_pos *pos;
  size_t len, cap;
  /* A collapsed run of whitespace waiting for the next character, which
   * decides whether it survives (CJK on both sides drops it). */
  bool pending;
  uint8_t pend_style;
  uint16_t pend_link;
  pb_pos pend_pos;
  uint32_t last_base; /* last character that is not a footnote mark */
} builder;

typedef struct ctx {
  pb_doc *doc;
  pb_diags *diags;
  pb_status status; /* PB_ERR_NOMEM once an allocation failed */
  bool stop;        /* a fatal input error: stop the walk */

  char *buf; /* normalized source: no BOM, LF line ends, NUL-terminated */
  size_t len;
  size_t *lines; /* lines[i] = offset of the start of line i + 1 */
  size_t nlines;
  size_t body_off;
  uint32_t body_line;
  size_t blocks_cap, links_cap;

  /* Container state of the walk. */
  int quote_depth, item_depth, nlists;
  struct {
    bool ordered;
    int next;
  } lists[PB_MAX_NESTING + 2];
  struct {
    bool pending; /* no block emitted yet: the next one draws the marker */
    bool ordered;
    int number;
  } items[PB_MAX_NESTING + 2]; /* 1-based by depth */
  int fn_count, fn_index;
  int html_warnings;
  bool warned_links;
  cmark_syntax_extension *strike;

  /* Inline state of the current leaf block. */
  bool in_leaf;
  int emph, strong, strikeout, link_depth;
  uint16_t cur_link;
  const char *image_url; /* the paragraph is only this image (cmark's) */
  size_t cur, bend; /* search cursor and end of the block's last line */
  tracker tr;
  builder b;
} ctx;

static void nomem(ctx *c) { c->status = PB_ERR_NOMEM; }

/* ---------------------------------------------------------------------- */
/* Positions                                                               */

/* Offset of the start of 1-based line; past the end for lines after it. */
static size_t line_off(const ctx *c, size_t line) {
  if (line < 1)
    return 0;
  if (line > c->nlines)
    return c->len;
  return c->lines[line - 1];
}

static void tracker_advance(const ctx *c, tracker *t, size_t off) {
  if (off > c->len)
    off = c->len;
  while (t->off < off) {
    unsigned char ch = (unsigned char)c->buf[t->off++];
    if (ch == '\n') {
      t->line++;
      t->col = 1;
    } else if (t->off >= c->len ||
               ((unsigned char)c->buf[t->off] & 0xC0) != 0x80) {
      t->col++; /* stepped over the last byte of a character */
    }
  }
}

static void tracker_init(const ctx *c, tracker *t, size_t off) {
  if (off > c->len)
    off = c->len;
  /* Binary search for the last line starting at or before off. */
  size_t lo = 0, hi = c->nlines;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->lines[mid] <= off)
      lo = mid;
    else
      hi = mid;
  }
  t->off = c->nlines ? c->lines[lo] : 0;
  t->line = (uint32_t)lo + 1;
  t->col = 1;
  tracker_advance(c, t, off);
}

static pb_pos offset_pos(const ctx *c, size_t off) {
  tracker t;
  tracker_init(c, &t, off);
  return (pb_pos){t.line, t.col};
}

/* Position of off in the current block; never moves backwards. */
static pb_pos track(ctx *c, size_t off) {
  if (off > c->tr.off)
    tracker_advance(c, &c->tr, off);
  return (pb_pos){c->tr.line, c->tr.col};
}

/* Byte offset of a cmark node's start (cmark lines count from the body). */
static size_t node_off(const ctx *c, cmark_node *n) {
  int sl = cmark_node_get_start_line(n), sc = cmark_node_get_start_column(n);
  if (sl <= 0)
    return c->body_off;
  size_t line = c->body_line + (size_t)sl - 1;
  size_t off = line_off(c, line), end = line_off(c, line + 1);
  if (end > off && c->buf[end - 1] == '\n')
    end--;
  if (sc > 1)
    off += (size_t)sc - 1;
  return off < end ? off : end;
}

/* End of the node's last line (after its LF); the body end if unknown. */
static size_t node_end(const ctx *c, cmark_node *n, size_t start) {
  int el = cmark_node_get_end_line(n);
  if (el <= 0)
    return c->len;
  size_t end = line_off(c, c->body_line + (size_t)el);
  return end > start ? end : c->len;
}

/* ---------------------------------------------------------------------- */
/* Step 1: validation and normalization                                    */

static void load_source(ctx *c, const char *src, size_t len) {
  size_t i = 0, o = 0, reports = 0;
  uint32_t line = 1, col = 1, bad_line = 0;
  if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  c->buf = malloc(len - i + 1);
  if (!c->buf) {
    nomem(c);
    return;
  }
  while (i < len) {
    unsigned char ch = (unsigned char)src[i];
    if (ch == '\r' || ch == '\n') {
      c->buf[o++] = '\n';
      i += (ch == '\r' && i + 1 < len && src[i + 1] == '\n') ? 2 : 1;
      line++;
      col = 1;
      continue;
    }
    uint32_t cp = ch;
    size_t k = 1;
    if (ch >= 0x80)
      k = pb_utf8_decode(src + i, len - i, &cp);
    if (k == 0 || cp == 0 || pb_is_bad_control(cp)) {
      if (line != bad_line) { /* one report per line */
        pb_pos pos = {line, col};
        if (reports == MAX_INPUT_REPORTS) {
          pb_diag_add(c->diags, PB_SEV_ERROR, pos,
                      "too many invalid characters; the rest of the file was "
                      "not checked");
          break;
        }
        if (k == 0)
          pb_diag_add(c->diags, PB_SEV_ERROR, pos, "invalid UTF-8 byte 0x%02X",
                      ch);
        else if (cp == 0)
          pb_diag_add(c->diags, PB_SEV_ERROR, pos, "NUL byte");
        else
          pb_diag_add(c->diags, PB_SEV_ERROR, pos,
                      "control character U+%04X is not allowed", (unsigned)cp);
        reports++;
        bad_line = line;
      }
      c->stop = true;
      if (k == 0)
        k = 1;
    }
    memcpy(c->buf + o, src + i, k);
    o += k;
    i += k;
    col++;
  }
  c->buf[o] = '\0';
  c->len = o;
  if (c->stop)
    return;

  size_t n = 1;
  for (size_t j = 0; j < o; j++)
    n += c->buf[j] == '\n';
  c->lines = malloc(n * sizeof *c->lines);
  if (!c->lines) {
    nomem(c);
    return;
  }
  c->nlines = n;
  c->lines[0] = 0;
  for (size_t j = 0, l = 1; j < o; j++)
    if (c->buf[j] == '\n')
      c->lines[l++] = j + 1;
}

/* ---------------------------------------------------------------------- */
/* Step 2: front matter                                                    */

/* Is the line s (n bytes, no line end) `mark` followed by optional spaces
 * or tabs?  (The front matter's fences; also on the raw source, in
 * front_matter_extent.) */
static bool raw_fence_line(const char *s, size_t n, const char *mark) {
  if (n < 3 || memcmp(s, mark, 3) != 0)
    return false;
  for (size_t i = 3; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t')
      return false;
  return true;
}

/* Is line (1-based) exactly `mark` followed by optional spaces or tabs? */
static bool is_fence_line(const ctx *c, size_t line, const char *mark) {
  size_t a = line_off(c, line), b = line_off(c, line + 1);
  if (b > a && c->buf[b - 1] == '\n')
    b--;
  return raw_fence_line(c->buf + a, b - a, mark);
}

/* Finds and reads the front matter (src/doc/frontmatter.c); sets
 * c->body_off / body_line.  An unterminated block is fatal (c->stop). */
static pb_status front_matter(ctx *c) {
  c->body_off = 0;
  c->body_line = 1;
  if (!is_fence_line(c, 1, "---"))
    return PB_OK;
  size_t close = 0;
  for (size_t l = 2; l <= c->nlines && !close; l++)
    if (is_fence_line(c, l, "---") || is_fence_line(c, l, "..."))
      close = l;
  if (!close) {
    pb_diag_add(c->diags, PB_SEV_ERROR, (pb_pos){1, 1},
                "front matter starts here but has no closing '---'");
    c->stop = true;
    return PB_ERR_INPUT;
  }
  size_t yoff = line_off(c, 2);
  pb_status st = pb_frontmatter_read(c->buf + yoff, line_off(c, close) - yoff,
                                     2, &c->doc->meta, c->diags);
  if (st == PB_ERR_NOMEM)
    nomem(c); /* reported once, by pb_doc_parse */
  c->body_off = line_off(c, close + 1);
  c->body_line = (uint32_t)close + 1;
  return st;
}

/* ---------------------------------------------------------------------- */
/* Step 3: building blocks                                                 */

static bool builder_push(ctx *c, uint32_t cp, uint8_t style, uint16_t link,
                         uint16_t fnref, pb_pos pos) {
  builder *b = &c->b;
  if (b->len == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    void *p;
    /* Each array is replaced as soon as it has grown, so a failure part way
     * leaves every array valid (some just larger than b->cap). */
    if (!(p = realloc(b->text, cap * sizeof *b->text)))
      goto fail;
    b->text = p;
    if (!(p = realloc(b->style, cap * sizeof *b->style)))
      goto fail;
    b->style = p;
    if (!(p = realloc(b->link, cap * sizeof *b->link)))
      goto fail;
    b->link = p;
    if (!(p = realloc(b->fnref, cap * sizeof *b->fnref)))
      goto fail;
    b->fnref = p;
    if (!(p = realloc(b->pos, cap * sizeof *b->pos)))
      goto fail;
    b->pos = p;
    b->cap = cap;
  }
  b->text[b->len] = cp;
  b->style[b->len] = style;
  b->link[b->len] = link;
  b->fnref[b->len] = fnref;
  b->pos[b->len] = pos;
  b->len++;
  return true;
fail:
  nomem(c);
  return false;
}

static void builder_reset(builder *b) {
  b->len = 0;
  b->pending = false;
  b->last_base = 0;
}

static bool is_space(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
         cp == '\v';
}

/* Is a collapsed space between a and b dropped?  Yes between two CJK
 * characters; also between CJK and a shared mark (“ ” — … ·), which in
 * Chinese text are CJK punctuation, and before a footnote mark that
 * follows CJK. */
static bool drop_space(uint32_t a, uint32_t b, bool b_is_fnref) {
  bool ca = pb_is_cjk_char(a), cb = pb_is_cjk_char(b);
  if (ca && (cb || b_is_fnref || pb_is_shared_mark(b)))
    return true;
  return cb && pb_is_shared_mark(a);
}

/* Adds one character of running text, applying the whitespace rules. */
static void text_char(ctx *c, uint32_t cp, uint8_t style, uint16_t link,
                      uint16_t fnref, pb_pos pos) {
  builder *b = &c->b;
  if (is_space(cp)) {
    /* Leading space, and space after a hard break, is dropped. */
    if (b->len == 0 || b->text[b->len - 1] == 0x2028 || b->pending)
      return;
    b->pending = true;
    b->pend_style = style;
    b->pend_link = link;
    b->pend_pos = pos;
    return;
  }
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
    cp = 0xFFFD; /* a control character from an entity such as &#7; */
  if (cp == 0x2028) {
    b->pending = false; /* no space before a hard break */
  } else if (b->pending) {
    b->pending = false;
    if (!drop_space(b->last_base, cp, fnref != 0) &&
        !builder_push(c, ' ', b->pend_style, b->pend_link, 0, b->pend_pos))
      return;
  }
  if (!builder_push(c, cp, style, link, fnref, pos))
    return;
  if (!fnref)
    b->last_base = cp;
}

static uint8_t cur_style(const ctx *c) {
  return (uint8_t)((c->emph ? PB_STYLE_EMPH : 0) |
                   (c->strong ? PB_STYLE_STRONG : 0) |
                   (c->strikeout ? PB_STYLE_STRIKE : 0) |
                   (c->link_depth ? PB_STYLE_LINK : 0));
}

static uint16_t cur_link(const ctx *c) {
  return c->link_depth ? c->cur_link : 0;
}

/* End of the search window: span bytes past the cursor, within the block. */
static size_t window(const ctx *c, size_t span) {
  if (c->cur >= c->bend)
    return c->cur;
  return c->bend - c->cur > span ? c->cur + span : c->bend;
}

/* Moves the cursor to the start of the line cmark says n starts on, if
 * that is ahead of the cursor (cmark's inline line numbers may lag behind,
 * never run ahead, so this only ever helps). */
static void line_hint(ctx *c, cmark_node *n) {
  int sl = cmark_node_get_start_line(n);
  if (sl <= 0)
    return;
  size_t off = line_off(c, c->body_line + (size_t)sl - 1);
  if (off > c->cur && off < c->bend)
    c->cur = off;
}

/* Length of an entity or numeric character reference at s, else 0. */
static size_t entity_len(const char *s, size_t n) {
  size_t i = 1, start;
  if (n < 3 || s[0] != '&')
    return 0;
  if (s[1] == '#') {
    i = 2;
    bool hex = i < n && (s[i] == 'x' || s[i] == 'X');
    if (hex)
      i++;
    start = i;
    while (i < n && i - start < 8 &&
           ((s[i] >= '0' && s[i] <= '9') ||
            (hex &&
             ((s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))))
      i++;
  } else {
    start = i;
    while (i < n && i - start < 32 &&
           ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
            (s[i] >= 'A' && s[i] <= 'Z')))
      i++;
  }
  return (i > start && i < n && s[i] == ';') ? i + 1 : 0;
}

/* Where in the source is the next character of a literal that is not
 * verbatim?  ch is its k UTF-8 bytes.  Moves the cursor past it. */
static size_t match_char(ctx *c, const char *ch, size_t k, uint32_t cp) {
  const char *s = c->buf;
  size_t cur = c->cur, avail = c->bend > cur ? c->bend - cur : 0;
  if (avail >= k && memcmp(s + cur, ch, k) == 0) {
    c->cur = cur + k;
    return cur;
  }
  if (avail > k && s[cur] == '\\' && memcmp(s + cur + 1, ch, k) == 0) {
    c->cur = cur + 1 + k; /* backslash escape */
    return cur + 1;
  }
  size_t e = entity_len(s + cur, avail);
  if (e) {
    c->cur = cur + e;
    return cur;
  }
  if (cp == ' ' && avail && s[cur] == '\n') { /* line end in a code span */
    c->cur = cur + 1;
    return cur;
  }
  size_t lim = cur + (avail < CHAR_WINDOW ? avail : CHAR_WINDOW);
  const char *hit = memmem(s + cur, lim - cur, ch, k);
  if (hit) {
    c->cur = (size_t)(hit - s) + k;
    return (size_t)(hit - s);
  }
  return cur;
}

/* Adds a literal (text, code span or a line of a code block) at its source
 * position.  raw: no whitespace processing (code blocks). */
static void emit_literal(ctx *c, const char *lit, size_t n, uint8_t style,
                         bool raw) {
  if (n == 0)
    return;
  size_t lim = window(c, n + SEARCH_WINDOW);
  const char *hit = memmem(c->buf + c->cur, lim - c->cur, lit, n);
  size_t base = hit ? (size_t)(hit - c->buf) : 0;
  if (!hit) {
    /* Not verbatim (an entity or escape was merged into it): find where it
     * starts by its longest verbatim prefix, so that the markup in between
     * (e.g. a link title) is not mistaken for its first characters. */
    for (size_t k = n < 32 ? n : 32; k >= 2; k /= 2) {
      const char *p = memmem(c->buf + c->cur, lim - c->cur, lit, k);
      if (p) {
        c->cur = (size_t)(p - c->buf);
        break;
      }
    }
  }
  uint16_t link = cur_link(c);
  for (size_t i = 0; i < n && !c->status;) {
    uint32_t cp;
    size_t k = pb_utf8_decode(lit + i, n - i, &cp);
    if (k == 0)
      k = 1; /* cannot happen: cmark output of validated input */
    size_t off = hit ? base + i : match_char(c, lit + i, k, cp);
    pb_pos pos = track(c, off);
    if (raw)
      builder_push(c, cp, style, link, 0, pos);
    else
      text_char(c, cp, style, link, 0, pos);
    i += k;
  }
  if (hit)
    c->cur = base + n;
}

/* Position of the next line end (for soft and hard breaks). */
static pb_pos next_line_end(ctx *c) {
  size_t lim = window(c, SEARCH_WINDOW);
  const char *nl = memchr(c->buf + c->cur, '\n', lim - c->cur);
  size_t off = nl ? (size_t)(nl - c->buf) : c->cur;
  pb_pos pos = track(c, off);
  if (nl)
    c->cur = off + 1;
  return pos;
}

/* Finds a verbatim literal (raw HTML) and moves past it; returns its
 * position, or the cursor's. */
static pb_pos find_verbatim(ctx *c, const char *lit, size_t n) {
  size_t lim = window(c, n + SEARCH_WINDOW);
  const char *hit = n ? memmem(c->buf + c->cur, lim - c->cur, lit, n) : NULL;
  size_t off = hit ? (size_t)(hit - c->buf) : c->cur;
  pb_pos pos = track(c, off);
  if (hit)
    c->cur = off + n;
  return pos;
}

static void warn_html(ctx *c, pb_pos pos, const char *lit, bool block) {
  if (c->html_warnings >= MAX_HTML_WARNINGS)
    return;
  c->html_warnings++;
  size_t n = strlen(lit);
  int cl = pb_utf8_clip(lit, n, 40);
  pb_diag_add(c->diags, PB_SEV_WARNING, pos,
              "raw HTML%s '%.*s%s' is not supported (dropped)",
              block ? " block" : "", cl, lit, (size_t)cl < n ? "..." : "");
}

static void free_block(pb_block *b) {
  free(b->text);
  free(b->style);
  free(b->link);
  free(b->fnref);
  free(b->pos);
  free(b->image);
}

/* Appends a block with the builder's text and the walk's container state. */
static void emit_block(ctx *c, pb_block_kind kind, int level, pb_pos pos) {
  pb_doc *doc = c->doc;
  pb_block blk;
  memset(&blk, 0, sizeof blk);
  if (c->status)
    return;
  blk.kind = kind;
  blk.level = level;
  blk.quote_depth = c->quote_depth;
  blk.list_depth = c->item_depth;
  if (c->item_depth > 0) {
    blk.list_item_start = c->items[c->item_depth].pending;
    blk.list_ordered = c->items[c->item_depth].ordered;
    blk.list_number =
        c->items[c->item_depth].ordered ? c->items[c->item_depth].number : 0;
    for (int d = 1; d <= c->item_depth; d++)
      c->items[d].pending = false;
  }
  blk.footnote_index = kind == PB_BLOCK_FOOTNOTE ? c->fn_index : 0;
  blk.start = pos;

  size_t n = c->b.len;
  if (n) {
    blk.text = malloc(n * sizeof *blk.text);
    blk.style = malloc(n * sizeof *blk.style);
    blk.link = malloc(n * sizeof *blk.link);
    blk.fnref = malloc(n * sizeof *blk.fnref);
    blk.pos = malloc(n * sizeof *blk.pos);
    if (!blk.text || !blk.style || !blk.link || !blk.fnref || !blk.pos)
      goto fail;
    memcpy(blk.text, c->b.text, n * sizeof *blk.text);
    memcpy(blk.style, c->b.style, n * sizeof *blk.style);
    memcpy(blk.link, c->b.link, n * sizeof *blk.link);
    memcpy(blk.fnref, c->b.fnref, n * sizeof *blk.fnref);
    memcpy(blk.pos, c->b.pos, n * sizeof *blk.pos);
    blk.len = n;
  }
  if (doc->nblocks == c->blocks_cap) {
    size_t cap = c->blocks_cap ? c->blocks_cap * 2 : 64;
    pb_block *p = realloc(doc->blocks, cap * sizeof *p);
    if (!p)
      goto fail;
    doc->blocks = p;
    c->blocks_cap = cap;
  }
  doc->blocks[doc->nblocks++] = blk;
  return;
fail:
  free_block(&blk);
  nomem(c);
}

/* Registers a link URL; returns its 1-based index (0 if there are too many
 * to number). */
static uint16_t add_link(ctx *c, cmark_node *n, pb_pos pos) {
  pb_doc *doc = c->doc;
  if (doc->nlinks >= UINT16_MAX) {
    if (!c->warned_links)
      pb_diag_add(c->diags, PB_SEV_WARNING, pos,
                  "more than %d links; the rest are not linked", UINT16_MAX);
    c->warned_links = true;
    return 0;
  }
  if (doc->nlinks == c->links_cap) {
    size_t cap = c->links_cap ? c->links_cap * 2 : 16;
    char **p = realloc(doc->links, cap * sizeof *p);
    if (!p) {
      nomem(c);
      return 0;
    }
    doc->links = p;
    c->links_cap = cap;
  }
  const char *url = cmark_node_get_url(n);
  char *copy = strdup(url ? url : "");
  if (!copy) {
    nomem(c);
    return 0;
  }
  doc->links[doc->nlinks++] = copy;
  return (uint16_t)doc->nlinks;
}

static void footnote_ref(ctx *c, cmark_node *n) {
  const char *lit = cmark_node_get_literal(n);
  if (!lit)
    return;
  long num = 0;
  for (const char *p = lit; *p >= '0' && *p <= '9' && num < UINT16_MAX; p++)
    num = num * 10 + (*p - '0');
  if (num > UINT16_MAX)
    num = UINT16_MAX;
  /* The mark "[^label]": all its digits get the position of '['. */
  size_t lim = window(c, SEARCH_WINDOW);
  const char *hit = memmem(c->buf + c->cur, lim - c->cur, "[^", 2);
  size_t off = hit ? (size_t)(hit - c->buf) : c->cur;
  pb_pos pos = track(c, off);
  if (hit) {
    const char *close = memchr(hit, ']', (size_t)(c->buf + lim - hit));
    c->cur = close ? (size_t)(close - c->buf) + 1 : off + 2;
  }
  uint8_t style = cur_style(c) | PB_STYLE_FNREF;
  for (const char *p = lit; *p && !c->status; p++)
    text_char(c, (unsigned char)*p, style, cur_link(c), (uint16_t)num, pos);
}

/* An image alone in its paragraph (not in a footnote) is a block image,
 * drawn at the measure; an image inside text is not drawn. */
static bool image_alone(const ctx *c, cmark_node *n) {
  cmark_node *parent = cmark_node_parent(n);
  return !c->fn_index && parent &&
         cmark_node_get_type(parent) == CMARK_NODE_PARAGRAPH &&
         cmark_node_first_child(parent) == n && cmark_node_last_child(parent) == n;
}

/* An image inside text is not drawn: say so at its "![", once per image. */
static void image_warning(ctx *c, cmark_node *n) {
  line_hint(c, n);
  size_t lim = window(c, SEARCH_WINDOW);
  const char *hit = memmem(c->buf + c->cur, lim - c->cur, "![", 2);
  pb_pos pos = track(c, hit ? (size_t)(hit - c->buf) : c->cur);
  const char *url = cmark_node_get_url(n);
  size_t ulen = url ? strlen(url) : 0, shown = ulen > 60 ? 60 : ulen;
  while (shown < ulen && shown > 0 && ((unsigned char)url[shown] & 0xC0) == 0x80)
    shown--; /* cut at a character boundary */
  pb_diag_add(c->diags, PB_SEV_WARNING, pos,
              "an image inside text is not drawn (only one alone in its "
              "paragraph is): '%.*s%s' is left out and its description is "
              "set as text",
              (int)shown, url ? url : "", shown < ulen ? "..." : "");
}

/* One inline node inside a paragraph or heading. */
static void walk_inline(ctx *c, cmark_node *n, bool enter) {
  cmark_node_type t = cmark_node_get_type(n);
  int delta = enter ? 1 : -1;
  switch (t) {
  case CMARK_NODE_TEXT:
  case CMARK_NODE_CODE:
    if (enter) {
      const char *lit = cmark_node_get_literal(n);
      line_hint(c, n);
      if (lit)
        emit_literal(c, lit, strlen(lit),
                     cur_style(c) | (t == CMARK_NODE_CODE ? PB_STYLE_CODE : 0),
                     false);
    }
    break;
  case CMARK_NODE_SOFTBREAK:
    if (enter) {
      pb_pos pos = next_line_end(c);
      text_char(c, ' ', cur_style(c), cur_link(c), 0, pos);
    }
    break;
  case CMARK_NODE_LINEBREAK:
    if (enter) {
      pb_pos pos = next_line_end(c);
      text_char(c, 0x2028, cur_style(c), cur_link(c), 0, pos);
    }
    break;
  case CMARK_NODE_HTML_INLINE:
    if (enter) {
      const char *lit = cmark_node_get_literal(n);
      line_hint(c, n);
      if (lit)
        warn_html(c, find_verbatim(c, lit, strlen(lit)), lit, false);
    }
    break;
  case CMARK_NODE_EMPH:
    c->emph += delta;
    break;
  case CMARK_NODE_STRONG:
    c->strong += delta;
    break;
  case CMARK_NODE_LINK:
    /* Links cannot nest, but a link may sit inside an image's alt text
     * inside a link: the outermost one wins. */
    if (enter && c->link_depth++ == 0)
      c->cur_link = add_link(c, n, track(c, c->cur));
    else if (!enter && --c->link_depth == 0)
      c->cur_link = 0;
    break;
  case CMARK_NODE_FOOTNOTE_REFERENCE:
    if (enter) {
      line_hint(c, n);
      footnote_ref(c, n);
    }
    break;
  case CMARK_NODE_IMAGE: /* its children (the alt text) are the text */
    if (enter && image_alone(c, n))
      c->image_url = cmark_node_get_url(n);
    else if (enter)
      image_warning(c, n);
    break;
  default:
    if (c->strike && cmark_node_get_syntax_extension(n) == c->strike)
      c->strikeout += delta;
    break;
  }
}

static void start_leaf(ctx *c, cmark_node *n) {
  size_t off = node_off(c, n);
  builder_reset(&c->b);
  c->in_leaf = true;
  c->emph = c->strong = c->strikeout = c->link_depth = 0;
  c->cur_link = 0;
  c->image_url = NULL;
  c->cur = off;
  c->bend = node_end(c, n, off);
  tracker_init(c, &c->tr, off);
}

static void code_block(ctx *c, cmark_node *n) {
  start_leaf(c, n);
  c->in_leaf = false;
  pb_pos pos = track(c, c->cur);
  int flen, foff;
  char fch;
  if (cmark_node_get_fenced(n, &flen, &foff, &fch)) {
    /* Content starts on the line after the fence (not in the info). */
    size_t next = line_off(c, c->tr.line + 1);
    if (next > c->cur && next <= c->bend)
      c->cur = next;
  }
  const char *lit = cmark_node_get_literal(n);
  size_t len = lit ? strlen(lit) : 0;
  if (len && lit[len - 1] == '\n')
    len--; /* the last line end is not part of the text */
  /* Line by line, each with its LF, so that prefixes such as "> " or the
   * indentation between lines are skipped by the search. */
  for (size_t i = 0; i < len && !c->status;) {
    const char *nl = memchr(lit + i, '\n', len - i);
    size_t k = nl ? (size_t)(nl - lit) + 1 - i : len - i;
    emit_literal(c, lit + i, k, PB_STYLE_CODE, true);
    i += k;
  }
  emit_block(c, PB_BLOCK_CODE, 0, pos);
}

static void nesting_error(ctx *c, cmark_node *n) {
  pb_diag_add(c->diags, PB_SEV_ERROR, offset_pos(c, node_off(c, n)),
              "nesting too deep: more than %d levels of block quotes and lists",
              PB_MAX_NESTING);
  c->stop = true;
}

static void quote_event(ctx *c, cmark_node *n, bool enter) {
  if (!enter)
    c->quote_depth--;
  else if (c->quote_depth + c->item_depth >= PB_MAX_NESTING)
    nesting_error(c, n);
  else
    c->quote_depth++;
}

static void list_event(ctx *c, cmark_node *n, bool enter) {
  if (!enter) {
    c->nlists--;
  } else if (c->nlists >= PB_MAX_NESTING + 1) {
    nesting_error(c, n);
  } else {
    c->lists[c->nlists].ordered =
        cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
    c->lists[c->nlists].next = cmark_node_get_list_start(n);
    c->nlists++;
  }
}

static void item_event(ctx *c, cmark_node *n, bool enter) {
  if (!enter) {
    if (c->items[c->item_depth].pending) {
      /* An empty item still shows its marker. */
      builder_reset(&c->b);
      emit_block(c, c->fn_index ? PB_BLOCK_FOOTNOTE : PB_BLOCK_PARAGRAPH, 0,
                 offset_pos(c, node_off(c, n)));
    }
    c->item_depth--;
  } else if (c->quote_depth + c->item_depth >= PB_MAX_NESTING ||
             c->nlists == 0) {
    nesting_error(c, n);
  } else {
    int d = ++c->item_depth;
    c->items[d].pending = true;
    c->items[d].ordered = c->lists[c->nlists - 1].ordered;
    c->items[d].number = c->lists[c->nlists - 1].next;
    if (c->lists[c->nlists - 1].next < INT_MAX)
      c->lists[c->nlists - 1].next++;
  }
}

/* The end of a paragraph or heading: its block. */
static void leaf_end(ctx *c, cmark_node *n, bool heading) {
  c->in_leaf = false;
  pb_block_kind kind = c->fn_index ? PB_BLOCK_FOOTNOTE
                       : heading   ? PB_BLOCK_HEADING
                                   : PB_BLOCK_PARAGRAPH;
  /* A paragraph that came out empty (only raw HTML, an image without
   * alt text) is dropped unless it has to carry a list marker. */
  bool marker = c->item_depth > 0 && c->items[c->item_depth].pending;
  if (!heading && c->image_url) {
    emit_block(c, PB_BLOCK_IMAGE, 0, offset_pos(c, node_off(c, n)));
    char *url = strdup(c->image_url);
    if (!url) nomem(c);
    else if (c->status) free(url);
    else c->doc->blocks[c->doc->nblocks - 1].image = url;
    c->image_url = NULL;
    return;
  }
  if (c->b.len > 0 || heading || marker)
    emit_block(c, kind,
               kind == PB_BLOCK_HEADING ? cmark_node_get_heading_level(n) : 0,
               offset_pos(c, node_off(c, n)));
}

static void block_event(ctx *c, cmark_node *n, bool enter) {
  cmark_node_type t = cmark_node_get_type(n);
  switch (t) {
  case CMARK_NODE_BLOCK_QUOTE: quote_event(c, n, enter); break;
  case CMARK_NODE_LIST: list_event(c, n, enter); break;
  case CMARK_NODE_ITEM: item_event(c, n, enter); break;
  case CMARK_NODE_PARAGRAPH:
  case CMARK_NODE_HEADING:
    if (enter) start_leaf(c, n);
    else leaf_end(c, n, t == CMARK_NODE_HEADING);
    break;
  case CMARK_NODE_CODE_BLOCK:
    if (enter)
      code_block(c, n);
    break;
  case CMARK_NODE_THEMATIC_BREAK:
    if (enter) {
      builder_reset(&c->b);
      emit_block(c, PB_BLOCK_THEMATIC_BREAK, 0, offset_pos(c, node_off(c, n)));
    }
    break;
  case CMARK_NODE_HTML_BLOCK:
    if (enter) {
      const char *lit = cmark_node_get_literal(n);
      /* HTML comments are how Markdown authors comment: drop silently. */
      if (lit && strncmp(lit, "<!--", 4) != 0)
        warn_html(c, offset_pos(c, node_off(c, n)), lit, true);
    }
    break;
  case CMARK_NODE_FOOTNOTE_DEFINITION:
    /* cmark-gfm moves the referenced definitions to the end of the
     * document in the order of their numbers and drops the others. */
    c->fn_index = enter ? ++c->fn_count : 0;
    break;
  default:
    break;
  }
}

static void register_extensions(void) {
  cmark_gfm_core_extensions_ensure_registered();
}

static void parse_body(ctx *c) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  cmark_parser *parser = NULL;
  cmark_node *root = NULL;
  cmark_iter *it = NULL;

  if (c->body_off >= c->len)
    goto done; /* empty body */
  pthread_once(&once, register_extensions);
  /* Only "~~" strikes through: Chinese text writes ranges as "1~2". */
  parser = cmark_parser_new(CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES |
                            CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE);
  if (!parser) {
    nomem(c);
    goto done;
  }
  c->strike = cmark_find_syntax_extension("strikethrough");
  if (c->strike)
    cmark_parser_attach_syntax_extension(parser, c->strike);
  /* Bare URLs (https://…, www.…) and e-mail addresses become links. */
  cmark_syntax_extension *autolink = cmark_find_syntax_extension("autolink");
  if (autolink)
    cmark_parser_attach_syntax_extension(parser, autolink);
  cmark_parser_feed(parser, c->buf + c->body_off, c->len - c->body_off);
  root = cmark_parser_finish(parser);
  if (!root || !pb_autolinks_trim(root)) {
    nomem(c);
    goto done;
  }
  it = cmark_iter_new(root);
  if (!it) {
    nomem(c);
    goto done;
  }
  cmark_event_type ev;
  while (!c->status && !c->stop &&
         (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *n = cmark_iter_get_node(it);
    cmark_node_type t = cmark_node_get_type(n);
    bool enter = ev == CMARK_EVENT_ENTER;
    if (c->in_leaf && t != CMARK_NODE_PARAGRAPH && t != CMARK_NODE_HEADING)
      walk_inline(c, n, enter);
    else
      block_event(c, n, enter);
  }

done:
  if (it)
    cmark_iter_free(it);
  if (root)
    cmark_node_free(root);
  if (parser)
    cmark_parser_free(parser);
}

/* ---------------------------------------------------------------------- */
/* Entry points                                                            */

static pb_status pb_doc_parse_part(const char *src, size_t len, const char *path,
                                   pb_doc *doc, pb_diags *diags, bool body) {
  ctx c;
  memset(&c, 0, sizeof c);
  memset(doc, 0, sizeof *doc);
  doc->body_line = 1;
  size_t errors0 = diags->errors;
  c.doc = doc;
  c.diags = diags;

  if (path && !(doc->path = strdup(path))) {
    nomem(&c);
    goto done;
  }
  if (!src)
    len = 0;
  load_source(&c, src ? src : "", len);
  if (c.status || c.stop)
    goto done;
  pb_status fm = front_matter(&c);
  doc->body_line = c.body_line;
  if (fm == PB_ERR_NOMEM || c.stop)
    goto done;
  if (body)
    parse_body(&c);

done:
  free(c.buf);
  free(c.lines);
  free(c.b.text);
  free(c.b.style);
  free(c.b.link);
  free(c.b.fnref);
  free(c.b.pos);
  if (c.status == PB_ERR_NOMEM) {
    pb_diag_add(diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
    return PB_ERR_NOMEM;
  }
  return diags->errors > errors0 ? PB_ERR_INPUT : PB_OK;
}

pb_status pb_doc_parse(const char *src, size_t len, const char *path,
                       pb_doc *doc, pb_diags *diags) {
  return pb_doc_parse_part(src, len, path, doc, diags, true);
}

/* How much of src the front matter takes: through the end of its closing
 * line; 0 without front matter; all of it when the front matter is not
 * closed (the parse reports that).  Lines end at LF, CR or CRLF, as in
 * load_source.  A batch reads the front matter of every input before it
 * starts the workers, so it must not decode and check the whole body (a
 * fifth of a millisecond a manuscript, on one core). */
static size_t front_matter_extent(const char *src, size_t len) {
  size_t i = len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  for (size_t line = 1; i < len; line++) {
    size_t end = i;
    while (end < len && src[end] != '\n' && src[end] != '\r')
      end++;
    size_t next = end;
    if (next < len)
      next += src[next] == '\r' && next + 1 < len && src[next + 1] == '\n' ? 2 : 1;
    bool dashes = raw_fence_line(src + i, end - i, "---");
    if (line == 1 && !dashes)
      return 0;
    if (line > 1 && (dashes || raw_fence_line(src + i, end - i, "...")))
      return next;
    i = next;
  }
  return len;
}

pb_status pb_doc_parse_front_matter(const char *src, size_t len, const char *path,
                                    pb_doc *doc, pb_diags *diags) {
  return pb_doc_parse_part(src, src ? front_matter_extent(src, len) : 0, path, doc,
                           diags, false);
}

void pb_doc_free(pb_doc *doc) {
  if (!doc)
    return;
  free(doc->path);
  free(doc->body_path);
  pb_meta_free(&doc->meta);
  for (size_t i = 0; i < doc->nblocks; i++)
    free_block(&doc->blocks[i]);
  free(doc->blocks);
  for (size_t i = 0; i < doc->nlinks; i++)
    free(doc->links[i]);
  free(doc->links);
  memset(doc, 0, sizeof *doc);
}
