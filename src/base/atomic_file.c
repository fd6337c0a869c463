/* Atomic file output: mkstemp beside the target, fsync, rename
 * (include/paiban/file.h). */
#include "paiban/file.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary files being written, for pb_atomic_remove_pending (a
 * signal handler may call it, so they are fixed buffers, not pointers to
 * freed memory): PB_ATOMIC_PENDING of them, since a batch worker writes
 * one output while the one before is synced and renamed on another
 * thread.  A slot is claimed by pb_atomic_open and given back by commit or
 * abort. */
static char pb_pending_own[PB_ATOMIC_PENDING][PATH_MAX];
static char *pb_pending_tmp = &pb_pending_own[0][0];
static size_t pb_pending_size = PATH_MAX; /* per slot */
static _Atomic bool pb_pending_busy[PB_ATOMIC_PENDING];

static void pb_pending_set(int slot, const char *path) {
  if (slot < 0 || slot >= PB_ATOMIC_PENDING) return;
  char *buf = pb_pending_tmp + (size_t)slot * pb_pending_size;
  size_t n = path ? strlen(path) : 0;
  if (n >= pb_pending_size) n = 0;
  if (n) memcpy(buf, path, n);
  buf[n] = '\0';
}

/* A free slot, claimed; -1 when every one is taken (the file is then not
 * named for removal: more outputs at once than a worker writes). */
static int pb_pending_claim(void) {
  for (int i = 0; i < PB_ATOMIC_PENDING; i++) {
    bool free_slot = false;
    if (atomic_compare_exchange_strong(&pb_pending_busy[i], &free_slot, true)) return i;
  }
  return -1;
}

static void pb_pending_release(int *slot) {
  if (*slot < 0) return;
  pb_pending_set(*slot, NULL);
  atomic_store(&pb_pending_busy[*slot], false);
  *slot = -1;
}

void pb_atomic_remove_pending(void) {
  for (int i = 0; i < PB_ATOMIC_PENDING; i++) {
    const char *buf = pb_pending_tmp + (size_t)i * pb_pending_size;
    if (buf[0]) unlink(buf); /* async-signal-safe */
  }
}

void pb_atomic_pending_buffer(char *buf, size_t size) {
  if (!buf || size < 2 * PB_ATOMIC_PENDING) {
    buf = &pb_pending_own[0][0];
    size = sizeof pb_pending_own;
  }
  memset(buf, 0, size);
  pb_pending_tmp = buf;
  pb_pending_size = size / PB_ATOMIC_PENDING;
}


static const pb_pos pb_nopos = {0, 0};

/* The process umask, read without changing it: umask(2) can only be read by
 * setting it, which races with other threads creating files (-j jobs).
 * Linux reports it in /proc/self/status; elsewhere assume 022. */
static mode_t pb_af_umask(void) {
  mode_t mask = 022;
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return mask;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "Umask:", 6) == 0) {
      char *end = NULL;
      long v = strtol(line + 6, &end, 8);
      if (end != line + 6 && v >= 0 && v <= 0777) mask = (mode_t)v;
      break;
    }
  }
  fclose(f);
  return mask;
}

/* The file an output path names: a symbolic link is written through to
 * the file it names (renaming over the link itself would silently turn it
 * into a regular file).  NULL with an error reported. */
static char *pb_af_target(const char *path, struct stat *st, bool *exists,
                          pb_diags *diags) {
  struct stat lst;
  char *target = NULL;
  if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
    target = realpath(path, NULL);
  if (!target) target = pb_strdup(path);
  if (!target) {
    pb_diag_add_at(diags, PB_SEV_ERROR, path, pb_nopos,
                   "cannot write output: out of memory");
    return NULL;
  }
  *exists = stat(target, st) == 0;
  const char *slash = strrchr(target, '/');
  const char *why = NULL;
  if ((*exists && S_ISDIR(st->st_mode)) || !*(slash ? slash + 1 : target))
    why = strerror(EISDIR);
  /* Renaming over a device or a pipe (e.g. /dev/null as root) would
   * replace the node itself. */
  else if (*exists && !S_ISREG(st->st_mode))
    why = "not a regular file";
  if (!why) return target;
  pb_diag_add_at(diags, PB_SEV_ERROR, path, pb_nopos, "cannot write output: %s",
                 why);
  free(target);
  return NULL;
}

/* The directory part of target ("." or "/" when it has none); NULL when
 * out of memory. */
static char *pb_af_dir(const char *target) {
  const char *slash = strrchr(target, '/');
  if (!slash) return pb_strdup(".");
  if (slash == target) return pb_strdup("/"); /* in the root directory */
  size_t dlen = (size_t)(slash - target);
  char *dir = malloc(dlen + 1);
  if (dir) {
    memcpy(dir, target, dlen);
    dir[dlen] = '\0';
  }
  return dir;
}

/* Creates the temporary file for target in dir with the permissions the
 * target had (or those creat(2) would give); PB_ERR_IO with the error
 * reported at path. */
static pb_status pb_af_create(pb_atomic_file *af, const char *path,
                              const char *dir, const char *base,
                              const struct stat *st, bool exists,
                              pb_diags *diags) {
  size_t tlen = strlen(dir) + strlen(base) + 16;
  af->tmp_path = malloc(tlen);
  if (!af->tmp_path) {
    pb_diag_add_at(diags, PB_SEV_ERROR, path, pb_nopos,
                   "cannot write output: out of memory");
    return PB_ERR_NOMEM;
  }
  /* The temporary name is 8 bytes longer than the target's: a name near
   * NAME_MAX (255) gets a short one instead. */
  bool long_name = strlen(base) + 8 > 255;
  snprintf(af->tmp_path, tlen, "%s%s.%s.XXXXXX", dir,
           strcmp(dir, "/") == 0 ? "" : "/", long_name ? "paiban" : base);
  af->fd = mkstemp(af->tmp_path);
  if (af->fd < 0) {
    int e = errno;
    pb_diag_add_at(diags, PB_SEV_ERROR, path, pb_nopos,
                   "cannot create output in directory '%s': %s", dir,
                   strerror(e));
    /* No file was created: tmp_path must not name one for abort. */
    free(af->tmp_path);
    af->tmp_path = NULL;
    return PB_ERR_IO;
  }
  /* mkstemp creates mode 0600. */
  mode_t mode = exists ? (st->st_mode & 0777) : (0666 & ~pb_af_umask());
  if (fchmod(af->fd, mode) != 0) {
    int e = errno;
    pb_diag_add_at(diags, PB_SEV_ERROR, path, pb_nopos,
                   "cannot set permissions of output: %s", strerror(e));
    return PB_ERR_IO;
  }
  return PB_OK;
}

pb_status pb_atomic_open(pb_atomic_file *af, const char *path,
                         pb_diags *diags) {
  memset(af, 0, sizeof *af);
  af->fd = -1;
  af->pending_slot = -1;
  if (!path || !*path) {
    pb_diag_add_at(diags, PB_SEV_ERROR, path ? path : "", pb_nopos,
                   "cannot write output: empty file name");
    return PB_ERR_IO;
  }
  struct stat st;
  bool exists = false;
  char *target = pb_af_target(path, &st, &exists, diags);
  if (!target) return PB_ERR_IO;
  char *dir = pb_af_dir(target);
  const char *slash = strrchr(target, '/');
  pb_status status = PB_ERR_NOMEM;
  if (!dir)
    pb_diag_add_at(diags, PB_SEV_ERROR, path, pb_nopos,
                   "cannot write output: out of memory");
  else
    status = pb_af_create(af, path, dir, slash ? slash + 1 : target, &st,
                          exists, diags);
  free(dir);
  if (status != PB_OK) {
    free(target);
    pb_atomic_abort(af);
    return status;
  }
  af->target = target;
  af->pending_slot = pb_pending_claim();
  pb_pending_set(af->pending_slot, af->tmp_path);
  return PB_OK;
}

FILE *pb_atomic_stream(pb_atomic_file *af, pb_diags *diags) {
  if (af->fp) return af->fp;
  if (af->fd < 0) return NULL;
  af->fp = fdopen(af->fd, "wb");
  if (!af->fp) {
    int e = errno;
    pb_diag_add_at(diags, PB_SEV_ERROR, af->target ? af->target : "",
                   pb_nopos, "cannot write output: %s", strerror(e));
  }
  return af->fp;
}

pb_status pb_atomic_write(pb_atomic_file *af, const void *data, size_t len,
                          pb_diags *diags) {
  const char *name = af->target ? af->target : "";
  int e = af->fd < 0 ? EBADF : 0;
  if (!e && !af->fp) return pb_write_all(af->fd, name, data, len, diags);
  if (!e && fwrite(data, 1, len, af->fp) != len) e = errno ? errno : EIO;
  if (!e) return PB_OK;
  pb_diag_add_at(diags, PB_SEV_ERROR, name, pb_nopos,
                 "cannot write output: %s", strerror(e));
  return PB_ERR_IO;
}

pb_status pb_atomic_commit(pb_atomic_file *af, pb_diags *diags) {
  if (!af->tmp_path || af->fd < 0) {
    pb_atomic_abort(af);
    return PB_ERR_IO;
  }
  const char *what = "write";
  int e = 0;
  if (af->fp && fflush(af->fp) != 0) e = errno;
  if (!e && fsync(af->fd) != 0) e = errno;
  /* fclose also closes fd; an error there can still mean lost data. */
  int rc = af->fp ? fclose(af->fp) : close(af->fd);
  af->fp = NULL;
  af->fd = -1;
  if (!e && rc != 0) e = errno;
  if (!e && rename(af->tmp_path, af->target) != 0) {
    e = errno;
    what = "replace";
  }
  if (!e) pb_pending_release(&af->pending_slot);
  if (e) {
    pb_diag_add_at(diags, PB_SEV_ERROR, af->target, pb_nopos,
                   "cannot %s output: %s", what, strerror(e));
    pb_atomic_abort(af);
    return PB_ERR_IO;
  }
  /* Make the rename itself durable (best effort: some file systems refuse
   * fsync on a directory). */
  const char *slash = strrchr(af->target, '/');
  char dir[PATH_MAX];
  if (!slash)
    memcpy(dir, ".", 2);
  else if (slash == af->target)
    memcpy(dir, "/", 2);
  else if ((size_t)(slash - af->target) < sizeof dir) {
    memcpy(dir, af->target, (size_t)(slash - af->target));
    dir[slash - af->target] = '\0';
  } else
    dir[0] = '\0';
  if (dir[0]) {
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
      (void)fsync(dfd);
      close(dfd);
    }
  }
  free(af->tmp_path);
  free(af->target);
  af->tmp_path = NULL;
  af->target = NULL;
  return PB_OK;
}

void pb_atomic_abort(pb_atomic_file *af) {
  if (af->fp)
    fclose(af->fp);
  else if (af->fd >= 0)
    close(af->fd);
  af->fp = NULL;
  af->fd = -1;
  if (af->tmp_path) unlink(af->tmp_path);
  pb_pending_release(&af->pending_slot);
  free(af->tmp_path);
  free(af->target);
  af->tmp_path = NULL;
  af->target = NULL;
}
