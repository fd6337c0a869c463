/* Output-path safety (src/cli/outpath.h). */
#include "outpath.h"

#include <stdint.h>
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

/* Orders identities: made files before existing ones, then by device,
 * inode and (for a file yet to be made) name. */
static int pb_out_id_cmp(const pb_out_id *a, const pb_out_id *b) {
  if (a->exists != b->exists) return a->exists ? 1 : -1;
  if (a->dev != b->dev) return a->dev < b->dev ? -1 : 1;
  if (a->ino != b->ino) return a->ino < b->ino ? -1 : 1;
  return a->exists ? 0 : strcmp(a->name, b->name);
}

static int pb_out_ref_cmp(const void *pa, const void *pb) {
  const pb_out_ref *a = pa, *b = pb;
  int c = pb_out_id_cmp(&a->id, &b->id);
  if (c) return c;
  return a->index < b->index ? -1 : a->index > b->index;
}

void pb_out_refs_sort(pb_out_ref *refs, size_t n) {
  if (n > 1) qsort(refs, n, sizeof *refs, pb_out_ref_cmp);
}

size_t pb_out_refs_find(const pb_out_ref *sorted, size_t n, const pb_out_id *id) {
  size_t lo = 0, hi = n; /* the first ref not below id */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pb_out_id_cmp(&sorted[mid].id, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && pb_out_id_cmp(&sorted[lo].id, id) == 0 ? sorted[lo].index : SIZE_MAX;
}

bool pb_same_file(const char *path, const char *other) {
  struct stat a, b;
  return stat(path, &a) == 0 && stat(other, &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}
