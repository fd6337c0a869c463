/* paiban CLI — output-path safety: files are compared by device and inode,
 * never by spelling, so "a.md" and "./a.md", or a symbolic link and the
 * file it names, are the same file. */
#ifndef PB_CLI_OUTPATH_H
#define PB_CLI_OUTPATH_H

#include <stdbool.h>
#include <sys/types.h>

/* What a path to be written will replace: the existing file (symbolic
 * links followed), or for a file yet to be made its directory and name. */
typedef struct pb_out_id {
  bool exists;
  dev_t dev;
  ino_t ino;
  const char *name; /* borrowed: the last component, when !exists */
} pb_out_id;

/* Fills id for path; false when neither it nor its directory exists. */
bool pb_out_id_of(const char *path, pb_out_id *id);
bool pb_out_id_same(const pb_out_id *a, const pb_out_id *b);

/* Is path an existing file that is also the existing file other? */
bool pb_same_file(const char *path, const char *other);

#endif
