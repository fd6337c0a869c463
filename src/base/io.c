/* Reading a whole file (src/io.h): used for manuscripts by the CLI and for
 * the originals of derived editions. */
#include "base/io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int pb_file_read(const char *path, size_t max, char **data, size_t *len) {
  int err = 0;
  char *buf = NULL;
  size_t n = 0, cap = 1 << 16;
  FILE *f = fopen(path, "rb");
  if (!f) return errno ? errno : EIO;
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    err = errno;
    goto done;
  }
  if (S_ISDIR(st.st_mode)) {
    err = EISDIR;
    goto done;
  }
  if (!(buf = malloc(cap + 1))) {
    err = ENOMEM;
    goto done;
  }
  for (;;) {
    if (n == cap) {
      if (cap >= max) {
        err = EFBIG;
        goto done;
      }
      char *nb = realloc(buf, cap * 2 + 1);
      if (!nb) {
        err = ENOMEM;
        goto done;
      }
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) err = errno ? errno : EIO;
done:
  fclose(f);
  if (err) {
    free(buf);
    return err;
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  return 0;
}
