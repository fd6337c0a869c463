/* Reading a whole file (src/base/io.h): manuscripts (CLI), the originals
 * of derived editions, font profiles. */
#include "base/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pb_fd_read(int fd, size_t max, char **data, size_t *len) {
  int err = 0;
  size_t n = 0, cap = 1 << 16;
  char *buf = malloc(cap + 1);
  if (!buf) return ENOMEM;
  for (;;) {
    if (n == cap) {
      if (cap >= max) {
        err = EFBIG;
        break;
      }
      size_t ncap = cap * 2 > max ? max : cap * 2;
      char *nb = realloc(buf, ncap + 1);
      if (!nb) {
        err = ENOMEM;
        break;
      }
      buf = nb;
      cap = ncap;
    }
    ssize_t got = read(fd, buf + n, cap - n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      err = errno;
      break;
    }
    if (got == 0) break;
    n += (size_t)got;
  }
  if (!err && n == cap && cap >= max) {
    /* Exactly max bytes: more would be too many; check for one more. */
    char extra;
    ssize_t got;
    do got = read(fd, &extra, 1);
    while (got < 0 && errno == EINTR);
    if (got > 0) err = EFBIG;
  }
  if (err) {
    free(buf);
    return err;
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  return 0;
}

int pb_file_read(const char *path, size_t max, char **data, size_t *len) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return errno ? errno : EIO;
  int err = 0;
  struct stat st;
  if (fstat(fd, &st) != 0) err = errno;
  else if (S_ISDIR(st.st_mode)) err = EISDIR;
  else if (!S_ISREG(st.st_mode)) err = PB_ENOTREG;
  else if ((unsigned long long)st.st_size > max) err = EFBIG;
  else {
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    err = pb_fd_read(fd, max, data, len);
  }
  close(fd);
  return err;
}

const char *pb_file_error(int err, size_t max, char *buf, size_t size) {
  if (err == PB_ENOTREG) return "not a regular file (a FIFO, a device or a socket)";
  if (err == EISDIR) return "is a directory";
  if (err == EFBIG) {
    snprintf(buf, size, "larger than %zu MiB", max >> 20);
    return buf;
  }
  return strerror(err);
}

int pb_write_all(int fd, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}
