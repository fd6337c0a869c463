/* Diagnostics list (include/paiban/base.h).  The library records; the CLI
 * prints. */
#include "paiban/base.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PB_VERSION
#define PB_VERSION "0.1.0"
#endif

const char *pb_version(void) { return PB_VERSION; }

void pb_diags_init(pb_diags *d, const char *path) {
  memset(d, 0, sizeof *d);
  d->path = pb_strdup(path);
}

void pb_diags_free(pb_diags *d) {
  if (!d) return;
  for (size_t i = 0; i < d->count; i++) {
    free(d->items[i].path);
    free(d->items[i].message);
  }
  free(d->items);
  free(d->path);
  memset(d, 0, sizeof *d);
}

static void pb_diag_store(pb_diags *d, pb_severity sev, const char *path,
                          pb_pos pos, const char *fmt, va_list ap) {
  /* Errors are counted even when they cannot be stored, so a caller never
   * mistakes a failed document for a good one. */
  if (sev == PB_SEV_ERROR) d->errors++;
  size_t limit = d->limit ? d->limit : 1000;
  if (d->count >= limit) {
    d->dropped++;
    return;
  }
  char stack[512];
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(stack, sizeof stack, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  char *msg = malloc((size_t)n + 1);
  char *p = pb_strdup(path ? path : d->path);
  if (!msg || (path && !p) || (!path && d->path && !p)) goto fail;
  if ((size_t)n < sizeof stack)
    memcpy(msg, stack, (size_t)n + 1);
  else
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
  if (d->count == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 16;
    pb_diag *items = realloc(d->items, cap * sizeof *items);
    if (!items) goto fail;
    d->items = items;
    d->cap = cap;
  }
  d->items[d->count++] = (pb_diag){sev, pos, p, msg};
  return;
fail:
  free(msg);
  free(p);
  d->dropped++;
}

void pb_diag_add_v(pb_diags *d, pb_severity sev, pb_pos pos, const char *fmt,
               va_list ap) {
  pb_diag_store(d, sev, NULL, pos, fmt, ap);
}

void pb_diag_add(pb_diags *d, pb_severity sev, pb_pos pos, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  pb_diag_store(d, sev, NULL, pos, fmt, ap);
  va_end(ap);
}

void pb_diag_add_at(pb_diags *d, pb_severity sev, const char *path, pb_pos pos,
                const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  pb_diag_store(d, sev, path, pos, fmt, ap);
  va_end(ap);
}

size_t pb_diag_format(const pb_diag *dg, char *buf, size_t size) {
  const char *sev = dg->severity == PB_SEV_ERROR ? "error" : "warning";
  const char *path = dg->path ? dg->path : "<input>";
  /* path:line:col for a position; a diagnostic about a whole file (cannot
   * read, cannot write) has none and says "path: error: ...", as compilers
   * do, rather than inventing 1:1. */
  int n = dg->pos.line
              ? snprintf(buf, size, "%s:%u:%u: %s: %s", path, dg->pos.line,
                         dg->pos.col ? dg->pos.col : 1, sev, dg->message)
              : snprintf(buf, size, "%s: %s: %s", path, sev, dg->message);
  return n < 0 ? 0 : (size_t)n;
}

void pb_diags_move(pb_diags *dst, pb_diags *src) {
  for (size_t i = 0; i < src->count; i++) {
    pb_diag *dg = &src->items[i];
    pb_diag_add_at(dst, dg->severity, dg->path, dg->pos, "%s", dg->message);
  }
  /* Errors that could not be stored still count. */
  size_t stored_errors = 0;
  for (size_t i = 0; i < src->count; i++)
    if (src->items[i].severity == PB_SEV_ERROR) stored_errors++;
  dst->errors += src->errors - stored_errors;
  dst->dropped += src->dropped;
  char *path = src->path;
  src->path = NULL;
  pb_diags_free(src);
  src->path = path;
}
