/* Limits and link targets, checked where the document enters the pipeline
 * (include/paiban/doc.h: pb_doc_check). */
#include "paiban/doc.h"
#include "doc/image.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

/* Setting a paragraph takes about 420 bytes a character (shaping, items,
 * three breaking passes), a laid-out character about 140: these bounds keep
 * one manuscript under 1 GiB and 10 s, with room for a sanitizer build. */
#define PB_MAX_BLOCK_CHARS 500000u
#define PB_MAX_DOC_CHARS 2000000u
/* Headings become PDF strings (bookmarks; UTF-16, at most 4 bytes per
 * UTF-8 byte) whose limit in libharu is 65,535 bytes: the PDF writer takes
 * 16,000 bytes of UTF-8, which this bound keeps within.  The title,
 * subtitle and author are bounded by the front-matter key table
 * (src/doc/frontmatter.c, 1,000 characters). */
#define PB_MAX_HEADING_CHARS 4000u
/* A URI percent-encodes to at most three times its bytes. */
#define PB_MAX_URI_BYTES 16000u
#define PB_MAX_FOOTNOTES 65535

static const char *pb_block_name(const pb_block *b) {
  switch (b->kind) {
  case PB_BLOCK_HEADING: return "heading";
  case PB_BLOCK_CODE: return "code block";
  case PB_BLOCK_FOOTNOTE: return "footnote";
  default: return "paragraph";
  }
}

/* Web and mail addresses only: javascript:, file:, launch actions and the
 * like must not become PDF actions. */
static bool pb_link_allowed(const char *url) {
  static const char *const ok[] = {"http://", "https://", "mailto:"};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
    if (strncasecmp(url, ok[i], strlen(ok[i])) == 0) return true;
  return false;
}

/* Unlinks every character of every block that refers to link index k
 * (1-based); returns the position of the first such character. */
static pb_pos pb_unlink(pb_doc *doc, size_t k) {
  pb_pos first = {0, 0};
  for (size_t b = 0; b < doc->nblocks; b++) {
    pb_block *blk = &doc->blocks[b];
    if (!blk->link) continue;
    for (size_t i = 0; i < blk->len; i++)
      if (blk->link[i] == k) {
        if (!first.line && blk->pos) first = blk->pos[i];
        blk->link[i] = 0;
        if (blk->style) blk->style[i] &= (uint8_t)~PB_STYLE_LINK;
      }
  }
  return first;
}

/* The text of a pb_diags message: the URL shortened to 60 bytes, cut at a
 * character boundary. */
static int pb_short_len(const char *s) {
  size_t n = strlen(s);
  if (n <= 60) return (int)n;
  n = 60;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  return (int)n;
}

pb_status pb_doc_check(pb_doc *doc, pb_diags *diags) {
  size_t errors = diags->errors;
  char *own_path = diags->path;
  if (doc->body_path) diags->path = doc->body_path;
  size_t total = 0;
  bool total_reported = false, notes_reported = false;
  for (size_t b = 0; b < doc->nblocks; b++) {
    const pb_block *blk = &doc->blocks[b];
    total += blk->len;
    if (blk->len > PB_MAX_BLOCK_CHARS)
      pb_diag_add(diags, PB_SEV_ERROR, blk->start,
                  "this %s has %zu characters; paiban sets at most %u in one "
                  "(split it with a blank line)",
                  pb_block_name(blk), blk->len, PB_MAX_BLOCK_CHARS);
    else if (blk->kind == PB_BLOCK_HEADING && blk->len > PB_MAX_HEADING_CHARS)
      pb_diag_add(diags, PB_SEV_ERROR, blk->start,
                  "this heading has %zu characters; the limit is %u",
                  blk->len, PB_MAX_HEADING_CHARS);
    if (blk->kind == PB_BLOCK_FOOTNOTE && blk->footnote_index > PB_MAX_FOOTNOTES &&
        !notes_reported) {
      pb_diag_add(diags, PB_SEV_ERROR, blk->start,
                  "footnote number %d: paiban numbers at most %d footnotes",
                  blk->footnote_index, PB_MAX_FOOTNOTES);
      notes_reported = true;
    }
    if (total > PB_MAX_DOC_CHARS && !total_reported) {
      pb_diag_add(diags, PB_SEV_ERROR, blk->start,
                  "the manuscript passes %u characters here; paiban sets at "
                  "most that many in one document (split it into volumes)",
                  PB_MAX_DOC_CHARS);
      total_reported = true;
    }
  }
  for (size_t k = 0; k < doc->nlinks; k++) {
    const char *url = doc->links[k];
    if (!url || !*url) continue;
    const char *why = NULL;
    if (!pb_link_allowed(url))
      why = "is not a web (http, https) or mail (mailto) address";
    else if (strlen(url) > PB_MAX_URI_BYTES)
      why = "is longer than 16,000 bytes";
    if (!why) continue;
    pb_pos pos = pb_unlink(doc, k + 1);
    pb_diag_add(diags, PB_SEV_WARNING, pos,
                "link target '%.*s%s' %s; its text is not linked",
                pb_short_len(url), url, strlen(url) > 60 ? "…" : "", why);
  }
  pb_status st = pb_doc_images(doc, diags);
  diags->path = own_path;
  if (st == PB_ERR_NOMEM) return st;
  return diags->errors > errors ? PB_ERR_INPUT : PB_OK;
}
