/* Internal: reading a whole file. */
#ifndef PB_IO_H
#define PB_IO_H

#include <stddef.h>

/* The largest manuscript (or original) read: parsing takes about 45 bytes
 * a character, so 16 MiB keeps even a sanitizer build well under 1 GiB;
 * a book of 2,000,000 characters (pb_doc_check's limit) is 6 MB. */
#define PB_MAX_MANUSCRIPT_BYTES (16u << 20)

/* Not an errno value: the path names a FIFO, device or socket. */
#define PB_ENOTREG (-1)

/* Reads the regular file at path into a malloc'd buffer (*data, *len; the
 * caller frees it; one spare NUL byte after the data).  Returns 0, or an
 * errno value: EISDIR for a directory, EFBIG past max bytes, ENOMEM, or
 * open/read's; PB_ENOTREG for anything but a regular file (opened without
 * blocking, so a FIFO never hangs and /dev/zero is never read). */
int pb_file_read(const char *path, size_t max, char **data, size_t *len);

/* Reads all of an open descriptor (standard input), at most max bytes;
 * same contract as pb_file_read. */
int pb_fd_read(int fd, size_t max, char **data, size_t *len);

/* Writes all len bytes to fd, retrying short writes and EINTR.  Returns 0
 * or the errno value (ENOSPC: "No space left on device"). */
int pb_write_all(int fd, const void *data, size_t len);

/* Words for pb_file_read's result: strerror, or "not a regular file
 * (a FIFO, a device or a socket)", "is a directory", "larger than N MiB". */
const char *pb_file_error(int err, size_t max, char *buf, size_t size);

#endif
