/* paiban command line (docs/DESIGN.md §10).  The CLI owns stdio, exit codes and
 * progress; the library only reports into pb_diags.
 *
 *   paiban [options] INPUT.md|DIR ...
 * Exit status: 0 success, 1 a document had errors, 2 usage error.
 */
#include "paiban/paiban.h"
#include "base/atomic_file.h"
#include "base/io.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PB_MAX_INPUT_BYTES (256u << 20)

typedef struct pb_cli {
  const char *output;     /* -o */
  bool print, ebook;      /* --profile print,ebook: which to render */
  bool epub;              /* --profile ...,epub: an EPUB 3 as well */
  const char *font_dir;   /* --fonts */
  int writing_mode;       /* --writing-mode: -1 the front matter's, else
                             pb_writing_mode */
  bool no_cache;          /* --no-cache */
  pb_cache *cache;        /* finished font subsets (NULL: none) */
  bool dump;
  pb_dump_kind dump_kind;
  int jobs;
  bool quiet, verbose;
  bool tty;
} pb_cli;

typedef struct pb_job {
  char *input;
  char *output;           /* NULL: dump to stdout */
  const char *profile;    /* "print", "ebook", "epub", or NULL: the front
                             matter's */
} pb_job;

/* Prints the front-matter key table (include/paiban/frontmatter.h). */
static pb_status pb_print_keys(FILE *f, pb_keys_format fmt) {
  char *text = NULL;
  pb_status st = pb_frontmatter_describe(fmt, &text);
  if (st != PB_OK) {
    fprintf(stderr, "paiban: error: out of memory\n");
    return st;
  }
  fputs(text, f);
  free(text);
  return fflush(f) == 0 && !ferror(f) ? PB_OK : PB_ERR_IO;
}

static void pb_usage(FILE *f) {
  fputs(
      "usage: paiban [options] INPUT.md|DIR ...\n"
      "Typesets Markdown manuscripts (Chinese, English, mixed) into PDF and EPUB.\n"
      "\n"
      "  -o, --output PATH       output file (one input) or existing directory\n"
      "                          (default: INPUT.pdf next to the input)\n"
      "      --profile P         print, ebook, epub, or a list like print,ebook,epub\n"
      "                          (an ebook is written as NAME.ebook.pdf, an EPUB 3\n"
      "                          as NAME.epub; default: the front matter's\n"
      "                          profile, else print)\n"
      "      --no-cache          make every font subset anew (default: keep them\n"
      "                          in $PAIBAN_CACHE_DIR or ~/.cache/paiban)\n"
      "      --writing-mode M    horizontal-tb or vertical-rl (columns right\n"
      "                          to left); default: the front matter's\n"
      "      --dump KIND         write a text dump instead of a PDF: the layout\n"
      "                          (lines, glyphs, pages) or a stage (items:\n"
      "                          break items; breaks: the lines chosen)\n"
      "                          (to -o, or to standard output)\n"
      "      --fonts DIR         directory of font profiles (default: built in)\n"
      "  -j, --jobs N            render N inputs in parallel (default: cores)\n"
      "  -q, --quiet             print errors only\n"
      "  -v, --verbose           print timings of each stage\n"
      "      --list-keys[=markdown]  print the front-matter keys (=markdown:\n"
      "                          README.md's table)\n"
      "      --version           print the version\n"
      "  -h, --help              print this help\n"
      "\n"
      "Diagnostics: PATH:LINE:COL: error|warning: MESSAGE on standard error.\n"
      "Exit status: 0 success, 1 a document had errors, 2 usage error.\n"
      "\n",
      f);
  (void)pb_print_keys(f, PB_KEYS_TEXT); /* --help: best effort */
}

static double pb_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* On a terminal, the progress line sits at the bottom: every other line
 * first clears it ("\r\033[K"), and the progress is drawn again after. */
static const char *pb_clear = "";

static void pb_print_diags(const pb_diags *d, bool quiet) {
  char buf[1024];
  for (size_t i = 0; i < d->count; i++) {
    if (quiet && d->items[i].severity != PB_SEV_ERROR) continue;
    size_t cl = strlen(pb_clear);
    memcpy(buf, pb_clear, cl);
    pb_diag_format(&d->items[i], buf + cl, sizeof buf - cl);
    /* One write per line so parallel jobs do not interleave mid-line; a
     * message too long for the buffer is cut, never its newline. */
    size_t n = strlen(buf);
    if (n > sizeof buf - 2) n = sizeof buf - 2;
    buf[n++] = '\n';
    buf[n] = 0;
    fputs(buf, stderr);
  }
  if (d->dropped)
    fprintf(stderr, "%s%s:1:1: note: %zu more diagnostics not shown\n",
            pb_clear, d->path ? d->path : "paiban", d->dropped);
  fflush(stderr);
}

/* Reads a manuscript; errors go to diags. */
static char *pb_read_manuscript(const char *path, size_t *len, pb_diags *d) {
  char *buf = NULL;
  int err = pb_file_read(path, PB_MAX_INPUT_BYTES, &buf, len);
  if (err == EISDIR)
    pb_diag_add(d, PB_SEV_ERROR, (pb_pos){0, 0},
                "is a directory, not a manuscript");
  else if (err == EFBIG)
    pb_diag_add(d, PB_SEV_ERROR, (pb_pos){0, 0}, "file is larger than %u MiB",
                PB_MAX_INPUT_BYTES >> 20);
  else if (err)
    pb_diag_add(d, PB_SEV_ERROR, (pb_pos){0, 0}, "cannot read: %s",
                strerror(err));
  return err ? NULL : buf;
}

/* Fontsets loaded by this process, by profile name: a worker that renders
 * many manuscripts opens each font once. */
#define PB_FONTSET_CACHE 8
static struct {
  char *name;
  pb_fontset *fs;
} pb_fontsets[PB_FONTSET_CACHE];

static pb_fontset *pb_cached_fontset(const pb_cli *cli, const char *name,
                                     const char *lang, pb_diags *d) {
  const char *profile = pb_font_profile_name(name, lang);
  for (int i = 0; i < PB_FONTSET_CACHE && pb_fontsets[i].name; i++)
    if (strcmp(pb_fontsets[i].name, profile) == 0) return pb_fontsets[i].fs;
  pb_fontset *fs = pb_fontset_load(cli->font_dir, name, lang, d);
  for (int i = 0; fs && i < PB_FONTSET_CACHE; i++)
    if (!pb_fontsets[i].name) {
      pb_fontsets[i].name = strdup(profile);
      if (pb_fontsets[i].name) pb_fontsets[i].fs = fs;
      else fs = (pb_fontset_free(fs), NULL);
      return fs;
    }
  return fs; /* cache full: the caller frees it (see pb_is_cached) */
}

static bool pb_is_cached(const pb_fontset *fs) {
  for (int i = 0; i < PB_FONTSET_CACHE; i++)
    if (pb_fontsets[i].fs == fs) return true;
  return false;
}

static void pb_fontset_cache_free(void) {
  for (int i = 0; i < PB_FONTSET_CACHE; i++) {
    pb_fontset_free(pb_fontsets[i].fs);
    free(pb_fontsets[i].name);
    pb_fontsets[i].fs = NULL;
    pb_fontsets[i].name = NULL;
  }
}

/* A layout dump, or a stage dump (which sets the document again, traced). */
static pb_status pb_write_dump(pb_dump_kind kind, const pb_doc *doc,
                               const pb_settings *s, pb_fontset *fs,
                               const pb_layout *lo, FILE *f, pb_diags *d) {
  if (kind == PB_DUMP_ITEMS || kind == PB_DUMP_BREAKS)
    return pb_dump_stages(doc, s, fs, kind, f, d);
  return pb_dump_write(lo, fs, kind, f);
}

/* --profile epub: the EPUB backend takes the document tree, not pages. */
static int pb_render_epub(const pb_cli *cli, const pb_job *job,
                          const pb_doc *doc, const pb_settings *s,
                          pb_fontset *fs, pb_diags *d, double t0) {
  if (pb_epub_write(doc, s, fs, job->output, d) != PB_OK || d->errors) return 1;
  if (!cli->quiet)
    fprintf(stderr, "%s%s: EPUB, %.0f ms\n", pb_clear, job->output,
            pb_now_ms() - t0);
  return 0;
}

/* Renders one manuscript.  Returns 0 on success, 1 on error. */
static int pb_render(const pb_cli *cli, const pb_job *job) {
  pb_diags d;
  pb_doc doc = {0};
  pb_layout lo = {0};
  pb_fontset *fs = NULL;
  pb_settings s;
  size_t len = 0;
  int rc = 1;
  double t0 = pb_now_ms(), t_parse = 0, t_fonts = 0, t_layout = 0, t_out = 0;
  pb_diags_init(&d, job->input);
  char *src = pb_read_manuscript(job->input, &len, &d);
  if (!src) goto done;
  if (pb_doc_parse(src, len, job->input, &doc, &d) != PB_OK || d.errors)
    goto done;
  if (pb_doc_derive(&doc, &d) != PB_OK || d.errors) goto done;
  t_parse = pb_now_ms();
  /* The command line overrides the front matter; the library validates
   * what the environment gives. */
  pb_overrides ov = {.has_profile = job->profile != NULL &&
                                     strcmp(job->profile, "epub") != 0,
                     .profile = job->profile && strcmp(job->profile, "ebook") == 0
                                    ? PB_PROFILE_EBOOK
                                    : PB_PROFILE_PRINT,
                     .source_date_epoch = getenv("SOURCE_DATE_EPOCH"),
                     .font_dir = cli->font_dir,
                     .has_writing_mode = cli->writing_mode >= 0,
                     .vertical = cli->writing_mode == PB_WRITING_VERTICAL_RL};
  if (pb_settings_from_meta(&doc.meta, &ov, &s, &d) != PB_OK) goto done;
  if (doc.nblocks == 0 && !doc.meta.title)
    pb_diag_add(&d, PB_SEV_WARNING, (pb_pos){1, 1},
                "the manuscript has no text; the output is one blank page");
  fs = pb_cached_fontset(cli, doc.meta.fonts, s.lang, &d);
  if (!fs) goto done;
  t_fonts = pb_now_ms();
  if (job->profile && strcmp(job->profile, "epub") == 0) {
    rc = pb_render_epub(cli, job, &doc, &s, fs, &d, t0);
    goto done;
  }
  if (pb_typeset(&doc, &s, fs, &lo, &d) != PB_OK || d.errors) goto done;
  t_layout = pb_now_ms();
  if (cli->dump) {
    if (!job->output) {
      rc = pb_write_dump(cli->dump_kind, &doc, &s, fs, &lo, stdout, &d) == PB_OK
               ? 0 : 1;
      fflush(stdout);
      goto done;
    }
    pb_atomic_file af;
    if (pb_atomic_open(&af, job->output, &d) != PB_OK) goto done;
    FILE *f = pb_atomic_stream(&af, &d);
    if (!f || pb_write_dump(cli->dump_kind, &doc, &s, fs, &lo, f, &d) != PB_OK) {
      pb_atomic_abort(&af);
      goto done;
    }
    if (pb_atomic_commit(&af, &d) != PB_OK) goto done;
  } else {
    pb_pdf_options po = {.compress = true, .cache = cli->cache};
    if (pb_pdf_write(&lo, fs, &po, job->output, &d) != PB_OK) goto done;
  }
  t_out = pb_now_ms();
  rc = 0;
  if (!cli->quiet && job->output)
    fprintf(stderr, "%s%s: %zu page%s, %.0f ms\n", pb_clear, job->output, lo.npages,
            lo.npages == 1 ? "" : "s", t_out - t0);
  if (cli->verbose)
    fprintf(stderr,
            "%s: parse %.1f ms, fonts %.1f ms, layout %.1f ms, output %.1f ms\n",
            job->input, t_parse - t0, t_fonts - t_parse, t_layout - t_fonts,
            t_out - t_layout);
done:
  if (d.errors) rc = 1;
  pb_print_diags(&d, cli->quiet);
  pb_layout_free(&lo);
  if (fs && !pb_is_cached(fs)) pb_fontset_free(fs);
  pb_doc_free(&doc);
  free(src);
  pb_diags_free(&d);
  return rc;
}

static bool pb_is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool pb_ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Output path for input under dir (or next to the input when dir NULL). */
static char *pb_output_for(const char *input, const char *dir, const char *ext) {
  const char *base = strrchr(input, '/');
  base = base ? base + 1 : input;
  size_t blen = strlen(base);
  if (blen > 3 && strcmp(base + blen - 3, ".md") == 0) blen -= 3;
  size_t dlen = dir ? strlen(dir) : (size_t)(base - input);
  char *out = malloc(dlen + blen + strlen(ext) + 2);
  if (!out) return NULL;
  if (dir)
    sprintf(out, "%s%s%.*s%s", dir, pb_ends_with(dir, "/") ? "" : "/",
            (int)blen, base, ext);
  else
    sprintf(out, "%.*s%.*s%s", (int)dlen, input, (int)blen, base, ext);
  return out;
}

static int pb_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expands a directory argument into its *.md files, sorted. */
static int pb_expand_dir(const char *dir, char ***list, size_t *n, size_t *cap) {
  DIR *dp = opendir(dir);
  if (!dp) {
    fprintf(stderr, "%s:1:1: error: cannot read directory: %s\n", dir,
            strerror(errno));
    return 1;
  }
  size_t before = *n;
  struct dirent *e;
  while ((e = readdir(dp))) {
    if (e->d_name[0] == '.' || !pb_ends_with(e->d_name, ".md")) continue;
    if (*n == *cap) {
      size_t ncap = *cap ? *cap * 2 : 16;
      char **nl = realloc(*list, ncap * sizeof **list);
      if (!nl) break;
      *list = nl;
      *cap = ncap;
    }
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    char *p = malloc(len);
    if (!p) break;
    snprintf(p, len, "%s%s%s", dir, pb_ends_with(dir, "/") ? "" : "/",
             e->d_name);
    (*list)[(*n)++] = p;
  }
  closedir(dp);
  if (*n == before) {
    fprintf(stderr, "%s:1:1: error: directory holds no *.md manuscripts\n", dir);
    return 1;
  }
  qsort(*list + before, *n - before, sizeof **list, pb_cmp_str);
  return 0;
}

/* Runs the jobs, up to cli->jobs at a time in child processes (the library
 * keeps no global state between documents, and processes keep fontconfig's
 * and FreeType's caches apart).  One failing job does not stop the others. */
static int pb_run_jobs_inner(const pb_cli *cli, pb_job *jobs, size_t n);

static int pb_run_jobs(const pb_cli *cli, pb_job *jobs, size_t n) {
  if (cli->tty && n > 1 && !cli->quiet) pb_clear = "\r\033[K";
  int rc = pb_run_jobs_inner(cli, jobs, n);
  if (*pb_clear) fputs(pb_clear, stderr);
  return rc;
}

static int pb_run_jobs_inner(const pb_cli *cli, pb_job *jobs, size_t n) {
  if (n == 1 || cli->jobs <= 1) {
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
      if (cli->tty && n > 1 && !cli->quiet)
        fprintf(stderr, "\r\033[K[%zu/%zu] %s", i + 1, n, jobs[i].input);
      rc |= pb_render(cli, &jobs[i]);
    }
    return rc;
  }
  /* A pool of worker processes takes jobs from a shared counter; each
   * reports every finished job on a pipe (index, status), so the parent
   * can show progress and name a job whose worker crashed.  Workers keep
   * fontconfig's configuration and the open fonts from job to job. */
  size_t nworkers = (size_t)cli->jobs < n ? (size_t)cli->jobs : n;
  size_t *next = mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int fds[2] = {-1, -1};
  unsigned char *finished = calloc(n, 1);
  int rc = 0;
  if (next == MAP_FAILED || pipe(fds) != 0 || !finished) {
    fprintf(stderr, "paiban: error: cannot start workers: %s\n", strerror(errno));
    rc = 1;
    goto done;
  }
  *next = 0;
  fflush(NULL);
  for (size_t w = 0; w < nworkers; w++) {
    pid_t pid = fork();
    if (pid < 0) {
      fprintf(stderr, "paiban: error: cannot start a worker: %s\n", strerror(errno));
      rc = 1;
      break;
    }
    if (pid == 0) {
      close(fds[0]);
      for (;;) {
        size_t i = __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST);
        if (i >= n) break;
        uint32_t msg[2] = {(uint32_t)i, 0};
        msg[1] = (uint32_t)pb_render(cli, &jobs[i]);
        if (write(fds[1], msg, sizeof msg) != (ssize_t)sizeof msg) break;
      }
      pb_fontset_cache_free();
      _exit(0);
    }
  }
  close(fds[1]);
  fds[1] = -1;
  size_t done_jobs = 0;
  uint32_t msg[2];
  while (read(fds[0], msg, sizeof msg) == (ssize_t)sizeof msg) {
    if (msg[0] < n) finished[msg[0]] = 1;
    if (msg[1]) rc = 1;
    done_jobs++;
    if (cli->tty && !cli->quiet)
      fprintf(stderr, "\r\033[K[%zu/%zu] %s", done_jobs, n, jobs[msg[0] < n ? msg[0] : 0].input);
  }
  int status;
  while (wait(&status) > 0)
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) rc = 1;
  /* A job that never reported was lost with its worker (a crash). */
  for (size_t i = 0; i < n; i++)
    if (!finished[i] && i < *next) {
      fprintf(stderr, "%s%s:1:1: error: rendering crashed\n", pb_clear, jobs[i].input);
      rc = 1;
    }
done:
  if (fds[0] >= 0) close(fds[0]);
  if (fds[1] >= 0) close(fds[1]);
  if (next != MAP_FAILED && next) munmap(next, sizeof *next);
  free(finished);
  return rc;
}

/* --profile: a comma-separated list of print, ebook and epub. */
static int pb_parse_profiles(const char *arg, pb_cli *cli) {
  cli->print = cli->ebook = cli->epub = false;
  for (const char *p = arg;;) {
    size_t n = strcspn(p, ",");
    if (n == 5 && strncmp(p, "print", 5) == 0) cli->print = true;
    else if (n == 5 && strncmp(p, "ebook", 5) == 0) cli->ebook = true;
    else if (n == 4 && strncmp(p, "epub", 4) == 0) cli->epub = true;
    else return 1;
    if (!p[n]) return 0;
    p += n + 1;
  }
}

/* An interrupted render removes its temporary file, then dies of the
 * signal as it would have. */
static void pb_on_signal(int sig) {
  pb_atomic_remove_pending();
  signal(sig, SIG_DFL);
  raise(sig);
}

int main(int argc, char **argv) {
  signal(SIGINT, pb_on_signal);
  signal(SIGTERM, pb_on_signal);
  signal(SIGHUP, pb_on_signal);
  pb_cli cli = {.jobs = 0, .writing_mode = -1};
  enum { OPT_PROFILE = 256, OPT_DUMP, OPT_FONTS, OPT_VERSION, OPT_LIST_KEYS,
         OPT_WRITING_MODE, OPT_NO_CACHE };
  static const struct option longopts[] = {
      {"output", required_argument, 0, 'o'},
      {"profile", required_argument, 0, OPT_PROFILE},
      {"writing-mode", required_argument, 0, OPT_WRITING_MODE},
      {"no-cache", no_argument, 0, OPT_NO_CACHE},
      {"dump", required_argument, 0, OPT_DUMP},
      {"fonts", required_argument, 0, OPT_FONTS},
      {"jobs", required_argument, 0, 'j'},
      {"quiet", no_argument, 0, 'q'},
      {"verbose", no_argument, 0, 'v'},
      {"version", no_argument, 0, OPT_VERSION},
      {"list-keys", optional_argument, 0, OPT_LIST_KEYS},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, ":o:j:qvh", longopts, NULL)) != -1) {
    switch (opt) {
    case 'o': cli.output = optarg; break;
    case OPT_PROFILE:
      if (pb_parse_profiles(optarg, &cli) != 0) {
        fprintf(stderr, "paiban: error: --profile must be print, ebook, epub or a comma-separated list of them, not '%s'\n", optarg);
        return 2;
      }
      break;
    case OPT_NO_CACHE: cli.no_cache = true; break;
    case OPT_WRITING_MODE:
      if (strcmp(optarg, "horizontal-tb") == 0) {
        cli.writing_mode = PB_WRITING_HORIZONTAL_TB;
      } else if (strcmp(optarg, "vertical-rl") == 0) {
        cli.writing_mode = PB_WRITING_VERTICAL_RL;
      } else {
        fprintf(stderr, "paiban: error: --writing-mode must be horizontal-tb "
                        "or vertical-rl, not '%s'\n", optarg);
        return 2;
      }
      break;
    case OPT_DUMP:
      cli.dump = true;
      if (strcmp(optarg, "lines") == 0) cli.dump_kind = PB_DUMP_LINES;
      else if (strcmp(optarg, "glyphs") == 0) cli.dump_kind = PB_DUMP_GLYPHS;
      else if (strcmp(optarg, "pages") == 0) cli.dump_kind = PB_DUMP_PAGES;
      else if (strcmp(optarg, "items") == 0) cli.dump_kind = PB_DUMP_ITEMS;
      else if (strcmp(optarg, "breaks") == 0) cli.dump_kind = PB_DUMP_BREAKS;
      else {
        fprintf(stderr, "paiban: error: --dump must be lines, glyphs, pages, items or breaks, not '%s'\n", optarg);
        return 2;
      }
      break;
    case OPT_FONTS: cli.font_dir = optarg; break;
    case 'j': {
      char *end = NULL;
      long j = strtol(optarg, &end, 10);
      if (!end || *end || j < 1 || j > 256) {
        fprintf(stderr, "paiban: error: -j needs a number from 1 to 256, not '%s'\n", optarg);
        return 2;
      }
      cli.jobs = (int)j;
      break;
    }
    case 'q': cli.quiet = true; break;
    case 'v': cli.verbose = true; break;
    case OPT_VERSION: printf("paiban %s\n", pb_version()); return 0;
    case 'h': pb_usage(stdout); return 0;
    case OPT_LIST_KEYS:
      if (optarg && strcmp(optarg, "markdown") != 0 && strcmp(optarg, "text") != 0) {
        fprintf(stderr, "paiban: error: --list-keys takes text or markdown, not '%s'\n", optarg);
        return 2;
      }
      return pb_print_keys(stdout, optarg && strcmp(optarg, "markdown") == 0
                                       ? PB_KEYS_MARKDOWN
                                       : PB_KEYS_TEXT) == PB_OK ? 0 : 1;
    case ':':
      fprintf(stderr, "paiban: error: option '%s' needs a value\n", argv[optind - 1]);
      return 2;
    default:
      fprintf(stderr, "paiban: error: unknown option '%s' (see --help)\n", argv[optind - 1]);
      return 2;
    }
  }
  if (optind >= argc) {
    pb_usage(stderr);
    return 2;
  }
  if (cli.epub && cli.dump) {
    fprintf(stderr, "paiban: error: --dump shows the page layout; an EPUB has none (drop epub from --profile)\n");
    return 2;
  }
  if (cli.jobs == 0) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cli.jobs = cores > 0 ? (int)cores : 1;
  }
  cli.tty = isatty(STDERR_FILENO);

  char **inputs = NULL;
  size_t ninputs = 0, cap = 0;
  int rc = 0;
  for (int i = optind; i < argc; i++) {
    if (pb_is_dir(argv[i])) {
      rc |= pb_expand_dir(argv[i], &inputs, &ninputs, &cap);
      continue;
    }
    if (ninputs == cap) {
      cap = cap ? cap * 2 : 16;
      char **nl = realloc(inputs, cap * sizeof *inputs);
      if (!nl) return 1;
      inputs = nl;
    }
    if (!(inputs[ninputs] = strdup(argv[i]))) {
      fprintf(stderr, "paiban: error: out of memory\n");
      return 1;
    }
    ninputs++;
  }
  /* One job per input and profile. */
  const char *profiles[3];
  size_t nprof = 0;
  if (cli.print) profiles[nprof++] = "print";
  if (cli.ebook) profiles[nprof++] = "ebook";
  if (cli.epub) profiles[nprof++] = "epub";
  if (!nprof) profiles[nprof++] = NULL; /* the front matter decides */
  size_t njobs = ninputs * nprof;
  pb_job *jobs = calloc(njobs ? njobs : 1, sizeof *jobs);
  if (!jobs) return 1;
  bool out_is_dir = cli.output && (pb_is_dir(cli.output) ||
                                   pb_ends_with(cli.output, "/"));
  if (cli.output && njobs > 1 && !out_is_dir) {
    fprintf(stderr, "paiban: error: with several outputs, -o must be an existing directory ('%s' is not)\n", cli.output);
    rc = 2;
    goto done;
  }
  if (cli.dump && !cli.output && njobs > 1) {
    fprintf(stderr, "paiban: error: --dump with several outputs needs -o DIR\n");
    rc = 2;
    goto done;
  }
  for (size_t i = 0; i < njobs; i++) {
    pb_job *j = &jobs[i];
    j->input = inputs[i / nprof];
    j->profile = profiles[i % nprof];
    if (cli.dump && !cli.output) continue; /* standard output */
    /* An ebook is NAME.ebook.pdf beside NAME.pdf, the print edition. */
    bool ebook = j->profile && strcmp(j->profile, "ebook") == 0;
    const char *ext = cli.dump ? (ebook ? ".ebook.dump.txt" : ".dump.txt")
                               : (ebook ? ".ebook.pdf" : ".pdf");
    if (j->profile && strcmp(j->profile, "epub") == 0) ext = ".epub";
    if (cli.output && !out_is_dir)
      j->output = strdup(cli.output);
    else
      j->output = pb_output_for(j->input, cli.output, ext);
    if (!j->output) {
      rc = 1;
      goto done;
    }
  }
  /* Two jobs must not write the same file (the second would silently
   * replace the first). */
  for (size_t i = 0; i < njobs; i++)
    for (size_t k = i + 1; k < njobs; k++)
      if (jobs[i].output && jobs[k].output &&
          strcmp(jobs[i].output, jobs[k].output) == 0) {
        fprintf(stderr, "%s:1:1: error: would write the same output '%s' as '%s'\n",
                jobs[k].input, jobs[k].output, jobs[i].input);
        rc = 1;
        goto done;
      }
  /* The persistent cache of font subsets (PAIBAN_CACHE_DIR, else the XDG
   * cache directory); without one every subset is made anew. */
  char cache_dir[4096];
  if (!cli.no_cache)
    cli.cache = pb_cache_open(pb_cache_default_dir(cache_dir, sizeof cache_dir), 0);
  if (njobs) rc |= pb_run_jobs(&cli, jobs, njobs);
  pb_cache_close(cli.cache);
  pb_fontset_cache_free();
done:
  for (size_t i = 0; jobs && i < njobs; i++) free(jobs[i].output);
  for (size_t i = 0; i < ninputs; i++) free(inputs[i]);
  free(jobs);
  free(inputs);
  return rc;
}
