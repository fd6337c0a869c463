/* The persistent cache: see cache.h.  Hashing is xxHash's XXH3-128 (fast,
 * well distributed; a collision needs 2^64 entries). */
#include "base/cache.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#define PB_CACHE_MAGIC "PBC2"
#define PB_CACHE_HEADER 24 /* magic 4, length 4, XXH3-128 16 */
#define PB_CACHE_MAX_ENTRY (256u << 20)
/* A hit refreshes the entry's mtime only when it is older than this. */
#define PB_CACHE_TOUCH_AFTER 3600

struct pb_cache {
  char *dir;
  uint64_t max_bytes;
};

const char *pb_cache_default_dir(char *buf, size_t size) {
  const char *d = getenv("PAIBAN_CACHE_DIR");
  if (d && *d) {
    snprintf(buf, size, "%s", d);
    return buf;
  }
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  if (xdg && *xdg == '/') snprintf(buf, size, "%s/paiban", xdg);
  else if (home && *home == '/') snprintf(buf, size, "%s/.cache/paiban", home);
  else return NULL;
  return buf;
}

/* mkdir -p for the cache directory (0700: a user's own cache). */
static bool pb_mkdirs(const char *path) {
  char tmp[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof tmp) return false;
  memcpy(tmp, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (tmp[i] != '/' && tmp[i] != 0) continue;
    char c = tmp[i];
    tmp[i] = 0;
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return false;
    tmp[i] = c;
  }
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && access(path, W_OK) == 0;
}

pb_cache *pb_cache_open(const char *dir, uint64_t max_bytes) {
  if (!dir || !*dir || !pb_mkdirs(dir)) return NULL;
  pb_cache *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->dir = pb_strdup(dir);
  c->max_bytes = max_bytes ? max_bytes : (uint64_t)256 << 20;
  if (!c->dir) {
    free(c);
    return NULL;
  }
  return c;
}

void pb_cache_close(pb_cache *c) {
  if (!c) return;
  free(c->dir);
  free(c);
}

bool pb_cache_key_init(pb_cache_key *k, const char *kind) {
  XXH3_state_t *s = XXH3_createState();
  k->state = s;
  if (!s || XXH3_128bits_reset(s) != XXH_OK) return false;
  pb_cache_key_add_str(k, "paiban-cache-1");
  pb_cache_key_add_str(k, pb_version());
  pb_cache_key_add_str(k, kind);
  return true;
}

void pb_cache_key_add(pb_cache_key *k, const void *data, size_t len) {
  if (!k->state) return;
  uint64_t n = len; /* the length first: "ab"+"c" differs from "a"+"bc" */
  XXH3_128bits_update(k->state, &n, sizeof n);
  if (len) XXH3_128bits_update(k->state, data, len);
}

void pb_cache_key_add_str(pb_cache_key *k, const char *s) {
  pb_cache_key_add(k, s ? s : "", s ? strlen(s) : 0);
}

bool pb_cache_key_add_file(pb_cache_key *k, const char *path) {
  struct stat st;
  if (!path || stat(path, &st) != 0) return false;
  int64_t v[4] = {(int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec,
                  (int64_t)st.st_mtim.tv_nsec, (int64_t)st.st_ino};
  pb_cache_key_add_str(k, path);
  pb_cache_key_add(k, v, sizeof v);
  return true;
}

static void pb_hex128(XXH128_hash_t h, char hex[33]) {
  snprintf(hex, 33, "%016llx%016llx", (unsigned long long)h.high64,
           (unsigned long long)h.low64);
}

void pb_cache_key_done(pb_cache_key *k, char hex[33]) {
  if (!k->state) {
    hex[0] = 0;
    return;
  }
  pb_hex128(XXH3_128bits_digest(k->state), hex);
  XXH3_freeState(k->state);
  k->state = NULL;
}

static bool pb_entry_path(const pb_cache *c, const char *hex, char *out,
                          size_t size) {
  if (!c || !hex || strlen(hex) != 32) return false;
  for (int i = 0; i < 32; i++) /* a name in the directory, nothing else */
    if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
      return false;
  return (size_t)snprintf(out, size, "%s/%s", c->dir, hex) < size;
}

/* The seed of an entry's checksum: the first 64 bits of its key, so that
 * an entry is the value of the key it is stored under (a whole entry under
 * another entry's name fails its checksum). */
static XXH64_hash_t pb_entry_seed(const char *hex) {
  char high[17]; /* hex is 32 hex digits (pb_entry_path checked it) */
  memcpy(high, hex, 16);
  high[16] = '\0';
  return (XXH64_hash_t)strtoull(high, NULL, 16);
}

/* Reads and checks the entry file of key hex; false for anything but a
 * whole entry of that key. */
static bool pb_entry_read(int fd, const char *hex, void **data, size_t *len,
                          time_t *mtime) {
  struct stat st;
  unsigned char head[PB_CACHE_HEADER];
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < PB_CACHE_HEADER ||
      st.st_size > PB_CACHE_MAX_ENTRY + PB_CACHE_HEADER ||
      read(fd, head, sizeof head) != (ssize_t)sizeof head ||
      memcmp(head, PB_CACHE_MAGIC, 4) != 0)
    return false;
  uint32_t n = (uint32_t)head[4] << 24 | (uint32_t)head[5] << 16 |
               (uint32_t)head[6] << 8 | head[7];
  if ((off_t)n + PB_CACHE_HEADER != st.st_size) return false;
  char *buf = malloc((size_t)n + 1);
  if (!buf) return false;
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  XXH128_canonical_t want;
  memcpy(&want, head + 8, sizeof want);
  XXH128_hash_t h = XXH3_128bits_withSeed(buf, n, pb_entry_seed(hex));
  if (got != n || !XXH128_isEqual(h, XXH128_hashFromCanonical(&want))) {
    free(buf);
    return false;
  }
  buf[n] = 0;
  *data = buf;
  *len = n;
  *mtime = st.st_mtime;
  return true;
}

bool pb_cache_get(pb_cache *c, const char *hex, void **data, size_t *len) {
  char path[4200];
  *data = NULL;
  *len = 0;
  if (!pb_entry_path(c, hex, path, sizeof path)) return false;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  time_t mtime = 0;
  bool ok = pb_entry_read(fd, hex, data, len, &mtime);
  /* Recently used: the mtime orders the eviction.  An hour is fine enough
   * for that, and a render makes dozens of hits, each of which would
   * otherwise write the file's metadata. */
  if (ok && time(NULL) - mtime > PB_CACHE_TOUCH_AFTER) (void)futimens(fd, NULL);
  close(fd);
  if (!ok) unlink(path); /* never trusted, replaced on the next put */
  return ok;
}

/* Removes the least recently used entries until the cache holds at most
 * three quarters of its limit (only when it is over the limit). */
static void pb_cache_trim(pb_cache *c) {
  DIR *d = opendir(c->dir);
  if (!d) return;
  struct ent {
    char name[40];
    time_t t;
    off_t size;
  } *v = NULL;
  size_t n = 0, cap = 0;
  uint64_t total = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    struct stat st;
    char path[4200];
    if (strlen(e->d_name) != 32) continue;
    snprintf(path, sizeof path, "%s/%s", c->dir, e->d_name);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (!pb_grow((void **)&v, &cap, n + 1, sizeof *v)) break;
    snprintf(v[n].name, sizeof v[n].name, "%s", e->d_name);
    v[n].t = st.st_mtime;
    v[n].size = st.st_size;
    total += (uint64_t)st.st_size;
    n++;
  }
  closedir(d);
  if (total <= c->max_bytes) n = 0; /* under the limit: nothing to do */
  while (n && total > c->max_bytes / 4 * 3) {
    size_t oldest = 0;
    for (size_t i = 1; i < n; i++)
      if (v[i].t < v[oldest].t) oldest = i;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->dir, v[oldest].name);
    unlink(path);
    total -= (uint64_t)v[oldest].size;
    v[oldest] = v[--n];
  }
  free(v);
}

static bool pb_cache_write_all(int fd, const void *p, size_t n) {
  const char *b = p;
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w <= 0) return false;
    b += w;
    n -= (size_t)w;
  }
  return true;
}

void pb_cache_put(pb_cache *c, const char *hex, const void *data, size_t len) {
  char path[4200], tmp[4300];
  if (!pb_entry_path(c, hex, path, sizeof path) || len > PB_CACHE_MAX_ENTRY)
    return;
  snprintf(tmp, sizeof tmp, "%s/.tmp.%s.XXXXXX", c->dir, hex);
  int fd = mkstemp(tmp);
  if (fd < 0) return;
  unsigned char head[PB_CACHE_HEADER];
  memcpy(head, PB_CACHE_MAGIC, 4);
  head[4] = (unsigned char)(len >> 24);
  head[5] = (unsigned char)(len >> 16);
  head[6] = (unsigned char)(len >> 8);
  head[7] = (unsigned char)len;
  XXH128_canonical_t can;
  XXH128_canonicalFromHash(&can, XXH3_128bits_withSeed(data, len, pb_entry_seed(hex)));
  memcpy(head + 8, &can, sizeof can);
  bool ok = pb_cache_write_all(fd, head, sizeof head) && pb_cache_write_all(fd, data, len);
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return;
  }
  /* Trimming reads the directory: only now and then (about every 16th
   * write: the names are hashes), and whenever the entry alone is large. */
  if (hex[0] == '0' || len > c->max_bytes / 64) pb_cache_trim(c);
}
