/* Reading a whole file and writing a whole buffer (include/paiban/file.h):
 * manuscripts (CLI), the originals of derived editions, font profiles. */
#include "paiban/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Not an errno value: the path names a FIFO, device or socket. */
#define PB_ENOTREG (-1)

/* The errno-style readers below return 0 or an errno value (or
 * PB_ENOTREG); the public functions turn it into words and a diagnostic. */
static int pb_fd_read_err(int fd, size_t max, char **data, size_t *len) {
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

static int pb_file_read_err(const char *path, size_t max, char **data,
                            size_t *len) {
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
    err = pb_fd_read_err(fd, max, data, len);
  }
  close(fd);
  return err;
}

/* Words for a reader's result. */
static const char *pb_read_error(int err, size_t max, char *buf, size_t size) {
  if (err == PB_ENOTREG) return "not a regular file (a FIFO, a device or a socket)";
  if (err == EISDIR) return "is a directory";
  if (err == EFBIG) {
    if (max >= 1u << 20) snprintf(buf, size, "larger than %zu MiB", max >> 20);
    else snprintf(buf, size, "larger than %zu bytes", max);
    return buf;
  }
  return strerror(err);
}

/* Reports a failed read (see pb_file_read) and returns its status. */
static pb_status pb_read_failed(int err, size_t max, const char *path,
                                const char *what, pb_pos at, pb_diags *diags) {
  char buf[64];
  const char *why = pb_read_error(err, max, buf, sizeof buf);
  const char *sep = what ? " " : "";
  if (!what) what = "";
  if (at.line)
    pb_diag_add(diags, PB_SEV_ERROR, at, "cannot read%s%s: %s", sep, what, why);
  else
    pb_diag_add_at(diags, PB_SEV_ERROR, path, (pb_pos){0, 0},
                   "cannot read%s%s: %s", sep, what, why);
  return err == ENOMEM ? PB_ERR_NOMEM : PB_ERR_IO;
}

pb_status pb_file_read(const char *path, size_t max, const char *what,
                       pb_pos at, char **data, size_t *len, pb_diags *diags) {
  int err = pb_file_read_err(path, max, data, len);
  return err ? pb_read_failed(err, max, path, what, at, diags) : PB_OK;
}

pb_status pb_fd_read(int fd, const char *name, size_t max, char **data,
                     size_t *len, pb_diags *diags) {
  int err = pb_fd_read_err(fd, max, data, len);
  return err ? pb_read_failed(err, max, name, NULL, (pb_pos){0, 0}, diags)
             : PB_OK;
}

pb_status pb_write_all(int fd, const char *name, const void *data, size_t len,
                       pb_diags *diags) {
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    int err = n < 0 ? errno : n == 0 ? EIO : 0;
    if (err) {
      pb_diag_add_at(diags, PB_SEV_ERROR, name, (pb_pos){0, 0},
                     "cannot write output: %s", strerror(err));
      return PB_ERR_IO;
    }
    p += n;
    len -= (size_t)n;
  }
  return PB_OK;
}
