/* paiban CLI — printing diagnostics on standard error.
 *
 *   short:  PATH:LINE:COL: error: MESSAGE   (one line each; PATH: error: ...
 *           for a whole file)
 *   human:  the same first line, then the source line and a caret under
 *           the column (Typst style); a CJK character is two columns wide.
 *
 * Control bytes in paths, messages and source lines are shown escaped
 * (\x07), never raw.  Messages are printed whole (no length limit), each
 * diagnostic in one write so parallel workers do not interleave. */
#ifndef PB_CLI_DIAGPRINT_H
#define PB_CLI_DIAGPRINT_H

#include "paiban/base.h"

typedef enum pb_diag_style { PB_DIAG_SHORT = 0, PB_DIAG_HUMAN } pb_diag_style;

typedef struct pb_diag_source {
  const char *path; /* the diagnostics with this path ... */
  const char *text; /* ... refer to this text (NULL: read the file) */
  size_t len;
} pb_diag_source;

/* Prints d (warnings too unless quiet).  prefix is written first on each
 * diagnostic (the terminal's clear-line sequence, or ""). */
void pb_print_diags(const pb_diags *d, bool quiet, pb_diag_style style,
                    const char *prefix, const pb_diag_source *src);

/* The display width of a code point in a terminal: 2 for East Asian Wide
 * and Fullwidth characters, 0 for combining marks, else 1. */
int pb_cp_width(uint32_t cp);

/* Appends s (n bytes) to *out with control bytes escaped as \xNN; returns
 * false when out of memory. */
typedef struct pb_sbuf {
  char *p;
  size_t len, cap;
} pb_sbuf;
bool pb_sbuf_escaped(pb_sbuf *b, const char *s, size_t n);
bool pb_sbuf_add(pb_sbuf *b, const char *s, size_t n);

#endif
