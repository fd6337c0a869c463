/* Diagnostics on standard error, short or with the source line and a caret
 * (src/cli/diagprint.h). */
#include "diagprint.h"
#include "paiban/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool pb_sbuf_add(pb_sbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) return false;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
  return true;
}

bool pb_sbuf_escaped(pb_sbuf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7F) {
      char esc[5];
      snprintf(esc, sizeof esc, "\\x%02X", c);
      if (!pb_sbuf_add(b, esc, 4)) return false;
    } else if (!pb_sbuf_add(b, (const char *)&s[i], 1)) {
      return false;
    }
  }
  return true;
}

int pb_cp_width(uint32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
      (cp >= 0xFE00 && cp <= 0xFE0F))
    return 0;
  /* East Asian Wide (W) and Fullwidth (F) blocks (UAX #11), coarsely. */
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
      (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
    return 2;
  return 1;
}

/* Where the last line looked up starts, so that diagnostics in source
 * order find their lines in one pass over the text. */
typedef struct pb_line_cursor {
  const char *text;
  uint32_t line; /* 1-based; 0: none yet */
  size_t off;
} pb_line_cursor;

/* The text of line `line` (1-based) of text, without its line end. */
static bool pb_find_line(const char *text, size_t len, uint32_t line,
                         pb_line_cursor *cur, const char **start, size_t *n) {
  size_t i = 0;
  uint32_t l = 1;
  if (cur->text == text && cur->line && cur->line <= line) {
    i = cur->off;
    l = cur->line;
  }
  for (; l < line; l++) {
    const char *nl = memchr(text + i, '\n', len - i);
    if (!nl) return false;
    i = (size_t)(nl - text) + 1;
  }
  *cur = (pb_line_cursor){text, line, i};
  const char *nl = memchr(text + i, '\n', len - i);
  size_t e = nl ? (size_t)(nl - text) : len;
  if (e > i && text[e - 1] == '\r') e--;
  *start = text + i;
  *n = e - i;
  return true;
}

/* Appends code point cp (k bytes at s) as shown in a snippet; *width gets
 * its width in columns. */
static bool pb_add_shown(pb_sbuf *line, const char *s, size_t k, uint32_t cp,
                         int *width) {
  if (cp == '\t') {
    *width = 1;
    return pb_sbuf_add(line, " ", 1);
  }
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
      (k == 1 && (unsigned char)s[0] >= 0x80)) {
    *width = 1;
    return pb_sbuf_add(line, "\xEF\xBF\xBD", 3); /* U+FFFD */
  }
  *width = pb_cp_width(cp);
  return pb_sbuf_add(line, s, k);
}

/* Source line and caret for a positioned diagnostic (human style): a
 * window of the line around the column, "…" where it is cut. */
static bool pb_add_snippet(pb_sbuf *b, const pb_diag *dg, const char *text,
                           size_t len, pb_line_cursor *cur) {
  const char *s;
  size_t n;
  if (!pb_find_line(text, len, dg->pos.line, cur, &s, &n)) return true;
  char pad[16];
  int w = snprintf(pad, sizeof pad, "%u", dg->pos.line);
  memset(pad, ' ', (size_t)w);
  pb_sbuf line = {0}, caret = {0};
  uint32_t first = dg->pos.col > 60 ? dg->pos.col - 40 : 1;
  bool ok = true, cut_left = first > 1;
  int width_before = cut_left ? 2 : 0;
  if (cut_left) ok = pb_sbuf_add(&line, "… ", 4);
  size_t i = 0;
  uint32_t col = 1;
  int shown = 0;
  while (ok && i < n && shown < 100) {
    uint32_t cp = 0xFFFD;
    size_t k = pb_utf8_decode(s + i, n - i, &cp);
    if (k == 0) k = 1, cp = 0xFFFD;
    if (col >= first) {
      int cw = 0;
      ok = pb_add_shown(&line, s + i, k, cp, &cw);
      if (col < dg->pos.col) width_before += cw;
      shown++;
    }
    col++;
    i += k;
  }
  for (int c = 0; ok && c < width_before; c++) ok = pb_sbuf_add(&caret, " ", 1);
  ok = ok && pb_sbuf_add(&caret, "^", 1);
  char head[64];
  snprintf(head, sizeof head, "%s |\n%u | ", pad, dg->pos.line);
  ok = ok && pb_sbuf_add(b, head, strlen(head)) &&
       pb_sbuf_add(b, line.p ? line.p : "", line.len) &&
       pb_sbuf_add(b, i < n ? " …\n" : "\n", i < n ? 5 : 1) &&
       pb_sbuf_add(b, pad, (size_t)w) && pb_sbuf_add(b, " | ", 3) &&
       pb_sbuf_add(b, caret.p, caret.len) && pb_sbuf_add(b, "\n", 1);
  free(line.p);
  free(caret.p);
  return ok;
}

void pb_print_diags(const pb_diags *d, bool quiet, pb_diag_style style,
                    const char *prefix, const pb_diag_source *src) {
  /* Files other than the manuscript (an original, a profile) are read
   * once, the last one kept. */
  char *other = NULL, *other_path = NULL;
  size_t other_len = 0;
  pb_line_cursor cur = {0};
  for (size_t i = 0; i < d->count; i++) {
    const pb_diag *dg = &d->items[i];
    if (quiet && dg->severity != PB_SEV_ERROR) continue;
    pb_sbuf b = {0};
    size_t need = pb_diag_format(dg, NULL, 0);
    char *plain = malloc(need + 1);
    if (!plain) continue;
    pb_diag_format(dg, plain, need + 1);
    bool ok = pb_sbuf_add(&b, prefix, strlen(prefix)) &&
              pb_sbuf_escaped(&b, plain, need) && pb_sbuf_add(&b, "\n", 1);
    free(plain);
    if (ok && style == PB_DIAG_HUMAN && dg->pos.line && dg->path) {
      const char *text = NULL;
      size_t len = 0;
      if (src && src->path && src->text && strcmp(src->path, dg->path) == 0) {
        text = src->text;
        len = src->len;
      } else {
        if (!other_path || strcmp(other_path, dg->path) != 0) {
          free(other);
          free(other_path);
          other = NULL;
          other_len = 0;
          other_path = strdup(dg->path);
          cur = (pb_line_cursor){0};
          /* Best effort: without the file, no snippet. */
          pb_diags unused;
          pb_diags_init(&unused, dg->path);
          if (pb_file_read(dg->path, 64u << 20, NULL, (pb_pos){0, 0}, &other,
                           &other_len, &unused) != PB_OK)
            other = NULL;
          pb_diags_free(&unused);
        }
        text = other;
        len = other_len;
      }
      if (text) ok = pb_add_snippet(&b, dg, text, len, &cur);
    }
    /* One write per diagnostic, so parallel jobs do not interleave. */
    if (ok) {
      size_t off = 0;
      while (off < b.len) {
        ssize_t n = write(STDERR_FILENO, b.p + off, b.len - off);
        if (n <= 0) break;
        off += (size_t)n;
      }
    }
    free(b.p);
  }
  free(other);
  free(other_path);
  if (d->dropped) {
    pb_sbuf b = {0};
    char tail[96];
    snprintf(tail, sizeof tail, ": note: %zu more diagnostics not shown\n",
             d->dropped);
    const char *path = d->path ? d->path : "paiban";
    if (pb_sbuf_add(&b, prefix, strlen(prefix)) &&
        pb_sbuf_escaped(&b, path, strlen(path)) &&
        pb_sbuf_add(&b, tail, strlen(tail)))
      (void)!write(STDERR_FILENO, b.p, b.len);
    free(b.p);
  }
}
