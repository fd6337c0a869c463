/* Internal: reading a whole file. */
#ifndef PB_IO_H
#define PB_IO_H

#include <stddef.h>

/* Reads the file at path into a malloc'd buffer (*data, *len; the caller
 * frees it; one spare byte after the data).  Returns 0, or an errno value:
 * EISDIR for a directory, EFBIG past max bytes, ENOMEM, or open/read's. */
int pb_file_read(const char *path, size_t max, char **data, size_t *len);

#endif
