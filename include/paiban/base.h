/* paiban — base types shared by every stage: lengths, strings, source
 * positions and diagnostics.
 *
 * Ownership: a pb_diags owns every message and path string added to it and
 * frees them in pb_diags_free().  Strings passed in are copied.
 */
#ifndef PAIBAN_BASE_H
#define PAIBAN_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lengths are integers in scaled points: 1/65536 pt (TeX's sp).  A5 is
 * 595 pt tall, i.e. 3.9e7 sp, well inside int32_t; sums over a line or a
 * page use int64_t. */
typedef int32_t pb_len;
#define PB_SP_PER_PT 65536
#define PB_PT(x) ((pb_len)((x) * 65536.0 + ((x) < 0 ? -0.5 : 0.5)))
#define PB_MM(x) PB_PT((x) * 72.0 / 25.4)
static inline double pb_len_to_pt(pb_len l) { return (double)l / 65536.0; }

/* A string given as pointer + length; not NUL-terminated unless stated. */
typedef struct pb_str {
  const char *ptr;
  size_t len;
} pb_str;

/* A position in a source file: 1-based line, 1-based column counted in
 * Unicode characters (not bytes).  {0,0} means "no position". */
typedef struct pb_pos {
  uint32_t line;
  uint32_t col;
} pb_pos;

typedef enum pb_severity {
  PB_SEV_WARNING = 0,
  PB_SEV_ERROR = 1,
} pb_severity;

typedef struct pb_diag {
  pb_severity severity;
  pb_pos pos;
  char *path;    /* owned; file the position refers to */
  char *message; /* owned; no trailing newline, no "error:" prefix */
} pb_diag;

/* A growing list of diagnostics for one document.  The library never prints:
 * every stage appends here and the caller decides what to show. */
typedef struct pb_diags {
  pb_diag *items;
  size_t count, cap;
  size_t errors;   /* number of PB_SEV_ERROR entries */
  char *path;      /* owned; default path for new diagnostics */
  size_t limit;    /* stop storing after this many (0 = 1000); counted still */
  size_t dropped;  /* diagnostics not stored because of the limit */
} pb_diags;

void pb_diags_init(pb_diags *d, const char *path);
void pb_diags_free(pb_diags *d);
/* Append a diagnostic at pos in d->path (printf-style message). */
void pb_diag_add(pb_diags *d, pb_severity sev, pb_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void pb_diag_add_v(pb_diags *d, pb_severity sev, pb_pos pos, const char *fmt,
               va_list ap);
/* Same, for a file other than d->path (e.g. a font profile). */
void pb_diag_add_at(pb_diags *d, pb_severity sev, const char *path, pb_pos pos,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Moves every diagnostic of src to the end of dst (src is left empty). */
void pb_diags_move(pb_diags *dst, pb_diags *src);
/* Formats one diagnostic as "path:line:col: error: message" into buf
 * (always NUL-terminated, truncated to size); a diagnostic without a
 * position (about a whole file) is "path: error: message".  Returns the
 * length it needed (call again with a larger buffer to get it whole). */
size_t pb_diag_format(const pb_diag *dg, char *buf, size_t size);

/* Status codes returned by library entry points. */
typedef enum pb_status {
  PB_OK = 0,
  PB_ERR_INPUT = 1,  /* the document has errors (see pb_diags) */
  PB_ERR_NOMEM = 2,  /* out of memory (also reported in pb_diags if possible) */
  PB_ERR_IO = 3,     /* reading or writing a file failed */
  PB_ERR_FONT = 4,   /* a font could not be found or loaded */
  PB_ERR_INTERNAL = 5,
} pb_status;

/* The status's name ("ok", "input error", "out of memory", ...), for
 * messages and tests; never NULL. */
const char *pb_status_name(pb_status st);

/* Decodes the UTF-8 sequence at s (n bytes available).  Returns its length
 * (1..4) and stores the code point in *cp.  Returns 0 and stores U+FFFD if
 * the bytes are not valid UTF-8: a stray continuation byte, a byte that can
 * never start a sequence (C0, C1, F5..FF), an overlong form, a surrogate
 * (U+D800..U+DFFF), a value above U+10FFFF, or a sequence cut short by n or
 * by a non-continuation byte.  n == 0 also returns 0. */
size_t pb_utf8_decode(const char *s, size_t n, uint32_t *cp);

const char *pb_version(void);

#endif
