/* Unit tests for src/unibreak_safe.c: every code point, at the start, in
 * the middle and at the end of a text, goes through libunibreak without an
 * assertion (a failure here is a crash of this program), and the break
 * table is fully written (two runs over differently pre-filled tables give
 * the same result: libunibreak 1.1 left it uninitialised after a leading
 * U+FFFF). */
#include "check.h"
#include "lines/unibreak_safe.h"

#include <linebreak.h>

static int pb_fully_written(const uint32_t *t, size_t n) {
  char a[8], b[8];
  memset(a, 0x55, sizeof a);
  memset(b, 0x2A, sizeof b);
  if (pb_linebreaks_safe(t, n, "zh", a) != PB_OK) return 0;
  if (pb_linebreaks_safe(t, n, "zh", b) != PB_OK) return 0;
  return memcmp(a, b, n) == 0;
}

int main(void) {
  init_linebreak();
  /* The stand-ins. */
  CHECK_EQ_INT(pb_unibreak_standin(0xFFFF), 0xFFFD);
  CHECK_EQ_INT(pb_unibreak_standin(0x10FFFE), 0xFFFD);
  CHECK_EQ_INT(pb_unibreak_standin(0xFDD0), 0xFFFD);
  CHECK_EQ_INT(pb_unibreak_standin(0x1F1F9), 'A');
  CHECK_EQ_INT(pb_unibreak_standin(0x4E2D), 0x4E2D);
  CHECK_EQ_INT(pb_unibreak_standin(0xFFFD), 0xFFFD);
  /* The whole code-point range (surrogates included: a bug upstream must
   * not turn them into a crash either), in three positions. */
  size_t bad = 0;
  for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
    uint32_t t[3][3] = {{cp, 0x4E2D, 'a'}, {'a', cp, 0x4E2D}, {0x4E2D, 'a', cp}};
    for (int k = 0; k < 3; k++)
      if (!pb_fully_written(t[k], 3) && bad++ < 5)
        fprintf(stderr, "break table not fully written for U+%04X\n", cp);
  }
  CHECK_EQ_INT(bad, 0);
  /* A flag (two regional indicators) does not break inside; the text
   * breaks before it after a space. */
  uint32_t flag[] = {'x', ' ', 0x1F1F9, 0x1F1FC, ' ', 'y'};
  char brks[6];
  CHECK_EQ_INT(pb_linebreaks_safe(flag, 6, "en", brks), PB_OK);
  CHECK(brks[2] != LINEBREAK_ALLOWBREAK);
  CHECK(brks[1] == LINEBREAK_ALLOWBREAK);
  CHECK_DONE("unibreak");
}
