/* `paiban watch INPUT.md` (src/cli/cli.h): the author's loop.  Renders the
 * manuscript, then again each time it is saved — or the original it
 * derives from ("derive-from") — in this one process, so the font sets,
 * the OpenCC converter and the hyphenation patterns are loaded once and a
 * re-render costs only parsing, layout and the PDF.  The PDF is replaced
 * atomically (pb_pdf_write), and a manuscript with errors leaves the last
 * good PDF in place: its diagnostics are printed, and the next save is
 * rendered again.  SIGINT (Ctrl-C), SIGTERM and SIGHUP end it, with exit
 * status 0, after the render under way.
 *
 * The directories are watched with inotify, not the files: an editor that
 * saves by writing a new file and renaming it over the old one (vim,
 * emacs) would otherwise end the watch. */
#include "cli.h"
#include "paiban/file.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

static volatile sig_atomic_t pb_watch_stop;

static void pb_watch_on_signal(int sig) {
  (void)sig;
  pb_watch_stop = 1;
}

/* A file the watch follows: its directory's watch and its name there. */
typedef struct pb_watched {
  char dir[PATH_MAX];
  char name[NAME_MAX + 1];
  int wd;
} pb_watched;

static void pb_watched_set(pb_watched *w, const char *path, int fd) {
  const char *slash = strrchr(path, '/');
  size_t dl = slash ? (size_t)(slash - path) : 0;
  if (dl >= sizeof w->dir) dl = sizeof w->dir - 1;
  if (slash && dl == 0) snprintf(w->dir, sizeof w->dir, "/");
  else if (slash) snprintf(w->dir, sizeof w->dir, "%.*s", (int)dl, path);
  else snprintf(w->dir, sizeof w->dir, ".");
  snprintf(w->name, sizeof w->name, "%s", slash ? slash + 1 : path);
  w->wd = inotify_add_watch(fd, w->dir,
                            IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE);
}

/* The original input derives from (malloc'd, relative to input's
 * directory), or NULL. */
static char *pb_watch_original(const char *input) {
  pb_diags d;
  pb_diags_init(&d, input);
  char *src = NULL, *orig = NULL;
  size_t len = 0;
  pb_doc doc = {0};
  if (pb_file_read(input, PB_MAX_MANUSCRIPT_BYTES, NULL, (pb_pos){0, 0}, &src,
                   &len, &d) == PB_OK &&
      pb_doc_parse(src, len, input, &doc, &d) == PB_OK && doc.meta.derive_from) {
    const char *from = doc.meta.derive_from;
    const char *slash = strrchr(input, '/');
    size_t dl = from[0] == '/' || !slash ? 0 : (size_t)(slash - input) + 1;
    orig = malloc(dl + strlen(from) + 1);
    if (orig) {
      memcpy(orig, input, dl);
      strcpy(orig + dl, from);
    }
  }
  pb_doc_free(&doc);
  free(src);
  pb_diags_free(&d);
  return orig;
}

/* Reads the pending events; true when one names a watched file. */
static bool pb_watch_events(int fd, const pb_watched *w, int nw) {
  char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
  bool hit = false;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return hit;
    for (char *p = buf; p < buf + n;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      for (int i = 0; i < nw; i++)
        if (ev->len && ev->wd == w[i].wd && strcmp(ev->name, w[i].name) == 0)
          hit = true;
      p += sizeof *ev + ev->len;
    }
  }
}

/* Waits until a watched file is saved (then for the burst of events a
 * save makes to end); false when a signal asks to stop. */
static bool pb_watch_wait(int fd, const pb_watched *w, int nw) {
  bool hit = false;
  while (!pb_watch_stop) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, hit ? 20 : -1);
    if (r < 0 && errno != EINTR) return false;
    if (r == 0 && hit) return true; /* 20 ms without events: saved */
    if (r > 0) hit |= pb_watch_events(fd, w, nw);
  }
  return false;
}

static const char *pb_watch_profile(const pb_cli *cli) {
  if (cli->print && !cli->ebook) return "print";
  if (cli->ebook && !cli->print) return "ebook";
  return NULL;
}

int pb_watch_command(pb_cli *cli, int argc, char **argv) {
  if (argc != 1) {
    fprintf(stderr, "paiban: error: watch takes one manuscript: paiban watch [-o OUT.pdf] INPUT.md\n");
    return 2;
  }
  if (cli->epub || (cli->print && cli->ebook) || cli->dump || strcmp(argv[0], "-") == 0) {
    fprintf(stderr, "paiban: error: watch renders one PDF (--profile print or ebook) of a manuscript file\n");
    return 2;
  }
  const char *input = argv[0], *profile = pb_watch_profile(cli);
  char *output = NULL;
  if (cli->output) {
    output = strdup(cli->output);
  } else {
    size_t n = strlen(input);
    if (n > 3 && strcmp(input + n - 3, ".md") == 0) n -= 3;
    const char *ext = profile && strcmp(profile, "ebook") == 0 ? ".ebook.pdf" : ".pdf";
    output = malloc(n + strlen(ext) + 1);
    if (output) sprintf(output, "%.*s%s", (int)n, input, ext);
  }
  int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (!output || fd < 0) {
    fprintf(stderr, "paiban: error: cannot watch: %s\n", output ? strerror(errno) : "out of memory");
    free(output);
    if (fd >= 0) close(fd);
    return 1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = pb_watch_on_signal; /* no SA_RESTART: poll returns */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  char cache_dir[4096];
  if (!cli->no_cache)
    cli->cache = pb_cache_open(pb_cache_default_dir(cache_dir, sizeof cache_dir), 0);
  pb_preload_use_cache(cli->cache);
  pb_render_preload(cli, input, profile);
  /* Paragraphs a save did not change are copied, not set again. */
  pb_paragraph_cache_enable();
  pb_watched w[2];
  int shown = 0; /* files the last "watching" line named */
  do {
    pb_render_file(cli, input, output, profile);
    fflush(stderr);
    /* The front matter may have changed what the edition derives from. */
    char *orig = pb_watch_original(input);
    int nw = 1;
    pb_watched_set(&w[0], input, fd);
    if (orig) pb_watched_set(&w[nw++], orig, fd);
    free(orig);
    if (w[0].wd < 0) {
      fprintf(stderr, "paiban: error: cannot watch '%s': %s\n", w[0].dir, strerror(errno));
      break;
    }
    if (!cli->quiet && nw != shown)
      fprintf(stderr, "watching %s%s%s (Ctrl-C ends)\n", input,
              nw > 1 ? " and its original " : "", nw > 1 ? w[1].name : "");
    shown = nw;
    if (!pb_watch_wait(fd, w, nw)) break;
  } while (!pb_watch_stop);
  close(fd);
  pb_paragraph_cache_disable();
  pb_render_unload();
  pb_preload_use_cache(NULL);
  pb_cache_close(cli->cache);
  cli->cache = NULL;
  free(output);
  return pb_watch_stop ? 0 : 1;
}
