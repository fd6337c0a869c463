/* paiban command line (docs/DESIGN.md §10).  The CLI owns stdio, exit codes and
 * progress; the library only reports into pb_diags.
 *
 *   paiban [options] INPUT.md|DIR|- ...
 *   paiban fonts [MANUSCRIPT|PROFILE]
 * Exit status: 0 success, 1 a document had errors, 2 usage error.
 *
 * Files: main.c (options, jobs, one render), pool.c (worker processes,
 * crash containment, signals), outpath.c (input/output identity),
 * diagprint.c (diagnostics), fonts.c (`paiban fonts`), options.c (the
 * option table behind --help and the man page).
 */
#include "paiban/paiban.h"
#include "paiban/file.h"
#include "cli.h"
#include "diagprint.h"
#include "outpath.h"
#include "commit.h"
#include "pool.h"

#include <dirent.h>
#include <getopt.h>
#include <pthread.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PB_STDIN_NAME "<stdin>"

typedef struct pb_job {
  char *input;            /* a path, or "-" for standard input */
  char *output;           /* NULL or "-": standard output */
  const char *profile;    /* "print", "ebook", "epub", or NULL: the front
                             matter's */
} pb_job;

typedef struct pb_batch {
  const pb_cli *cli;
  char **inputs;          /* owned: the inputs, directories expanded */
  size_t ninputs;
  size_t nstdin;          /* 1 when an input is "-" */
  pb_job *jobs;           /* owned: one per input and profile */
  size_t njobs;
  char *stdin_text;       /* standard input, read once before the workers */
  size_t stdin_len;
  size_t *order;          /* owned: the order the pool hands jobs out in
                             (pb_batch_order); NULL: 0, 1, 2, ... */
  size_t *group_start;    /* owned: where each group of jobs begins in
                             that order (pb_pool_run); NULL: one group */
  size_t ngroups;
  bool commit_later;      /* PDFs are committed on the commit thread */
} pb_batch;

static double pb_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* On a terminal, the progress line sits at the bottom: every other line
 * first clears it ("\r\033[K"), and the progress is drawn again after. */
static const char *pb_clear = "";

static bool pb_is_stdio(const char *path) { return !path || strcmp(path, "-") == 0; }

/* Reads a manuscript; errors go to diags. */
static char *pb_read_manuscript(const pb_batch *b, const char *path,
                                size_t *len, pb_diags *d) {
  char *buf = NULL;
  if (strcmp(path, "-") == 0) {
    if (!b->stdin_text) return NULL; /* reported by main */
    buf = malloc(b->stdin_len + 1);
    if (!buf) {
      pb_diag_add(d, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
      return NULL;
    }
    memcpy(buf, b->stdin_text, b->stdin_len + 1);
    *len = b->stdin_len;
    return buf;
  }
  if (pb_file_read(path, PB_MAX_MANUSCRIPT_BYTES, NULL, (pb_pos){0, 0}, &buf,
                   len, d) != PB_OK)
    return NULL;
  return buf;
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
  pb_fontset *fs = NULL;
  if (pb_fontset_load_cached(cli->font_dir, name, lang, cli->cache, &fs, d) != PB_OK)
    return NULL;
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

/* Where an output goes: a regular file (written atomically: fd -1), or a
 * stream written in place — standard output ("-"), or an existing device,
 * FIFO or socket such as /dev/null or /dev/full (renaming over those
 * would replace the node itself). */
typedef struct pb_out {
  const char *name; /* for messages */
  int fd;           /* -1: a regular file at name */
  bool own;         /* fd was opened here and is closed by pb_out_close */
} pb_out;

static bool pb_out_open(const pb_job *job, pb_out *o, pb_diags *d) {
  *o = (pb_out){job->output, -1, false};
  if (pb_is_stdio(job->output)) {
    *o = (pb_out){"<stdout>", STDOUT_FILENO, false};
    return true;
  }
  struct stat st;
  if (stat(job->output, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
    return true;
  /* Without blocking: a FIFO nobody reads is an error, not a hang. */
  int fd = open(job->output, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    pb_diag_add_at(d, PB_SEV_ERROR, job->output, (pb_pos){0, 0},
                   "cannot write output: %s",
                   errno == ENXIO ? "no process reads this FIFO" : strerror(errno));
    return false;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  *o = (pb_out){job->output, fd, true};
  return true;
}

static pb_status pb_out_close(pb_out *o, pb_status st, pb_diags *d) {
  if (o->own && close(o->fd) != 0 && st == PB_OK) {
    pb_diag_add_at(d, PB_SEV_ERROR, o->name, (pb_pos){0, 0},
                   "cannot write output: %s", strerror(errno));
    st = PB_ERR_IO;
  }
  o->own = false;
  return st;
}

/* Writes the dump to the output file (atomically) or a stream, every write
 * checked: the dump is made in memory first. */
static pb_status pb_write_dump(const pb_cli *cli, const pb_out *out,
                               const pb_doc *doc, const pb_settings *s,
                               pb_fontset *fs, const pb_layout *lo,
                               pb_diags *d) {
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  pb_status st = PB_ERR_NOMEM;
  if (!mem) goto done;
  /* A stage dump sets the document again, traced. */
  if (cli->dump_kind == PB_DUMP_ITEMS || cli->dump_kind == PB_DUMP_BREAKS)
    st = pb_dump_stages(doc, s, fs, cli->dump_kind, mem, d);
  else
    st = pb_dump_write(lo, fs, cli->dump_kind, mem);
  if (fclose(mem) != 0 && st == PB_OK) st = PB_ERR_NOMEM;
  if (st != PB_OK) goto done;
  if (out->fd >= 0) {
    st = pb_write_all(out->fd, out->name, text, len, d);
    goto done;
  }
  pb_atomic_file af;
  st = pb_atomic_open(&af, out->name, d);
  if (st != PB_OK) goto done;
  st = pb_atomic_write(&af, text, len, d);
  if (st == PB_OK) st = pb_atomic_commit(&af, d);
  else pb_atomic_abort(&af);
done:
  if (st == PB_ERR_NOMEM)
    pb_diag_add(d, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
  free(text);
  return st;
}

/* Is path one of the batch's inputs (as a file)? */
static bool pb_is_batch_input(const pb_batch *b, const char *path) {
  for (size_t i = 0; i < b->njobs; i++)
    if (strcmp(b->jobs[i].input, "-") != 0 && pb_same_file(path, b->jobs[i].input))
      return true;
  return false;
}

/* A derived edition whose original has errors: when the batch renders the
 * original too, its errors are reported once, with it, and the derived
 * edition only says that its original failed. */
static void pb_fold_original_diags(const pb_batch *b, const pb_doc *doc,
                                   pb_diags *d) {
  const char *orig = NULL;
  for (size_t i = 0; i < d->count && !orig; i++)
    if (d->items[i].severity == PB_SEV_ERROR && d->items[i].path &&
        strcmp(d->items[i].path, d->path) != 0)
      orig = d->items[i].path;
  if (!orig || !pb_is_batch_input(b, orig)) return;
  pb_diags nd;
  pb_diags_init(&nd, d->path);
  for (size_t i = 0; i < d->count; i++) {
    const pb_diag *dg = &d->items[i];
    if (!dg->path || strcmp(dg->path, orig) != 0)
      pb_diag_add_at(&nd, dg->severity, dg->path, dg->pos, "%s", dg->message);
  }
  pb_diag_add(&nd, PB_SEV_ERROR, doc->meta.derive_pos,
              "the original '%s' has errors (reported with it)", orig);
  pb_diags_free(d);
  *d = nd;
}

/* Parses the manuscript, derives and checks it; false when it has errors
 * (in d). */
static bool pb_load_doc(const pb_batch *b, const pb_job *job, const char *name,
                        const char *src, size_t len, pb_doc *doc, pb_diags *d) {
  if (pb_doc_parse(src, len, name, doc, d) != PB_OK || d->errors) return false;
  doc->derive_anywhere = b->cli->allow_outside;
  if (pb_doc_derive(doc, d) != PB_OK || d->errors) {
    pb_fold_original_diags(b, doc, d);
    return false;
  }
  if (pb_doc_check(doc, d) != PB_OK || d->errors) return false;
  /* The original of a derived edition is an input too. */
  if (doc->body_path && !pb_is_stdio(job->output) &&
      pb_same_file(job->output, doc->body_path)) {
    pb_diag_add(d, PB_SEV_ERROR, doc->meta.derive_pos,
                "the output '%s' is the original '%s'; it would be overwritten",
                job->output, doc->body_path);
    return false;
  }
  return true;
}

/* The command line overrides the front matter; the library validates what
 * the environment gives (SOURCE_DATE_EPOCH). */
static pb_overrides pb_job_overrides(const pb_cli *cli, const pb_job *job) {
  bool ebook = job->profile && strcmp(job->profile, "ebook") == 0;
  bool epub = job->profile && strcmp(job->profile, "epub") == 0;
  return (pb_overrides){.has_profile = job->profile != NULL && !epub,
                        .profile = ebook ? PB_PROFILE_EBOOK : PB_PROFILE_PRINT,
                        .source_date_epoch = getenv("SOURCE_DATE_EPOCH"),
                        .font_dir = cli->font_dir,
                        .has_writing_mode = cli->writing_mode >= 0,
                        .vertical = cli->writing_mode == PB_WRITING_VERTICAL_RL};
}

/* --profile epub: the EPUB backend takes the document tree, not pages. */
static int pb_render_epub(const pb_cli *cli, const pb_job *job,
                          const pb_doc *doc, const pb_settings *s,
                          pb_fontset *fs, pb_diags *d, double t0) {
  if (pb_is_stdio(job->output)) {
    pb_diag_add(d, PB_SEV_ERROR, (pb_pos){0, 0},
                "an EPUB is not written to standard output; give -o FILE");
    return 1;
  }
  if (pb_epub_write_cached(doc, s, fs, cli->cache, job->output, d) != PB_OK ||
      d->errors)
    return 1;
  if (!cli->quiet)
    fprintf(stderr, "%s%s: EPUB, %.0f ms\n", pb_clear, job->output,
            pb_now_ms() - t0);
  return 0;
}

/* Prints what a render reports: when it succeeded (ok), for an output
 * written to a file its summary line, and (verbose) the stages' times t
 * (start, parsed, fonts, laid out, written; 0 for a stage not run); then
 * the diagnostics.  Returns the render's status: 0, or 1 when it failed
 * or reported errors. */
static int pb_render_report(const pb_cli *cli, const char *output, bool ok,
                            bool summary, size_t npages, const double t[5],
                            const char *name, pb_diags *d, const char *src,
                            size_t len) {
  ok = ok && !d->errors;
  if (ok && summary && !cli->quiet)
    fprintf(stderr, "%s%s: %zu page%s, %.0f ms\n", pb_clear, output, npages,
            npages == 1 ? "" : "s", t[4] - t[0]);
  if (ok && cli->verbose && t[3] > 0 && t[4] > 0)
    fprintf(stderr,
            "%s: parse %.1f ms, fonts %.1f ms, layout %.1f ms, output %.1f ms\n",
            name, t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3]);
  pb_diag_source ds = {name, src, len};
  pb_print_diags(d, cli->quiet, cli->diag_style, pb_clear, &ds);
  return ok ? 0 : 1;
}

/* The progress line on a terminal ("[3/8] a.md"), drawn again after a
 * report printed on the commit thread has cleared it.  The lock keeps the
 * main thread's new line and the commit thread's redraw apart. */
static pthread_mutex_t pb_progress_lock = PTHREAD_MUTEX_INITIALIZER;
static char pb_progress_text[512];

static void pb_progress_draw(const char *text) {
  pthread_mutex_lock(&pb_progress_lock);
  if (text) snprintf(pb_progress_text, sizeof pb_progress_text, "%s", text);
  if (pb_progress_text[0]) fprintf(stderr, "\r\033[K%s", pb_progress_text);
  pthread_mutex_unlock(&pb_progress_lock);
}

/* The PDF of a batch job whose commit runs on the commit thread
 * (src/cli/commit.h) while the worker renders the next job: what its
 * report needs once the commit is done. */
typedef struct pb_later {
  pb_commit_req req;     /* first: pb_later_done finds the rest from it */
  bool active;
  size_t job;            /* the pool's number for it */
  const pb_cli *cli;
  const char *output, *name; /* borrowed from the batch */
  pb_diags d;            /* the render's diagnostics, then the commit's */
  char *src;             /* owned: the manuscript, for excerpts */
  size_t len, npages;
  double t[5];           /* as pb_render_report's; t[4] set when done */
  double waited;         /* ms it waited for the job before to land */
} pb_later;

static pb_later pb_later_job;

/* Reports l's job: its summary line and diagnostics; its status. */
static int pb_later_report(pb_later *l) {
  l->t[4] = pb_now_ms() - l->waited; /* its own time, not the wait */
  return pb_render_report(l->cli, l->output, l->req.status == PB_OK, true,
                          l->npages, l->t, l->name, &l->d, l->src, l->len);
}

/* On the commit thread, once the file has landed (or failed to). */
static void pb_later_done(pb_commit_req *req) {
  pb_later *l = (pb_later *)req;
  pb_pool_report(l->job, pb_later_report(l));
  if (l->cli->tty && !l->cli->quiet) pb_progress_draw(NULL);
}

static void pb_later_free(pb_later *l) {
  pb_diags_free(&l->d);
  free(l->src);
  l->src = NULL;
  l->active = false;
}

/* Waits for the job being committed, if any (its report is then printed
 * and sent), before anything of the next job is printed; returns the ms
 * it waited. */
static double pb_later_finish(void) {
  if (!pb_later_job.active) return 0;
  double t0 = pb_now_ms();
  pb_commit_wait();
  pb_later_free(&pb_later_job);
  return pb_now_ms() - t0;
}

/* After the worker's last job (the pool's settle). */
static void pb_job_settle(void *ctx) {
  (void)ctx;
  pb_later_finish();
  pb_commit_stop();
}

/* What pb_render_pdf_later returns when it wrote nothing: d says why. */
#define PB_NOT_WRITTEN (-2)

/* Writes the PDF of a batch job into a temporary file beside its output
 * and leaves the commit to the commit thread, taking d's diagnostics and
 * *src with it; returns PB_POOL_LATER (its report comes from the commit
 * thread, or from here when no thread can be had), or PB_NOT_WRITTEN. */
static int pb_render_pdf_later(const pb_cli *cli, const pb_job *job, size_t pool_job,
                               const pb_layout *lo, const pb_fontset *fs,
                               pb_diags *d, char **src, size_t len,
                               const double t[5]) {
  pb_atomic_file af;
  if (pb_atomic_open(&af, job->output, d) != PB_OK) return PB_NOT_WRITTEN;
  pb_pdf_options po = {.compress = true, .cache = cli->cache,
                       .threads = cli->render_threads, .use_fd = true, .fd = af.fd};
  if (pb_pdf_write(lo, fs, &po, job->output, d) != PB_OK || d->errors) {
    pb_atomic_abort(&af);
    return PB_NOT_WRITTEN;
  }
  double waited = pb_later_finish(); /* the job before reports first */
  pb_later *l = &pb_later_job;
  *l = (pb_later){.active = true, .job = pool_job, .cli = cli, .output = job->output,
                  .d = *d, .src = *src, .len = len, .npages = lo->npages,
                  .waited = waited};
  memcpy(l->t, t, sizeof l->t);
  l->req = (pb_commit_req){.af = af, .diags = &l->d, .done = pb_later_done};
  l->name = l->d.path;
  pb_diags_init(d, l->name); /* d's diagnostics are l's now */
  *src = NULL;
  /* Should the worker die first, the parent saves the finished file. */
  pb_pool_defer(pool_job, af.tmp_path, af.target);
  if (!pb_commit_start(&l->req)) {
    l->req.status = pb_atomic_commit(&l->req.af, &l->d);
    pb_pool_report(pool_job, pb_later_report(l));
    pb_later_free(l);
  }
  return PB_POOL_LATER;
}

/* Renders one manuscript.  Returns 0 on success, 1 on error, or — in a
 * batch, for a PDF written to a file — PB_POOL_LATER when its commit and
 * report come later (pb_render_pdf_later); pool_job is its number. */
static int pb_render(const pb_batch *b, const pb_job *job, size_t pool_job) {
  const pb_cli *cli = b->cli;
  pb_diags d;
  pb_doc doc = {0};
  pb_layout lo = {0};
  pb_fontset *fs = NULL;
  pb_settings s;
  size_t len = 0;
  int rc = 1;
  bool to_file = false; /* a summary line for the output */
  bool from_stdin = strcmp(job->input, "-") == 0;
  const char *name = from_stdin ? PB_STDIN_NAME : job->input;
  double t[5] = {pb_now_ms(), 0, 0, 0, 0}; /* start, parsed, fonts, laid out, written */
  pb_diags_init(&d, name);
  char *src = pb_read_manuscript(b, job->input, &len, &d);
  if (!src) goto done;
  if (!pb_load_doc(b, job, name, src, len, &doc, &d)) goto done;
  t[1] = pb_now_ms();
  pb_overrides ov = pb_job_overrides(cli, job);
  if (pb_settings_from_meta(&doc.meta, &ov, &s, &d) != PB_OK) goto done;
  if (doc.nblocks == 0 && !doc.meta.title)
    pb_diag_add(&d, PB_SEV_WARNING, (pb_pos){1, 1},
                "the manuscript has no text; the output is one blank page");
  fs = pb_cached_fontset(cli, doc.meta.fonts, s.lang, &d);
  if (!fs) goto done;
  t[2] = pb_now_ms();
  if (job->profile && strcmp(job->profile, "epub") == 0) {
    /* Its summary line is printed as it is written. */
    double waited = pb_later_finish();
    rc = pb_render_epub(cli, job, &doc, &s, fs, &d, t[0] + waited);
    goto done;
  }
  /* Paragraphs are shaped and broken on the render's threads too. */
  pb_typeset_options to = {.threads = cli->render_threads};
  if (pb_typeset_with(&doc, &s, fs, &to, &lo, &d) != PB_OK || d.errors) goto done;
  t[3] = pb_now_ms();
  pb_out out;
  if (!pb_out_open(job, &out, &d)) goto done;
  if (b->commit_later && !cli->dump && out.fd < 0) {
    rc = pb_render_pdf_later(cli, job, pool_job, &lo, fs, &d, &src, len, t);
    if (rc != PB_NOT_WRITTEN) goto freed;
    rc = 1;
    goto done;
  }
  pb_status wst;
  if (cli->dump) {
    wst = pb_write_dump(cli, &out, &doc, &s, fs, &lo, &d);
  } else {
    pb_pdf_options po = {.compress = true, .cache = cli->cache,
                         .threads = cli->render_threads,
                         .use_fd = out.fd >= 0, .fd = out.fd};
    wst = pb_pdf_write(&lo, fs, &po, out.name, &d);
  }
  if (pb_out_close(&out, wst, &d) != PB_OK) goto done;
  t[4] = pb_now_ms();
  to_file = out.fd < 0;
  rc = 0;
done:
  pb_later_finish(); /* the job before reports first */
  rc = pb_render_report(cli, job->output, rc == 0, to_file, lo.npages, t, name, &d,
                        src, len);
freed:
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
  if (strcmp(input, "-") == 0) input = "stdin";
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

/* A whole-file error of the command line, with the path shown safely. */
static void pb_file_error_msg(const char *path, const char *fmt, const char *arg) {
  pb_diags d;
  pb_diags_init(&d, path);
  pb_diag_add(&d, PB_SEV_ERROR, (pb_pos){0, 0}, fmt, arg);
  pb_print_diags(&d, false, PB_DIAG_SHORT, "", NULL);
  pb_diags_free(&d);
}

static bool pb_push(char ***list, size_t *n, size_t *cap, char *s) {
  if (!s) return false;
  if (*n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 16;
    char **nl = realloc(*list, ncap * sizeof **list);
    if (!nl) {
      free(s);
      return false;
    }
    *list = nl;
    *cap = ncap;
  }
  (*list)[(*n)++] = s;
  return true;
}

/* Expands a directory argument into its *.md files, sorted. */
static int pb_expand_dir(const char *dir, char ***list, size_t *n, size_t *cap) {
  DIR *dp = opendir(dir);
  if (!dp) {
    pb_file_error_msg(dir, "cannot read directory: %s", strerror(errno));
    return 1;
  }
  size_t before = *n;
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(dp))) {
    if (e->d_name[0] == '.' || !pb_ends_with(e->d_name, ".md")) continue;
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    char *p = malloc(len);
    if (p)
      snprintf(p, len, "%s%s%s", dir, pb_ends_with(dir, "/") ? "" : "/",
               e->d_name);
    if (!pb_push(list, n, cap, p)) {
      pb_file_error_msg(dir, "%s", "out of memory");
      rc = 1;
      break;
    }
  }
  closedir(dp);
  if (*n == before && !rc) {
    pb_file_error_msg(dir, "%s", "directory holds no *.md manuscripts");
    return 1;
  }
  qsort(*list + before, *n - before, sizeof **list, pb_cmp_str);
  return rc;
}

/* ---- the batch, on worker processes (src/cli/pool.c) ------------------ */

/* The threads each of workers renders on (paragraphs shaped and broken,
 * font programs made): the cores shared out, so two workers on two cores
 * do not start four. */
static int pb_render_threads(int workers) {
  /* PAIBAN_THREADS sets it (the tests compare 1 with many). */
  const char *env = getenv("PAIBAN_THREADS");
  if (env && *env) {
    char *end;
    long n = strtol(env, &end, 10);
    if (*end == '\0' && n >= 1 && n <= 64) return (int)n;
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  long t = workers > 0 && cores > 0 ? cores / workers : 1;
  return t < 1 ? 1 : (int)t;
}

/* What the jobs of a batch load, named in their front matter: OpenCC
 * configurations, and the groups of jobs that share a font set and a
 * hyphenation dictionary (what a worker loads for a job) — and one group
 * of every EPUB, which shapes nothing but needs libxml2, a costly load
 * (14 M instructions, mostly relocating ICU) best made by one worker. */
#define PB_PRELOAD_MAX 16
typedef struct pb_preload_list {
  char opencc[PB_PRELOAD_MAX][32];   /* OpenCC configurations */
  size_t nopencc;
  struct {
    char *fonts;                     /* owned: the profile name, or NULL */
    char lang[24];
    char hyphen[64];                 /* the dictionary, or "" */
    bool epub;                       /* the EPUBs' group (nothing preloaded) */
    size_t njobs;
  } group[PB_PRELOAD_MAX + 1];       /* + 1: the jobs of no known group */
  size_t ngroups;                    /* known groups; group[ngroups] is the rest */
  size_t *job_group;                 /* owned: per job, its group */
} pb_preload_list;

/* Adds name to list (n entries of size bytes) unless it is there. */
static void pb_preload_name(char *list, size_t *n, size_t size, const char *name) {
  if (!name || !*name || strlen(name) >= size) return;
  for (size_t i = 0; i < *n; i++)
    if (strcmp(list + i * size, name) == 0) return;
  if (*n < PB_PRELOAD_MAX) strcpy(list + (*n)++ * size, name);
}

/* The group of a job with these fonts, language and dictionary, or of an
 * EPUB: found, or added; SIZE_MAX (the rest) when the table is full. */
static size_t pb_preload_group(pb_preload_list *l, const char *fonts, const char *lang,
                               const char *hyphen, bool epub) {
  if (!hyphen || epub) hyphen = "";
  if (epub) fonts = NULL, lang = "";
  for (size_t i = 0; i < l->ngroups; i++)
    if (l->group[i].epub == epub && strcmp(l->group[i].lang, lang) == 0 &&
        strcmp(l->group[i].hyphen, hyphen) == 0 &&
        (fonts ? l->group[i].fonts && strcmp(l->group[i].fonts, fonts) == 0
               : !l->group[i].fonts))
      return i;
  if (l->ngroups == PB_PRELOAD_MAX || strlen(lang) >= sizeof l->group[0].lang ||
      strlen(hyphen) >= sizeof l->group[0].hyphen)
    return SIZE_MAX;
  char *copy = fonts ? strdup(fonts) : NULL;
  if (fonts && !copy) return SIZE_MAX;
  size_t g = l->ngroups++;
  l->group[g].fonts = copy;
  strcpy(l->group[g].lang, lang);
  strcpy(l->group[g].hyphen, hyphen);
  l->group[g].epub = epub;
  l->group[g].njobs = 0;
  return g;
}

/* What each job needs, from the front matter alone (no derive: the
 * settings come from the edition's own front matter).  Errors are not
 * reported here: the job that meets them reports them, at their position. */
static void pb_preload_collect(const pb_batch *b, pb_preload_list *l) {
  pb_doc doc = {0};
  const char *parsed = NULL; /* the input doc holds, when it parsed */
  for (size_t i = 0; i < b->njobs; i++) {
    const pb_job *job = &b->jobs[i];
    pb_diags d;
    pb_diags_init(&d, job->input);
    if (!parsed || strcmp(parsed, job->input) != 0) {
      pb_doc_free(&doc);
      doc = (pb_doc){0};
      parsed = NULL;
      size_t len = 0;
      char *src = pb_read_manuscript(b, job->input, &len, &d);
      if (src && pb_doc_parse_front_matter(src, len, job->input, &doc, &d) == PB_OK &&
          !d.errors) {
        if (pb_meta_has(&doc.meta, PB_KEY_CONVERT))
          pb_preload_name(l->opencc[0], &l->nopencc, sizeof l->opencc[0],
                          pb_meta_enum_name(PB_KEY_CONVERT, (int)doc.meta.convert));
        parsed = job->input;
      }
      free(src);
    }
    pb_overrides ov = pb_job_overrides(b->cli, job);
    pb_settings s;
    size_t g = SIZE_MAX; /* the rest */
    if (parsed && pb_settings_from_meta(&doc.meta, &ov, &s, &d) == PB_OK && !d.errors)
      g = pb_preload_group(l, doc.meta.fonts, s.lang, s.hyphen_dict,
                           job->profile && strcmp(job->profile, "epub") == 0);
    if (l->job_group) l->job_group[i] = g;
    pb_diags_free(&d);
  }
  /* The rest group comes after the known ones. */
  for (size_t i = 0; l->job_group && i < b->njobs; i++) {
    if (l->job_group[i] == SIZE_MAX) l->job_group[i] = l->ngroups;
    l->group[l->job_group[i]].njobs++;
  }
  pb_doc_free(&doc);
}

/* The list of a batch's jobs, or NULL when out of memory. */
static pb_preload_list *pb_preload_list_make(const pb_batch *b) {
  pb_preload_list *l = calloc(1, sizeof *l);
  if (l) l->job_group = calloc(b->njobs ? b->njobs : 1, sizeof *l->job_group);
  if (l && l->job_group) pb_preload_collect(b, l);
  return l;
}

static void pb_preload_list_free(pb_preload_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->ngroups; i++) free(l->group[i].fonts);
  free(l->job_group);
  free(l);
}

/* What the preload of a batch loads: the groups with more jobs than one
 * worker's share (share 0: every group). */
typedef struct pb_preload_job {
  const pb_preload_list *list;
  size_t share;
  bool with_converters;
} pb_preload_job;

static bool pb_preload_wanted(const pb_preload_job *p, size_t g) {
  return g < p->list->ngroups && !p->list->group[g].epub &&
         p->list->group[g].njobs > p->share;
}

/* On a thread of the parent: the OpenCC converters and hyphenation
 * dictionaries (tables of their own, touched by no other thread). */
static void *pb_preload_text_tools(void *arg) {
  const pb_preload_job *p = arg;
  const pb_preload_list *l = p->list;
  for (size_t i = 0; p->with_converters && i < l->nopencc; i++)
    pb_preload_opencc(l->opencc[i]);
  for (size_t g = 0; g < l->ngroups; g++)
    if (pb_preload_wanted(p, g) && l->group[g].hyphen[0])
      pb_preload_hyphenation(l->group[g].hyphen);
  return NULL;
}

/* Loads, in the parent before it forks the workers, what several workers
 * would each load: the font sets (pb_cached_fontset) and hyphenation
 * dictionaries of the groups of jobs (font set and dictionary) with more
 * jobs than one worker's share (share 0: all of them), and with
 * converters the OpenCC converters (include/paiban/preload.h).  The
 * workers inherit them (issue 13: each worker used to redo every font-set
 * load).  A group within one worker's share is left to the worker that
 * takes it, since the pool keeps a worker to its group (src/cli/pool.h):
 * loaded there, on another core, it holds no worker back.  A batch leaves
 * OpenCC to the jobs that convert: the persistent cache usually has their
 * conversions, and opening it here (12 M instructions) would hold every
 * worker back; a watch loop, which converts again on every save of the
 * original, preloads it.  The font sets load on this thread while another
 * loads the rest; it is joined before any fork, so the workers start from
 * a process with one thread. */
static void pb_batch_preload(const pb_batch *b, const pb_preload_list *l, size_t share,
                             bool with_converters) {
  pb_preload_job p = {.list = l, .share = share, .with_converters = with_converters};
  pthread_t tid;
  bool threaded = pthread_create(&tid, NULL, pb_preload_text_tools, &p) == 0;
  for (size_t g = 0; g < l->ngroups; g++) {
    if (!pb_preload_wanted(&p, g)) continue;
    pb_diags d;
    pb_diags_init(&d, "");
    pb_fontset *fs = pb_cached_fontset(b->cli, l->group[g].fonts, l->group[g].lang, &d);
    if (fs && !pb_is_cached(fs)) pb_fontset_free(fs);
    pb_diags_free(&d);
  }
  if (threaded) pthread_join(tid, NULL);
  else pb_preload_text_tools(&p);
}

/* The order the pool hands the jobs out in, and its groups (the jobs of
 * one font set and dictionary, consecutive).  With several workers the
 * pool keeps each worker to a group, so a worker loads few font sets;
 * within a group the jobs go profile by profile (every print edition,
 * then every ebook, then every EPUB): the print and ebook editions of a
 * manuscript mostly embed the same font subsets, and the ebook, started
 * after the print edition, finds them in the persistent cache.  One
 * worker, or out of memory: the given order, one group. */
static void pb_batch_order(pb_batch *b, const pb_preload_list *l, int workers) {
  size_t nprof = b->ninputs ? b->njobs / b->ninputs : 1;
  if (workers < 2 || !l->job_group || nprof * b->ninputs != b->njobs) return;
  b->order = malloc(b->njobs * sizeof *b->order);
  b->group_start = malloc((l->ngroups + 1) * sizeof *b->group_start);
  if (!b->order || !b->group_start) {
    free(b->order);
    free(b->group_start);
    b->order = b->group_start = NULL;
    return;
  }
  size_t n = 0;
  for (size_t g = 0; g <= l->ngroups; g++) {
    if (l->group[g].njobs == 0) continue;
    b->group_start[b->ngroups++] = n;
    for (size_t prof = 0; prof < nprof; prof++)
      for (size_t in = 0; in < b->ninputs; in++)
        if (l->job_group[in * nprof + prof] == g) b->order[n++] = in * nprof + prof;
  }
}

static const pb_job *pb_batch_job(const pb_batch *b, size_t i) {
  return &b->jobs[b->order ? b->order[i] : i];
}

static int pb_job_run(void *ctx, size_t i) {
  pb_batch *b = ctx;
  const pb_job *job = pb_batch_job(b, i);
  if (b->cli->tty && b->njobs > 1 && !b->cli->quiet) {
    char line[sizeof pb_progress_text];
    snprintf(line, sizeof line, "[%zu/%zu] %s", i + 1, b->njobs, job->input);
    pb_progress_draw(line);
  }
  return pb_render(b, job, i);
}

/* Frees the font sets and the preloaded converters and dictionaries. */
static void pb_job_worker_exit(void *ctx) {
  (void)ctx;
  pb_fontset_cache_free();
  pb_unload_opencc();
  pb_unload_hyphenation();
}

int pb_render_file(const pb_cli *cli, const char *input, const char *output,
                   const char *profile) {
  pb_job job = {.input = (char *)input, .output = (char *)output,
                .profile = profile};
  pb_batch b = {.cli = cli, .jobs = &job, .njobs = 1};
  return pb_render(&b, &job, 0);
}

void pb_render_preload(const pb_cli *cli, const char *input, const char *profile) {
  pb_job job = {.input = (char *)input, .profile = profile};
  pb_batch b = {.cli = cli, .jobs = &job, .njobs = 1};
  pb_preload_list *l = pb_preload_list_make(&b);
  if (l) pb_batch_preload(&b, l, 0, true);
  pb_preload_list_free(l);
}

void pb_render_unload(void) { pb_job_worker_exit(NULL); }

static void pb_job_finished(void *ctx, size_t i, size_t done, size_t total) {
  (void)ctx;
  (void)i;
  (void)done;
  (void)total;
}

/* A job whose finished file was being saved when its worker crashed on
 * the next one: the parent saved it (its warnings, printed by the worker
 * after the save, are lost), or could not. */
static void pb_job_orphaned(void *ctx, size_t i, int ws, bool saved) {
  pb_batch *b = ctx;
  const pb_job *job = pb_batch_job(b, i);
  const char *in = strcmp(job->input, "-") == 0 ? PB_STDIN_NAME : job->input;
  fputs(pb_clear, stderr);
  if (saved) {
    if (!b->cli->quiet)
      fprintf(stderr, "%s: written; its worker then crashed on another manuscript "
                      "(signal %d), so any warnings about it were not printed\n",
              job->output, WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
    return;
  }
  pb_file_error_msg(in, "%s",
                    "not written: its worker crashed on another manuscript while "
                    "saving it; render it again");
}

static void pb_job_lost(void *ctx, size_t i, int ws, int err) {
  pb_batch *b = ctx;
  const pb_job *job = pb_batch_job(b, i);
  const char *in = strcmp(job->input, "-") == 0 ? PB_STDIN_NAME : job->input;
  char why[256];
  if (ws < 0)
    snprintf(why, sizeof why, "not rendered: no worker process could be started (%s)",
             strerror(err));
  else if (WIFSIGNALED(ws))
    snprintf(why, sizeof why,
             "not rendered: paiban crashed on it (signal %d, %s); this is a "
             "bug in paiban, please report it with the manuscript",
             WTERMSIG(ws), strsignal(WTERMSIG(ws)));
  else /* a sanitizer catches the signal and exits */
    snprintf(why, sizeof why,
             "not rendered: paiban crashed on it (its worker exited with "
             "status %d); this is a bug in paiban, please report it with the "
             "manuscript",
             WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
  fputs(pb_clear, stderr);
  pb_file_error_msg(in, "%s", why);
}

/* ---- checks before anything is written -------------------------------- */

/* The error for an output that is the manuscript itself, or that another
 * job writes too (the input that job renders). */
static void pb_output_clash(const char *input, const char *output, const char *other) {
  pb_diags d;
  pb_diags_init(&d, input);
  if (other)
    pb_diag_add(&d, PB_SEV_ERROR, (pb_pos){0, 0},
                "would write the same output '%s' as '%s'", output, other);
  else
    pb_diag_add(&d, PB_SEV_ERROR, (pb_pos){0, 0},
                "the output '%s' is this manuscript itself; it would be "
                "overwritten",
                output);
  pb_print_diags(&d, false, PB_DIAG_SHORT, "", NULL);
  pb_diags_free(&d);
}

/* No output may be an input (compared as files: a symbolic link to the
 * manuscript, "./a.md" for "a.md"), and no two outputs the same file.
 * Each path is looked at once and the identities sorted (outpath.h); the
 * first job in order with a clash is reported. */
static int pb_check_outputs(pb_job *jobs, size_t njobs, char **inputs,
                            size_t ninputs) {
  pb_out_ref *in = calloc(ninputs ? ninputs : 1, sizeof *in);
  pb_out_ref *out = calloc(njobs ? njobs : 1, sizeof *out);
  pb_out_id *ids = calloc(njobs ? njobs : 1, sizeof *ids);
  bool *has = calloc(njobs ? njobs : 1, sizeof *has);
  int rc = 0;
  if (!in || !out || !ids || !has) {
    fprintf(stderr, "paiban: error: out of memory\n");
    rc = 1;
    goto done;
  }
  size_t nin = 0, nout = 0;
  for (size_t k = 0; k < ninputs; k++) {
    if (strcmp(inputs[k], "-") == 0) continue;
    in[nin].index = k;
    if (pb_out_id_of(inputs[k], &in[nin].id) && in[nin].id.exists) nin++;
  }
  pb_out_refs_sort(in, nin);
  for (size_t i = 0; i < njobs; i++) {
    if (pb_is_stdio(jobs[i].output)) continue;
    has[i] = pb_out_id_of(jobs[i].output, &ids[i]);
    if (has[i]) out[nout++] = (pb_out_ref){.id = ids[i], .index = i};
  }
  pb_out_refs_sort(out, nout);
  for (size_t i = 0; i < njobs && !rc; i++) {
    if (!has[i]) continue;
    size_t k = ids[i].exists ? pb_out_refs_find(in, nin, &ids[i]) : SIZE_MAX;
    if (k != SIZE_MAX) {
      pb_output_clash(inputs[k], jobs[i].output, NULL);
      rc = 1;
    } else if ((k = pb_out_refs_find(out, nout, &ids[i])) < i) {
      pb_output_clash(jobs[i].input, jobs[i].output, jobs[k].input);
      rc = 1;
    }
  }
done:
  free(in);
  free(out);
  free(ids);
  free(has);
  return rc;
}

/* ---- options ------------------------------------------------------------ */

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

enum { OPT_PROFILE = 256, OPT_DUMP, OPT_FONTS, OPT_VERSION, OPT_DIAG,
       OPT_OUTSIDE, OPT_MAN, OPT_LIST_KEYS, OPT_WRITING_MODE, OPT_NO_CACHE };

/* A usage error: the message, exit status 2. */
static int pb_usage_error(const char *fmt, const char *arg) {
  fputs("paiban: error: ", stderr);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  return 2;
}

/* --profile: a comma-separated list of print, ebook and epub. */
static int pb_opt_profile(pb_cli *cli, const char *arg) {
  cli->print = cli->ebook = cli->epub = false;
  for (const char *p = arg;;) {
    size_t n = strcspn(p, ",");
    if (n == 5 && strncmp(p, "print", 5) == 0) cli->print = true;
    else if (n == 5 && strncmp(p, "ebook", 5) == 0) cli->ebook = true;
    else if (n == 4 && strncmp(p, "epub", 4) == 0) cli->epub = true;
    else
      return pb_usage_error("--profile must be print, ebook, epub or a "
                            "comma-separated list of them, not '%s'", arg);
    if (!p[n]) return -1;
    p += n + 1;
  }
}

static int pb_opt_dump(pb_cli *cli, const char *arg) {
  static const char *const kinds[] = {
      [PB_DUMP_LINES] = "lines", [PB_DUMP_GLYPHS] = "glyphs",
      [PB_DUMP_PAGES] = "pages", [PB_DUMP_ITEMS] = "items",
      [PB_DUMP_BREAKS] = "breaks"};
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
    if (strcmp(arg, kinds[k]) == 0) {
      cli->dump = true;
      cli->dump_kind = (pb_dump_kind)k;
      return -1;
    }
  return pb_usage_error("--dump must be lines, glyphs, pages, items or breaks, not '%s'", arg);
}

static int pb_opt_writing_mode(pb_cli *cli, const char *arg) {
  if (strcmp(arg, "horizontal-tb") == 0) cli->writing_mode = PB_WRITING_HORIZONTAL_TB;
  else if (strcmp(arg, "vertical-rl") == 0) cli->writing_mode = PB_WRITING_VERTICAL_RL;
  else return pb_usage_error("--writing-mode must be horizontal-tb or vertical-rl, not '%s'", arg);
  return -1;
}

static int pb_opt_diag(pb_cli *cli, const char *arg) {
  cli->diag_set = true;
  if (strcmp(arg, "short") == 0) cli->diag_style = PB_DIAG_SHORT;
  else if (strcmp(arg, "human") == 0) cli->diag_style = PB_DIAG_HUMAN;
  else return pb_usage_error("--diagnostic-format must be short or human, not '%s'", arg);
  return -1;
}

static int pb_opt_jobs(pb_cli *cli, const char *arg) {
  char *end = NULL;
  long j = strtol(arg, &end, 10);
  if (!end || *end || j < 1 || j > 256)
    return pb_usage_error("-j needs a number from 1 to 256, not '%s'", arg);
  cli->jobs = (int)j;
  return -1;
}

static int pb_opt_list_keys(const char *arg) {
  if (arg && strcmp(arg, "markdown") != 0 && strcmp(arg, "text") != 0)
    return pb_usage_error("--list-keys takes text or markdown, not '%s'", arg);
  pb_keys_format fmt = arg && strcmp(arg, "markdown") == 0 ? PB_KEYS_MARKDOWN
                                                           : PB_KEYS_TEXT;
  return pb_print_keys(stdout, fmt) == PB_OK ? 0 : 1;
}

/* One option: -1 to go on, else the exit status (usage errors, --help). */
static int pb_option(pb_cli *cli, int opt, const char *arg, char **argv) {
  switch (opt) {
  case 'o': cli->output = arg; return -1;
  case OPT_PROFILE: return pb_opt_profile(cli, arg);
  case OPT_WRITING_MODE: return pb_opt_writing_mode(cli, arg);
  case OPT_NO_CACHE: cli->no_cache = true; return -1;
  case OPT_DUMP: return pb_opt_dump(cli, arg);
  case OPT_FONTS: cli->font_dir = arg; return -1;
  case OPT_DIAG: return pb_opt_diag(cli, arg);
  case OPT_OUTSIDE: cli->allow_outside = true; return -1;
  case OPT_MAN: pb_man_page(stdout); return fflush(stdout) ? 1 : 0;
  case 'j': return pb_opt_jobs(cli, arg);
  case 'q': cli->quiet = true; return -1;
  case 'v': cli->verbose = true; return -1;
  case OPT_VERSION: printf("paiban %s\n", pb_version()); return 0;
  case 'h': pb_usage(stdout); return 0;
  case OPT_LIST_KEYS: return pb_opt_list_keys(arg);
  case ':': return pb_usage_error("option '%s' needs a value", argv[optind - 1]);
  default: return pb_usage_error("unknown option '%s' (see --help)", argv[optind - 1]);
  }
}

/* Reads the options into cli; -1 to go on, else the exit status. */
static int pb_parse_options(pb_cli *cli, int argc, char **argv) {
  static const struct option longopts[] = {
      {"output", required_argument, 0, 'o'},
      {"profile", required_argument, 0, OPT_PROFILE},
      {"writing-mode", required_argument, 0, OPT_WRITING_MODE},
      {"no-cache", no_argument, 0, OPT_NO_CACHE},
      {"dump", required_argument, 0, OPT_DUMP},
      {"fonts", required_argument, 0, OPT_FONTS},
      {"jobs", required_argument, 0, 'j'},
      {"diagnostic-format", required_argument, 0, OPT_DIAG},
      {"allow-outside", no_argument, 0, OPT_OUTSIDE},
      {"man", no_argument, 0, OPT_MAN},
      {"quiet", no_argument, 0, 'q'},
      {"verbose", no_argument, 0, 'v'},
      {"version", no_argument, 0, OPT_VERSION},
      {"list-keys", optional_argument, 0, OPT_LIST_KEYS},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, ":o:j:qvh", longopts, NULL)) != -1) {
    int rc = pb_option(cli, opt, optarg, argv);
    if (rc >= 0) return rc;
  }
  if (optind >= argc) {
    pb_usage(stderr);
    return 2;
  }
  cli->tty = isatty(STDERR_FILENO);
  if (!cli->diag_set) cli->diag_style = cli->tty ? PB_DIAG_HUMAN : PB_DIAG_SHORT;
  if (!cli->font_dir) cli->font_dir = pb_default_font_dir();
  if (cli->jobs == 0) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cli->jobs = cores > 0 ? (int)cores : 1;
  }
  if (cli->epub && cli->dump)
    return pb_usage_error("%s", "--dump shows the page layout; an EPUB has none (drop epub from --profile)");
  if (cli->output && !*cli->output)
    return pb_usage_error("%s", "-o needs a file or directory name, not an empty one");
  return -1;
}

/* ---- inputs and jobs ------------------------------------------------------ */

/* The inputs of the command line (directories expanded) into b; standard
 * input read once.  Returns 0, or the exit status. */
static int pb_collect_inputs(pb_batch *b, int argc, char **argv) {
  size_t cap = 0, nstdin = 0;
  int rc = 0;
  for (int i = 0; i < argc; i++) {
    if (!*argv[i]) return pb_usage_error("%s", "an input name is empty");
    if (pb_is_dir(argv[i])) {
      rc |= pb_expand_dir(argv[i], &b->inputs, &b->ninputs, &cap);
      continue;
    }
    if (strcmp(argv[i], "-") == 0) nstdin++;
    if (!pb_push(&b->inputs, &b->ninputs, &cap, strdup(argv[i]))) {
      fprintf(stderr, "paiban: error: out of memory\n");
      return 1;
    }
  }
  if (nstdin > 1)
    return pb_usage_error("%s", "standard input (-) can be read only once");
  b->nstdin = nstdin;
  if (nstdin) {
    pb_diags d;
    pb_diags_init(&d, PB_STDIN_NAME);
    pb_status st = pb_fd_read(STDIN_FILENO, PB_STDIN_NAME, PB_MAX_MANUSCRIPT_BYTES,
                              &b->stdin_text, &b->stdin_len, &d);
    pb_print_diags(&d, false, PB_DIAG_SHORT, "", NULL);
    pb_diags_free(&d);
    if (st != PB_OK) return 1;
  }
  return rc;
}

/* The output of job j: NULL for standard output. */
static int pb_job_output(const pb_cli *cli, pb_job *j, bool out_is_dir) {
  bool to_stdout = cli->output && strcmp(cli->output, "-") == 0;
  if (to_stdout || (!cli->output && (cli->dump || strcmp(j->input, "-") == 0)))
    return 0; /* standard output */
  /* An ebook is NAME.ebook.pdf beside NAME.pdf, the print edition. */
  bool ebook = j->profile && strcmp(j->profile, "ebook") == 0;
  const char *ext = cli->dump ? (ebook ? ".ebook.dump.txt" : ".dump.txt")
                              : (ebook ? ".ebook.pdf" : ".pdf");
  if (j->profile && strcmp(j->profile, "epub") == 0) ext = ".epub";
  if (cli->output && !out_is_dir) j->output = strdup(cli->output);
  else j->output = pb_output_for(j->input, cli->output, ext);
  if (j->output) return 0;
  fprintf(stderr, "paiban: error: out of memory\n");
  return 1;
}

/* One job per input and profile, with its output.  Returns 0, or the exit
 * status. */
static int pb_make_jobs(pb_batch *b) {
  const pb_cli *cli = b->cli;
  const char *profiles[3];
  size_t nprof = 0;
  if (cli->print) profiles[nprof++] = "print";
  if (cli->ebook) profiles[nprof++] = "ebook";
  if (cli->epub) profiles[nprof++] = "epub";
  if (!nprof) profiles[nprof++] = NULL; /* the front matter decides */
  b->njobs = b->ninputs * nprof;
  b->jobs = calloc(b->njobs ? b->njobs : 1, sizeof *b->jobs);
  if (!b->jobs) {
    fprintf(stderr, "paiban: error: out of memory\n");
    return 1;
  }
  bool to_stdout = cli->output && strcmp(cli->output, "-") == 0;
  bool out_is_dir = cli->output && !to_stdout &&
                    (pb_is_dir(cli->output) || pb_ends_with(cli->output, "/"));
  if (cli->output && b->njobs > 1 && !out_is_dir)
    return pb_usage_error("with several outputs, -o must be an existing directory ('%s' is not)",
                          cli->output);
  if ((cli->dump || b->nstdin) && !cli->output && b->njobs > 1)
    return pb_usage_error("%s with several outputs needs -o DIR",
                          cli->dump ? "--dump" : "standard input");
  for (size_t i = 0; i < b->njobs; i++) {
    b->jobs[i].input = b->inputs[i / nprof];
    b->jobs[i].profile = profiles[i % nprof];
    if (pb_job_output(cli, &b->jobs[i], out_is_dir)) return 1;
  }
  if (!cli->dump && isatty(STDOUT_FILENO))
    for (size_t i = 0; i < b->njobs; i++)
      if (!b->jobs[i].output)
        return pb_usage_error("%s", "will not write a PDF to a terminal; give -o FILE");
  return pb_check_outputs(b->jobs, b->njobs, b->inputs, b->ninputs);
}

int main(int argc, char **argv) {
  pb_pool_install_signals();
  pb_cli cli = {.jobs = 0, .writing_mode = -1};
  int rc = pb_parse_options(&cli, argc, argv);
  if (rc >= 0) return rc;
  /* `paiban fonts ...` (a manuscript called "fonts" is ./fonts). */
  if (strcmp(argv[optind], "fonts") == 0)
    return pb_fonts_command(&cli, argc - optind - 1, argv + optind + 1);
  /* `paiban watch INPUT.md` (likewise ./watch for a manuscript). */
  if (strcmp(argv[optind], "watch") == 0) {
    cli.render_threads = pb_render_threads(1);
    return pb_watch_command(&cli, argc - optind - 1, argv + optind + 1);
  }
  pb_batch batch = {.cli = &cli};
  rc = pb_collect_inputs(&batch, argc - optind, argv + optind);
  if (!rc) rc = pb_make_jobs(&batch);
  if (!rc) {
    if (cli.tty && batch.njobs > 1 && !cli.quiet) pb_clear = "\r\033[K";
    pb_pool_ops ops = {.ctx = &batch, .run = pb_job_run, .settle = pb_job_settle,
                       .worker_exit = pb_job_worker_exit,
                       .finished = pb_job_finished, .lost = pb_job_lost,
                       .orphaned = pb_job_orphaned};
    /* Each PDF's fsync and rename overlap the next render (commit.h). */
    batch.commit_later = batch.njobs > 1;
    /* The persistent cache of font subsets (PAIBAN_CACHE_DIR, else the
     * XDG cache directory); without one every subset is made anew. */
    char cache_dir[4096];
    if (!cli.no_cache)
      cli.cache = pb_cache_open(pb_cache_default_dir(cache_dir, sizeof cache_dir), 0);
    pb_preload_use_cache(cli.cache); /* compiled hyphenation patterns */
    int workers = batch.njobs < (size_t)cli.jobs ? (int)batch.njobs : cli.jobs;
    cli.render_threads = pb_render_threads(workers);
    if (batch.njobs > 1) {
      pb_preload_list *l = pb_preload_list_make(&batch);
      if (l) {
        /* One worker loads everything itself: the parent loads it, on
         * two threads; several load once what more than one would. */
        size_t share = workers < 2 ? 0 : (batch.njobs + (size_t)workers - 1) / (size_t)workers;
        pb_batch_preload(&batch, l, share, false);
        pb_batch_order(&batch, l, workers);
      }
      pb_preload_list_free(l);
    }
    if (batch.njobs)
      rc |= pb_pool_run(batch.njobs, cli.jobs, batch.group_start, batch.ngroups, &ops);
    pb_job_worker_exit(&batch);
    pb_preload_use_cache(NULL);
    pb_cache_close(cli.cache);
    if (*pb_clear) fputs(pb_clear, stderr);
  }
  for (size_t i = 0; batch.jobs && i < batch.njobs; i++) free(batch.jobs[i].output);
  for (size_t i = 0; i < batch.ninputs; i++) free(batch.inputs[i]);
  free(batch.jobs);
  free(batch.order);
  free(batch.group_start);
  free(batch.inputs);
  free(batch.stdin_text);
  return rc;
}
