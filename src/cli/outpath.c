/* Output-path safety (src/cli/outpath.h). */
#include "outpath.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool pb_out_id_of(const char *path, pb_out_id *id) {
  struct stat st;
  memset(id, 0, sizeof *id);
  if (stat(path, &st) == 0) {
    id->exists = true;
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    return true;
  }
  const char *slash = strrchr(path, '/');
  id->name = slash ? slash + 1 : path;
  char *dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
  bool ok = dir && stat(dir, &st) == 0;
  free(dir);
  if (!ok) return false;
  id->dev = st.st_dev;
  id->ino = st.st_ino;
  return true;
}

bool pb_out_id_same(const pb_out_id *a, const pb_out_id *b) {
  if (a->exists != b->exists || a->dev != b->dev || a->ino != b->ino)
    return false;
  return a->exists || strcmp(a->name, b->name) == 0;
}

bool pb_same_file(const char *path, const char *other) {
  struct stat a, b;
  return stat(path, &a) == 0 && stat(other, &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}
