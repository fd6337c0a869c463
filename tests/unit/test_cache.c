/* Unit tests for the persistent cache (src/base/cache.c): keys, round
 * trips, corrupt and truncated entries ignored and removed, the size
 * bound, and the default directory's environment variables. */
#include "check.h"
#include "base/cache.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

static char dir[] = "/tmp/paiban-cache-test.XXXXXX";

static void key_of(const char *kind, const char *text, char hex[33]) {
  pb_cache_key k;
  CHECK(pb_cache_key_init(&k, kind));
  pb_cache_key_add_str(&k, text);
  pb_cache_key_done(&k, hex);
}

static size_t count_entries(void) {
  DIR *d = opendir(dir);
  size_t n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (strlen(e->d_name) == 32) n++;
  if (d) closedir(d);
  return n;
}

static void test_keys(void) {
  char a[33], b[33], c[33], d[33];
  key_of("subset", "ab", a);
  key_of("subset", "ab", b);
  key_of("subset", "ac", c);
  key_of("fc", "ab", d);
  CHECK_EQ_INT(strlen(a), 32);
  CHECK_EQ_STR(a, b);
  CHECK(strcmp(a, c) != 0);
  CHECK(strcmp(a, d) != 0); /* the kind is part of the key */
  /* "ab" + "c" and "a" + "bc" are different keys. */
  pb_cache_key k1, k2;
  pb_cache_key_init(&k1, "x");
  pb_cache_key_add_str(&k1, "ab");
  pb_cache_key_add_str(&k1, "c");
  pb_cache_key_done(&k1, a);
  pb_cache_key_init(&k2, "x");
  pb_cache_key_add_str(&k2, "a");
  pb_cache_key_add_str(&k2, "bc");
  pb_cache_key_done(&k2, b);
  CHECK(strcmp(a, b) != 0);
  /* A file's identity: it must exist. */
  pb_cache_key_init(&k1, "x");
  CHECK(!pb_cache_key_add_file(&k1, "/nonexistent/file"));
  CHECK(pb_cache_key_add_file(&k1, "/etc/hostname") ||
        pb_cache_key_add_file(&k1, "/etc/passwd"));
  pb_cache_key_done(&k1, a);
}

static void test_round_trip(void) {
  pb_cache *c = pb_cache_open(dir, 0);
  CHECK(c != NULL);
  char key[33];
  key_of("t", "round", key);
  void *data = NULL;
  size_t len = 0;
  CHECK(!pb_cache_get(c, key, &data, &len));
  static const char payload[] = "subset bytes \0 with a NUL";
  pb_cache_put(c, key, payload, sizeof payload);
  CHECK(pb_cache_get(c, key, &data, &len));
  CHECK_EQ_INT(len, sizeof payload);
  CHECK(data && memcmp(data, payload, sizeof payload) == 0);
  free(data);
  /* An empty payload is an entry too. */
  key_of("t", "empty", key);
  pb_cache_put(c, key, "", 0);
  CHECK(pb_cache_get(c, key, &data, &len) && len == 0);
  free(data);
  pb_cache_close(c);
}

/* Damages the entry of key by writing bytes at off, or truncating it. */
static void damage(const char key[33], long off, bool truncate_it) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, key);
  if (truncate_it) {
    CHECK(truncate(path, 30) == 0);
    return;
  }
  FILE *f = fopen(path, "r+b");
  CHECK(f != NULL);
  if (!f) return;
  fseek(f, off, SEEK_SET);
  fputc('#', f);
  fclose(f);
}

static void test_corruption(void) {
  pb_cache *c = pb_cache_open(dir, 0);
  char key[33];
  void *data = NULL;
  size_t len = 0;
  const char payload[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (int kind = 0; kind < 3; kind++) {
    key_of("corrupt", kind == 0 ? "payload" : kind == 1 ? "magic" : "short", key);
    pb_cache_put(c, key, payload, sizeof payload);
    damage(key, kind == 0 ? 40 : 1, kind == 2);
    CHECK(!pb_cache_get(c, key, &data, &len));
    CHECK(data == NULL);
    /* The bad entry is gone, and a new put replaces it. */
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, key);
    CHECK(access(path, F_OK) != 0);
    pb_cache_put(c, key, payload, sizeof payload);
    CHECK(pb_cache_get(c, key, &data, &len) && len == sizeof payload);
    free(data);
    data = NULL;
  }
  /* Keys that are not 32 hex digits are refused. */
  pb_cache_put(c, "../escape", payload, 4);
  CHECK(!pb_cache_get(c, "../escape", &data, &len));
  pb_cache_put(c, "../../../../../../../../tmp/xxxxx", payload, 4);
  CHECK(access("/tmp/xxxxx", F_OK) != 0);
  pb_cache_close(c);
}

static void test_bound(void) {
  /* 64 KiB limit, 4 KiB entries: the cache never keeps much more. */
  pb_cache *c = pb_cache_open(dir, 64 << 10);
  static char blob[4096];
  memset(blob, 'x', sizeof blob);
  for (int i = 0; i < 200; i++) {
    char key[33], text[32];
    snprintf(text, sizeof text, "entry %d", i);
    key_of("bound", text, key);
    pb_cache_put(c, key, blob, sizeof blob);
  }
  /* Trimming runs on about every 16th put, so allow that much slack. */
  CHECK(count_entries() * (sizeof blob + 24) <= (64 << 10) + 16 * (sizeof blob + 24));
  pb_cache_close(c);
}

/* A hit refreshes an entry's mtime (the eviction order) only when it is
 * older than an hour, so a render's many hits write no metadata. */
static void test_touch(void) {
  pb_cache *c = pb_cache_open(dir, 0);
  char key[33], path[600];
  key_of("touch", "entry", key);
  pb_cache_put(c, key, "abc", 3);
  snprintf(path, sizeof path, "%s/%s", dir, key);
  time_t now = time(NULL);
  struct timespec old[2] = {{now - 2 * 86400, 0}, {now - 2 * 86400, 0}};
  struct timespec recent[2] = {{now - 60, 0}, {now - 60, 0}};
  void *data = NULL;
  size_t len = 0;
  struct stat st;
  CHECK(utimensat(AT_FDCWD, path, old, 0) == 0);
  CHECK(pb_cache_get(c, key, &data, &len));
  free(data);
  CHECK(stat(path, &st) == 0 && st.st_mtime >= now - 5);
  CHECK(utimensat(AT_FDCWD, path, recent, 0) == 0);
  CHECK(pb_cache_get(c, key, &data, &len));
  free(data);
  CHECK(stat(path, &st) == 0 && st.st_mtime == now - 60);
  pb_cache_close(c);
}

static void test_default_dir(void) {
  char buf[512];
  setenv("PAIBAN_CACHE_DIR", "/x/y", 1);
  CHECK_EQ_STR(pb_cache_default_dir(buf, sizeof buf), "/x/y");
  unsetenv("PAIBAN_CACHE_DIR");
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  CHECK_EQ_STR(pb_cache_default_dir(buf, sizeof buf), "/xdg/paiban");
  unsetenv("XDG_CACHE_HOME");
  setenv("HOME", "/home/u", 1);
  CHECK_EQ_STR(pb_cache_default_dir(buf, sizeof buf), "/home/u/.cache/paiban");
  unsetenv("HOME");
  CHECK(pb_cache_default_dir(buf, sizeof buf) == NULL);
  /* An unusable directory means no cache, not an error. */
  CHECK(pb_cache_open("/proc/no/such/dir", 0) == NULL);
  CHECK(pb_cache_open(NULL, 0) == NULL);
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  test_keys();
  test_round_trip();
  test_corruption();
  test_bound();
  test_touch();
  test_default_dir();
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) CHECK(!"cleanup");
  CHECK_DONE("cache");
}
