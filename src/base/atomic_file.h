/* paiban — write a file atomically: a temporary file beside the target,
 * renamed over it only when everything was written (docs/DESIGN.md §10: a failed
 * render never leaves a partial file and never clobbers a good one).
 *
 *   pb_atomic_file af;
 *   if (pb_atomic_open(&af, path, diags) != PB_OK) return ...;
 *   ... write to af.fd, af.tmp_path, or pb_atomic_stream(&af, diags) ...
 *   return ok ? pb_atomic_commit(&af, diags) : (pb_atomic_abort(&af), err);
 *
 * Every failure is reported in diags as an error at the target path with no
 * position ("PATH: error: cannot ...: <strerror>").  After commit or abort
 * the struct holds nothing (fd -1), and abort may be called again.
 * tmp_path is non-NULL exactly while the temporary file exists.
 */
#ifndef PB_ATOMIC_FILE_H
#define PB_ATOMIC_FILE_H

#include "paiban/base.h"

#include <stdio.h>

typedef struct pb_atomic_file {
  char *target;   /* owned copy of the final path */
  char *tmp_path; /* owned: "<dir>/.<name>.XXXXXX", created by mkstemp */
  int fd;         /* open on tmp_path; -1 when closed */
  FILE *fp;       /* from pb_atomic_stream, wraps fd; NULL until asked */
} pb_atomic_file;

/* Creates the temporary file.  Fails (and leaves nothing) when the
 * directory is missing or not writable, or when path is a directory. */
pb_status pb_atomic_open(pb_atomic_file *af, const char *path,
                         pb_diags *diags);

/* A stdio stream on the temporary file (created on first call). */
FILE *pb_atomic_stream(pb_atomic_file *af, pb_diags *diags);

/* Writes len bytes to the temporary file (through the stream if one was
 * asked for), retrying short writes; an error is reported in words
 * ("No space left on device") and the caller aborts. */
pb_status pb_atomic_write(pb_atomic_file *af, const void *data, size_t len,
                          pb_diags *diags);

/* Flushes, fsyncs and renames the temporary file over the target.  On
 * failure the temporary file is removed and the target is untouched. */
pb_status pb_atomic_commit(pb_atomic_file *af, pb_diags *diags);

/* Closes and removes the temporary file; the target is untouched. */
void pb_atomic_abort(pb_atomic_file *af);

/* Removes the temporary file of an output being written, if any; safe to
 * call from a signal handler (the CLI does, on SIGINT/SIGTERM/SIGHUP), so
 * an interrupted render leaves nothing behind. */
void pb_atomic_remove_pending(void);

/* Keeps the name of the pending temporary file in buf (size bytes) from now
 * on, e.g. memory shared with a parent process, which can then remove the
 * file of a worker that crashed.  NULL returns to the built-in buffer. */
void pb_atomic_pending_buffer(char *buf, size_t size);

#endif
