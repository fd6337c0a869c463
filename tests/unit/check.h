/* Tiny unit-test helpers.  Each test program prints one line per failed
 * check and ends with "unit NAME: N passed, N failed"; exit 1 on failure.
 * tests/run.sh adds the counts up. */
#ifndef PB_TEST_CHECK_H
#define PB_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int pb_t_passed, pb_t_failed;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (cond) {                                                            \
      pb_t_passed++;                                                       \
    } else {                                                               \
      pb_t_failed++;                                                       \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,     \
              #cond);                                                      \
    }                                                                      \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                 \
  do {                                                                     \
    long long pb_a_ = (long long)(a), pb_b_ = (long long)(b);              \
    if (pb_a_ == pb_b_) {                                                  \
      pb_t_passed++;                                                       \
    } else {                                                               \
      pb_t_failed++;                                                       \
      fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__,  \
              __LINE__, #a, #b, pb_a_, pb_b_);                             \
    }                                                                      \
  } while (0)

#define CHECK_EQ_STR(a, b)                                                 \
  do {                                                                     \
    const char *pb_a_ = (a), *pb_b_ = (b);                                 \
    if (pb_a_ && pb_b_ && strcmp(pb_a_, pb_b_) == 0) {                     \
      pb_t_passed++;                                                       \
    } else {                                                               \
      pb_t_failed++;                                                       \
      fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n",        \
              __FILE__, __LINE__, #a, #b, pb_a_ ? pb_a_ : "(null)",        \
              pb_b_ ? pb_b_ : "(null)");                                   \
    }                                                                      \
  } while (0)

#define CHECK_DONE(name)                                                   \
  do {                                                                     \
    printf("unit %s: %d passed, %d failed\n", name, pb_t_passed,           \
           pb_t_failed);                                                   \
    return pb_t_failed ? 1 : 0;                                            \
  } while (0)

#endif
