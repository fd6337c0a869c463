/* paiban CLI — shared between the files of src/cli/. */
#ifndef PB_CLI_CLI_H
#define PB_CLI_CLI_H

#include "paiban/paiban.h"
#include "diagprint.h"

#include <stdio.h>

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
  int render_threads;     /* threads per render, for its paragraphs and font
                             programs (the cores shared out among the
                             workers, or PAIBAN_THREADS; 0: all) */
  bool quiet, verbose;
  bool tty;               /* standard error is a terminal */
  bool allow_outside;     /* --allow-outside: derive-from anywhere */
  pb_diag_style diag_style;
  bool diag_set;          /* --diagnostic-format given */
} pb_cli;

/* One command-line option, as --help and the man page show it. */
typedef struct pb_option_doc {
  const char *names; /* "-o, --output PATH" */
  const char *help;  /* one or more sentences; '\n' separates lines */
} pb_option_doc;

extern const pb_option_doc pb_option_docs[];

/* --help text, and the man page in roff (make install writes it). */
void pb_usage(FILE *f);
void pb_man_page(FILE *f);

/* `paiban fonts [MANUSCRIPT|PROFILE]`: what each role of a font profile
 * resolves to, and what is missing.  Returns the exit status. */
int pb_fonts_command(const pb_cli *cli, int argc, char **argv);

/* Renders input (a file) to output (a PDF, or NULL: beside the input) in
 * this process, with the profile ("print", "ebook" or NULL: the front
 * matter's), printing its diagnostics and summary; the font sets it loads
 * stay loaded for the next call.  Returns 0, or 1 on errors (nothing is
 * then written: the last good output stays). */
int pb_render_file(const pb_cli *cli, const char *input, const char *output,
                   const char *profile);
/* Loads what renders of input share (font sets, OpenCC, hyphenation) for
 * every later pb_render_file; errors are left to the render. */
void pb_render_preload(const pb_cli *cli, const char *input, const char *profile);
/* Frees what pb_render_file and pb_render_preload keep loaded. */
void pb_render_unload(void);

/* `paiban watch INPUT.md`: renders, then renders again whenever the
 * manuscript (or the original it derives from) is saved, until SIGINT,
 * SIGTERM or SIGHUP.  Returns the exit status. */
int pb_watch_command(pb_cli *cli, int argc, char **argv);

/* The font-profile directory: --fonts, else $PAIBAN_FONT_DIR, else
 * PREFIX/share/paiban/fonts beside the installed binary, else the build
 * tree's fonts/.  The result is static or borrowed. */
const char *pb_default_font_dir(void);

#endif
