/* Internal: the files a manuscript names (derive-from, images), found
 * relative to it (src/doc/derive.c). */
#ifndef PB_DOC_PATHS_H
#define PB_DOC_PATHS_H

#include <stdbool.h>

/* rel relative to the directory of base (rel itself when absolute), as a
 * malloc'd string the caller frees; NULL when out of memory. */
char *pb_sibling_path(const char *base, const char *rel);

/* Is file (symbolic links resolved) inside the directory of manuscript, or
 * below it?  A file that does not exist is let through: reading it reports
 * the error. */
bool pb_path_inside(const char *manuscript, const char *file);

#endif
