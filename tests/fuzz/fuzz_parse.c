/* libFuzzer target for the manuscript parser: feeds arbitrary bytes to
 * pb_doc_parse and checks the invariants doc.h promises about its result
 * (array presence, source positions inside the input, diagnostics agreeing
 * with the status), then frees everything so LeakSanitizer sees leaks.
 *
 * Build and run with `make fuzz-build` / `make fuzz` (tests/fuzz/fuzz.mk).
 * Any violated invariant aborts, which libFuzzer reports as a crash.
 */
#include "paiban/paiban.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_INPUT (64u << 10)

#define INVARIANT(cond, ...)                                                 \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "fuzz_parse: invariant failed: %s: ", #cond);         \
      fprintf(stderr, __VA_ARGS__);                                          \
      fputc('\n', stderr);                                                   \
      abort();                                                               \
    }                                                                        \
  } while (0)

/* Number of lines in the input: LF, CRLF and lone CR each end a line. */
static uint32_t count_lines(const uint8_t *p, size_t n) {
  uint32_t lines = 1;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\n') lines++;
    else if (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n')) lines++;
  }
  return lines;
}

/* Upper bound on the column: characters on the longest line (counting every
 * byte is a safe over-estimate of the characters). */
static uint32_t longest_line(const uint8_t *p, size_t n) {
  uint32_t best = 0, cur = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\n' || p[i] == '\r') cur = 0;
    else if (++cur > best) best = cur;
  }
  return best;
}

static void check_pos(pb_pos pos, uint32_t max_line, uint32_t max_col,
                      const char *what, size_t bi, size_t ci) {
  INVARIANT(pos.line >= 1 && pos.col >= 1, "%s of block %zu char %zu is %u:%u",
            what, bi, ci, pos.line, pos.col);
  INVARIANT(pos.line <= max_line + 1, "%s of block %zu char %zu: line %u > %u",
            what, bi, ci, pos.line, max_line + 1);
  /* +2: a position just past the end of the longest line. */
  INVARIANT(pos.col <= max_col + 2, "%s of block %zu char %zu: col %u > %u",
            what, bi, ci, pos.col, max_col + 2);
}

static void check_meta_str(const char *s) {
  if (s) (void)strlen(s); /* ASan catches a missing terminator */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT) return 0;
  /* An exact-size heap copy, so ASan catches reads past the end (the
   * parser must not assume a terminating NUL). */
  char *src = malloc(size ? size : 1);
  if (!src) return 0;
  if (size) memcpy(src, data, size);

  pb_diags d;
  pb_doc doc;
  memset(&doc, 0, sizeof doc);
  pb_diags_init(&d, "fuzz.md");
  pb_status rc = pb_doc_parse(src, size, "fuzz.md", &doc, &d);

  /* Status and diagnostics agree. */
  INVARIANT(rc == PB_OK || rc == PB_ERR_INPUT || rc == PB_ERR_NOMEM,
            "unexpected status %d", (int)rc);
  if (rc == PB_OK) INVARIANT(d.errors == 0, "PB_OK with %zu errors", d.errors);
  if (rc == PB_ERR_INPUT) INVARIANT(d.errors > 0, "PB_ERR_INPUT, no errors");
  if (d.errors > 0) INVARIANT(rc != PB_OK, "%zu errors but PB_OK", d.errors);
  size_t stored_errors = 0;
  for (size_t i = 0; i < d.count; i++) {
    const pb_diag *dg = &d.items[i];
    INVARIANT(dg->message != NULL, "diagnostic %zu has no message", i);
    if (dg->severity == PB_SEV_ERROR) stored_errors++;
  }
  INVARIANT(d.count <= d.cap, "count %zu > cap %zu", d.count, d.cap);
  if (d.dropped == 0)
    INVARIANT(stored_errors == d.errors, "%zu stored errors, counter says %zu",
              stored_errors, d.errors);
  else
    INVARIANT(stored_errors <= d.errors, "%zu stored errors > counter %zu",
              stored_errors, d.errors);

  uint32_t max_line = count_lines(data, size);
  uint32_t max_col = longest_line(data, size);
  for (size_t i = 0; i < d.count; i++) {
    pb_pos p = d.items[i].pos;
    if (p.line == 0) continue; /* "no position" */
    INVARIANT(p.line <= max_line + 1, "diagnostic %zu at line %u > %u: %s", i,
              p.line, max_line + 1, d.items[i].message);
  }

  if (rc == PB_OK) {
    INVARIANT(doc.nblocks == 0 || doc.blocks != NULL, "nblocks %zu, no array",
              doc.nblocks);
    INVARIANT(doc.nlinks == 0 || doc.links != NULL, "nlinks %zu, no array",
              doc.nlinks);
    INVARIANT(doc.body_line >= 1 && doc.body_line <= max_line + 1,
              "body_line %u (lines %u)", doc.body_line, max_line);
    for (size_t k = 0; k < doc.nlinks; k++) {
      INVARIANT(doc.links[k] != NULL, "link %zu is NULL", k);
      (void)strlen(doc.links[k]);
    }
    const pb_meta *m = &doc.meta;
    check_meta_str(m->title);
    check_meta_str(m->subtitle);
    check_meta_str(m->author);
    check_meta_str(m->lang);
    check_meta_str(m->fonts);
    check_meta_str(m->derive_from);
    if (m->lang) INVARIANT(pb_lang_is_known(m->lang), "lang '%s'", m->lang);
    /* Every value given is inside its key's range or list. */
    for (int id = 0; id < PB_KEY_COUNT; id++) {
      const pb_frontmatter_key *k = pb_frontmatter_key_get((pb_key_id)id);
      if (!pb_meta_has(m, (pb_key_id)id)) continue;
      const char *at = (const char *)m + k->value_offset;
      if (k->type == PB_VAL_NUMBER) {
        double x = *(const double *)at;
        INVARIANT(x >= k->min && x <= k->max, "%s = %g", k->name, x);
      } else if (k->type == PB_VAL_ENUM || k->type == PB_VAL_OPENCC) {
        INVARIANT(pb_meta_enum_name((pb_key_id)id, *(const int *)at) != NULL,
                  "%s = %d", k->name, *(const int *)at);
      }
    }
    if (pb_meta_has(m, PB_KEY_DATE))
      INVARIANT(m->date.year >= 1 && m->date.month >= 1 &&
                    m->date.month <= 12 && m->date.day >= 1 &&
                    m->date.day <= 31,
                "date %d-%d-%d", m->date.year, m->date.month, m->date.day);

    for (size_t i = 0; i < doc.nblocks; i++) {
      const pb_block *b = &doc.blocks[i];
      INVARIANT(b->kind >= PB_BLOCK_PARAGRAPH && b->kind <= PB_BLOCK_IMAGE,
                "block %zu kind %d", i, (int)b->kind);
      /* An image block names its target; no other block has one.  The
       * parser does not probe the file (pb_doc_check does). */
      INVARIANT((b->kind == PB_BLOCK_IMAGE) == (b->image != NULL),
                "block %zu kind %d image %p", i, (int)b->kind,
                (void *)b->image);
      if (b->image) {
        (void)strlen(b->image);
        INVARIANT(b->image_format == PB_IMAGE_NONE && b->image_w == 0 &&
                      b->image_h == 0,
                  "block %zu image probed by the parser", i);
      }
      if (b->kind == PB_BLOCK_HEADING)
        INVARIANT(b->level >= 1 && b->level <= 6, "block %zu level %d", i,
                  b->level);
      INVARIANT(b->quote_depth >= 0 && b->quote_depth <= PB_MAX_NESTING &&
                    b->list_depth >= 0 && b->list_depth <= PB_MAX_NESTING,
                "block %zu depths %d/%d", i, b->quote_depth, b->list_depth);
      if (b->kind == PB_BLOCK_FOOTNOTE)
        INVARIANT(b->footnote_index >= 1, "block %zu footnote index %d", i,
                  b->footnote_index);
      check_pos(b->start, max_line, max_col, "start", i, 0);
      if (b->len == 0) continue;
      INVARIANT(b->text && b->style && b->link && b->fnref && b->pos,
                "block %zu len %zu: text %p style %p link %p fnref %p pos %p",
                i, b->len, (void *)b->text, (void *)b->style, (void *)b->link,
                (void *)b->fnref, (void *)b->pos);
      if (b->kind != PB_BLOCK_CODE) {
        INVARIANT(b->text[0] != ' ' && b->text[b->len - 1] != ' ',
                  "block %zu has a leading or trailing space", i);
      }
      for (size_t c = 0; c < b->len; c++) {
        uint32_t cp = b->text[c];
        INVARIANT(cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF),
                  "block %zu char %zu is U+%04X", i, c, cp);
        INVARIANT(cp != 0, "block %zu char %zu is NUL", i, c);
        INVARIANT((b->style[c] & ~0x3Fu) == 0, "block %zu char %zu style %#x",
                  i, c, b->style[c]);
        INVARIANT(b->link[c] <= doc.nlinks, "block %zu char %zu link %u > %zu",
                  i, c, b->link[c], doc.nlinks);
        check_pos(b->pos[c], max_line, max_col, "pos", i, c);
      }
    }
  }

  pb_doc_free(&doc);
  pb_diags_free(&d);
  free(src);
  return 0;
}
