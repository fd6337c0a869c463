/* paiban — files: reading a whole regular file, writing all of a buffer,
 * and writing an output atomically (src/base/io.c, src/base/atomic_file.c).
 * The CLI reads manuscripts and writes dumps through these; the library
 * reads originals and font profiles and writes PDFs with them.
 *
 * Failures are reported where they happen, in the pb_diags given, with
 * the OS's reason in words ("No space left on device", "not a regular
 * file (a FIFO, a device or a socket)", "larger than 16 MiB"); the
 * functions return PB_OK, PB_ERR_IO or PB_ERR_NOMEM.
 *
 * Atomic output (docs/DESIGN.md §10: a failed render never leaves a
 * partial file and never clobbers a good one):
 *
 *   pb_atomic_file af;
 *   if (pb_atomic_open(&af, path, diags) != PB_OK) return ...;
 *   ... pb_atomic_write(&af, ...), or a stream from pb_atomic_stream ...
 *   return ok ? pb_atomic_commit(&af, diags) : (pb_atomic_abort(&af), err);
 *
 * Every failure of these is an error at the target path with no position
 * ("PATH: error: cannot ...: <strerror>").  After commit or abort the
 * struct holds nothing (fd -1), and abort may be called again.
 *
 * Ownership: a buffer read is malloc'd and the caller's to free; a
 * pb_atomic_file owns its strings until commit or abort.
 */
#ifndef PAIBAN_FILE_H
#define PAIBAN_FILE_H

#include "base.h"

#include <stdio.h>

/* The largest manuscript (or original) read: parsing takes about 45 bytes
 * a character, so 16 MiB keeps even a sanitizer build well under 1 GiB;
 * a book of 2,000,000 characters (pb_doc_check's limit) is 6 MB. */
#define PB_MAX_MANUSCRIPT_BYTES (16u << 20)

/* Reads the regular file at path into a malloc'd buffer (*data, *len; one
 * spare NUL byte after the data).  Anything but a regular file is refused
 * (it is opened without blocking, so a FIFO never hangs and /dev/zero is
 * never read), and so is a file over max bytes.  A failure is reported as
 * "cannot read WHAT: WHY" — at `at` in diags' own file when at.line is
 * set (the front-matter line that names the file), else at path without
 * a position; what NULL reads "cannot read: WHY". */
pb_status pb_file_read(const char *path, size_t max, const char *what,
                       pb_pos at, char **data, size_t *len, pb_diags *diags);

/* Reads all of an open descriptor (standard input), at most max bytes, as
 * pb_file_read does; a failure is reported at name ("<stdin>"). */
pb_status pb_fd_read(int fd, const char *name, size_t max, char **data,
                     size_t *len, pb_diags *diags);

/* Writes all len bytes to fd, retrying short writes and EINTR; a failure
 * is "cannot write output: WHY" at name. */
pb_status pb_write_all(int fd, const char *name, const void *data, size_t len,
                       pb_diags *diags);

typedef struct pb_atomic_file {
  char *target;   /* owned copy of the final path */
  char *tmp_path; /* owned: "<dir>/.<name>.XXXXXX", created by mkstemp */
  int fd;         /* open on tmp_path; -1 when closed */
  FILE *fp;       /* from pb_atomic_stream, wraps fd; NULL until asked */
  int pending_slot; /* where tmp_path is named for pb_atomic_remove_pending */
} pb_atomic_file;

/* How many temporary files a process names for removal at once, so that
 * one output can be written while the one before is committed on another
 * thread.  A file opened while that many are open is not named: an
 * interrupted render could then leave it behind. */
#define PB_ATOMIC_PENDING 2

/* Creates the temporary file beside path (a symbolic link is written
 * through to the file it names).  Fails, and leaves nothing, when the
 * directory is missing or not writable, or path is a directory or not a
 * regular file. */
pb_status pb_atomic_open(pb_atomic_file *af, const char *path,
                         pb_diags *diags);

/* A stdio stream on the temporary file (created on first call); NULL, with
 * an error reported, when it cannot be made. */
FILE *pb_atomic_stream(pb_atomic_file *af, pb_diags *diags);

/* Writes len bytes to the temporary file (through the stream if one was
 * asked for), retrying short writes; on failure the caller aborts. */
pb_status pb_atomic_write(pb_atomic_file *af, const void *data, size_t len,
                          pb_diags *diags);

/* Flushes, fsyncs, closes and renames the temporary file over the target,
 * every step checked.  On failure the temporary file is removed and the
 * target is untouched. */
pb_status pb_atomic_commit(pb_atomic_file *af, pb_diags *diags);

/* Closes and removes the temporary file; the target is untouched. */
void pb_atomic_abort(pb_atomic_file *af);

/* Removes the temporary files of outputs being written or committed, if
 * any; safe to call from a signal handler (the CLI does, on
 * SIGINT/SIGTERM/SIGHUP), so an interrupted render leaves nothing behind. */
void pb_atomic_remove_pending(void);

/* Keeps the names of the pending temporary files in buf (size bytes, split
 * into PB_ATOMIC_PENDING NUL-terminated slots of size / PB_ATOMIC_PENDING)
 * from now on, e.g. memory shared with a parent process, which can then
 * remove the files of a worker that crashed.  NULL returns to the built-in
 * buffer.  Call it before any file is open. */
void pb_atomic_pending_buffer(char *buf, size_t size);

#endif
