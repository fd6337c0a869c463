/* Diagnostics on standard error, short or with the source line and a caret
 * (src/cli/diagprint.h). */
#include "diagprint.h"
#include "../io.h"
#include "../utf8.h"

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

/* The text of line `line` (1-based) of text, without its line end. */
static bool pb_find_line(const char *text, size_t len, uint32_t line,
                         const char **start, size_t *n) {
  size_t i = 0;
  for (uint32_t l = 1; l < line; l++) {
    const char *nl = memchr(text + i, '\n', len - i);
    if (!nl) return false;
    i = (size_t)(nl - text) + 1;
  }
  const char *nl = memchr(text + i, '\n', len - i);
  size_t e = nl ? (size_t)(nl - text) : len;
  if (e > i && text[e - 1] == '\r') e--;
  *start = text + i;
  *n = e - i;
  return true;
}

/* Source line and caret for a positioned diagnostic (human style). */
static bool pb_add_snippet(pb_sbuf *b, const pb_diag *dg, const char *text,
                           size_t len) {
  const char *s;
  size_t n;
  if (!pb_find_line(text, len, dg->pos.line, &s, &n)) return true;
  /* Show at most a screenful around the column. */
  char num[16];
  int w = snprintf(num, sizeof num, "%u", dg->pos.line);
  char pad[16];
  memset(pad, ' ', (size_t)w);
  pad[w] = 0;
  pb_sbuf line = {0}, caret = {0};
  bool ok = true;
  size_t i = 0;
  uint32_t col = 1;
  int width_before = 0;
  while (ok && i < n && line.len < 400) {
    uint32_t cp = 0xFFFD;
    size_t k = pb_utf8_decode(s + i, n - i, &cp);
    if (k == 0) k = 1, cp = 0xFFFD;
    int cw;
    if (cp == '\t') {
      ok = pb_sbuf_add(&line, " ", 1);
      cw = 1;
    } else if (cp < 0x20 || cp == 0x7F || (k == 1 && (unsigned char)s[i] >= 0x80)) {
      ok = pb_sbuf_add(&line, "\xEF\xBF\xBD", 3); /* U+FFFD */
      cw = 1;
    } else {
      ok = pb_sbuf_add(&line, s + i, k);
      cw = pb_cp_width(cp);
    }
    if (col < dg->pos.col) width_before += cw;
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
          if (pb_file_read(dg->path, 64u << 20, &other, &other_len) != 0)
            other = NULL;
        }
        text = other;
        len = other_len;
      }
      if (text) ok = pb_add_snippet(&b, dg, text, len);
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
