/* Unit tests for the base helpers: status names, array growth, and the
 * furniture-free parts of the stage trace API. */
#include "check.h"
#include "base/util.h"
#include "paiban/base.h"

#include <stdlib.h>

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

int main(void) {
  test_status_names();
  test_grow();
  CHECK_DONE("base");
}
