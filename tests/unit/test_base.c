/* Unit tests for the base helpers: status names, array growth, reading
 * and writing files (include/paiban/file.h). */
#include "check.h"
#include "base/util.h"
#include "paiban/base.h"
#include "paiban/file.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_status_names(void) {
  CHECK_EQ_STR(pb_status_name(PB_OK), "ok");
  CHECK_EQ_STR(pb_status_name(PB_ERR_INPUT), "input error");
  CHECK_EQ_STR(pb_status_name(PB_ERR_NOMEM), "out of memory");
  CHECK_EQ_STR(pb_status_name(PB_ERR_IO), "input/output error");
  CHECK_EQ_STR(pb_status_name(PB_ERR_FONT), "font error");
  CHECK_EQ_STR(pb_status_name(PB_ERR_INTERNAL), "internal error");
  CHECK_EQ_STR(pb_status_name((pb_status)99), "unknown status");
}

static void test_grow(void) {
  int *v = NULL;
  size_t cap = 0;
  CHECK(pb_grow((void **)&v, &cap, 1, sizeof *v));
  CHECK_EQ_INT(cap, 16);
  CHECK(pb_grow((void **)&v, &cap, 17, sizeof *v));
  CHECK_EQ_INT(cap, 32);
  CHECK(pb_grow((void **)&v, &cap, 1000, sizeof *v));
  CHECK(cap >= 1000);
  v[999] = 7;
  /* A size that cannot be allocated fails and leaves the array as it was. */
  int *before = v;
  size_t cap_before = cap;
  CHECK(!pb_grow((void **)&v, &cap, SIZE_MAX / 2, sizeof *v));
  CHECK(v == before && cap == cap_before && v[999] == 7);
  free(v);
  char *s = pb_strdup("排版");
  CHECK_EQ_STR(s, "排版");
  free(s);
  CHECK(pb_strdup(NULL) == NULL);
}

/* The message of the last diagnostic, or "". */
static const char *last_message(const pb_diags *d) {
  return d->count ? d->items[d->count - 1].message : "";
}

/* pb_file_read and pb_fd_read: regular files only, within the limit, each
 * failure reported once where it is asked to be. */
static void test_file_read(void) {
  char dir[] = "/tmp/pb-test-base-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[256], fifo[256];
  snprintf(path, sizeof path, "%s/a.md", dir);
  snprintf(fifo, sizeof fifo, "%s/fifo.md", dir);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) {
    fputs("排版\n", f);
    fclose(f);
  }
  CHECK(mkfifo(fifo, 0600) == 0);

  pb_diags d;
  pb_diags_init(&d, path);
  char *data = NULL;
  size_t len = 0;
  CHECK(pb_file_read(path, 1024, NULL, (pb_pos){0, 0}, &data, &len, &d) == PB_OK);
  CHECK_EQ_INT(len, 7);
  CHECK(data && strcmp(data, "排版\n") == 0);
  free(data);
  data = NULL;
  CHECK_EQ_INT(d.count, 0);
  /* Too large: one error at the file, no position. */
  CHECK(pb_file_read(path, 4, NULL, (pb_pos){0, 0}, &data, &len, &d) == PB_ERR_IO);
  CHECK(data == NULL);
  CHECK_EQ_INT(d.errors, 1);
  CHECK_EQ_STR(last_message(&d), "cannot read: larger than 4 bytes");
  CHECK(d.items[0].pos.line == 0);
  /* A FIFO never blocks; the error is at the given position. */
  CHECK(pb_file_read(fifo, 1024, "the original 'fifo.md'", (pb_pos){3, 14},
                     &data, &len, &d) == PB_ERR_IO);
  CHECK_EQ_STR(last_message(&d), "cannot read the original 'fifo.md': not a "
                                 "regular file (a FIFO, a device or a socket)");
  CHECK(d.items[d.count - 1].pos.line == 3 && d.items[d.count - 1].pos.col == 14);
  CHECK(pb_file_read(dir, 1024, "font profile 'x'", (pb_pos){0, 0}, &data, &len,
                     &d) == PB_ERR_IO);
  CHECK_EQ_STR(last_message(&d), "cannot read font profile 'x': is a directory");
  CHECK_EQ_STR(d.items[d.count - 1].path, dir);
  CHECK(pb_file_read("/dev/zero", 1024, NULL, (pb_pos){0, 0}, &data, &len, &d) ==
        PB_ERR_IO);
  /* A descriptor: read to its end. */
  int fd = open(path, O_RDONLY);
  CHECK(pb_fd_read(fd, "<stdin>", 1024, &data, &len, &d) == PB_OK);
  CHECK_EQ_INT(len, 7);
  free(data);
  close(fd);
  pb_diags_free(&d);
  unlink(fifo);
  unlink(path);
  rmdir(dir);
}

/* Writing to a full device reports the OS's words. */
static void test_write_all(void) {
  pb_diags d;
  pb_diags_init(&d, "out.pdf");
  int fd = open("/dev/full", O_WRONLY);
  CHECK(fd >= 0);
  if (fd >= 0) {
    CHECK(pb_write_all(fd, "/dev/full", "x", 1, &d) == PB_ERR_IO);
    CHECK_EQ_STR(last_message(&d), "cannot write output: No space left on device");
    CHECK_EQ_STR(d.items[0].path, "/dev/full");
    close(fd);
  }
  fd = open("/dev/null", O_WRONLY);
  CHECK(pb_write_all(fd, "/dev/null", "xyz", 3, &d) == PB_OK);
  close(fd);
  CHECK_EQ_INT(d.errors, 1);
  pb_diags_free(&d);
}

int main(void) {
  test_status_names();
  test_grow();
  test_file_read();
  test_write_all();
  CHECK_DONE("base");
}
