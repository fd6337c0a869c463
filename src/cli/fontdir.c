/* Where the font profiles are (src/cli/cli.h: pb_default_font_dir). */
#include "cli.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *pb_default_font_dir(void) {
  const char *env = getenv("PAIBAN_FONT_DIR");
  if (env && *env) return env;
  /* An installed binary, PREFIX/bin/paiban, finds PREFIX/share/paiban/fonts
   * wherever PREFIX was moved to; in the build tree that directory does not
   * exist and the library's build-time default is used (NULL). */
  static char dir[PATH_MAX];
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return NULL;
  exe[n] = 0;
  char *slash = strrchr(exe, '/');
  if (!slash) return NULL;
  *slash = 0; /* PREFIX/bin */
  slash = strrchr(exe, '/');
  if (!slash) return NULL;
  *slash = 0; /* PREFIX */
  const char *rel = "/share/paiban/fonts";
  if (strlen(exe) + strlen(rel) + 1 > sizeof dir) return NULL;
  strcpy(dir, exe);
  strcat(dir, rel);
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return NULL;
  return dir;
}
