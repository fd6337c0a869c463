/* paiban CLI — output-path safety: files are compared by device and inode,
 * never by spelling, so "a.md" and "./a.md", or a symbolic link and the
 * file it names, are the same file. */
#ifndef PB_CLI_OUTPATH_H
#define PB_CLI_OUTPATH_H

#include <stdbool.h>
#include <stddef.h>
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

/* A path's identity and its place in a list, so that a batch compares
 * many paths by sorting them once (a stat each) rather than pair by pair
 * (two a pair: 80,000 for 200 manuscripts). */
typedef struct pb_out_ref {
  pb_out_id id;
  size_t index;
} pb_out_ref;

/* Sorts refs by identity, equal identities by index. */
void pb_out_refs_sort(pb_out_ref *refs, size_t n);

/* The smallest index among sorted refs with id's identity; SIZE_MAX when
 * none has it. */
size_t pb_out_refs_find(const pb_out_ref *sorted, size_t n, const pb_out_id *id);

/* Is path an existing file that is also the existing file other? */
bool pb_same_file(const char *path, const char *other);

#endif
