/* The option table behind --help and the man page (src/cli/cli.h): one
 * source, so the two cannot drift apart. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

const pb_option_doc pb_option_docs[] = {
    {"-o, --output PATH", "output file (one input) or existing directory\n"
                          "(default: INPUT.pdf next to the input; - is\n"
                          "standard output)"},
    {"--profile P", "print, ebook, epub, or a list like print,ebook,epub\n"
                    "(an ebook is written as NAME.ebook.pdf, an EPUB 3\n"
                    "as NAME.epub; default: the front matter's\n"
                    "profile, else print)"},
    {"--no-cache", "make every font subset, font resolution,\n"
                   "hyphenation table and OpenCC conversion anew\n"
                   "(default: keep them in $PAIBAN_CACHE_DIR, else\n"
                   "$XDG_CACHE_HOME/paiban or ~/.cache/paiban)"},
    {"--writing-mode M", "horizontal-tb or vertical-rl (columns right\n"
                         "to left); default: the front matter's"},
    {"--dump KIND", "write a text dump instead of a PDF: the layout\n"
                    "(lines, glyphs, pages) or a stage (items:\n"
                    "break items; breaks: the lines chosen)\n"
                    "(to -o, or to standard output)"},
    {"--fonts DIR", "directory of font profiles (default: installed)"},
    {"-j, --jobs N", "render N inputs in parallel (default: cores)"},
    {"--diagnostic-format F", "short (PATH:LINE:COL: error: ...) or human\n"
                              "(with the source line and a caret); default:\n"
                              "human on a terminal, else short"},
    {"--allow-outside", "let derive-from name a file outside the\n"
                        "manuscript's directory tree"},
    {"-q, --quiet", "print errors only"},
    {"-v, --verbose", "print timings of each stage"},
    {"--list-keys[=markdown]", "print the front-matter keys (=markdown:\n"
                               "README.md's table)"},
    {"--man", "print this manual page in roff"},
    {"--version", "print the version"},
    {"-h, --help", "print this help"},
    {NULL, NULL}};

void pb_usage(FILE *f) {
  fputs("usage: paiban [options] INPUT.md|DIR|- ...\n"
        "       paiban fonts [MANUSCRIPT.md|PROFILE]\n"
        "       paiban watch [-o OUT.pdf] [--profile print|ebook] INPUT.md\n"
        "Typesets Markdown manuscripts (Chinese, English, mixed) into PDF and EPUB.\n\n",
        f);
  for (const pb_option_doc *o = pb_option_docs; o->names; o++) {
    bool long_only = o->names[0] == '-' && o->names[1] == '-';
    int col = fprintf(f, "  %s%s", long_only ? "    " : "", o->names);
    const char *h = o->help;
    bool first = true;
    while (*h) {
      const char *nl = strchr(h, '\n');
      size_t n = nl ? (size_t)(nl - h) : strlen(h);
      if (!first || col > 25) {
        fputc('\n', f);
        col = 0;
      }
      fprintf(f, "%*s%.*s", 26 - col, "", (int)n, h);
      col = 26;
      first = false;
      h += n + (nl ? 1 : 0);
    }
    fputc('\n', f);
  }
  fputs("\n"
        "`paiban fonts` lists the fonts each role of a profile resolves to.\n"
        "`paiban watch` renders again on every save of the manuscript (or of\n"
        "its original), keeping fonts in memory; Ctrl-C ends it.\n"
        "Diagnostics: PATH:LINE:COL: error|warning: MESSAGE on standard error.\n"
        "Exit status: 0 success, 1 a document had errors, 2 usage error.\n\n",
        f);
  /* The front-matter keys, from their table: best effort (out of memory
   * leaves them out). */
  char *keys = NULL;
  if (pb_frontmatter_describe(PB_KEYS_TEXT, &keys) == PB_OK) fputs(keys, f);
  free(keys);
}

/* Writes s with roff's special characters escaped. */
static void pb_roff(FILE *f, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\') fputs("\\e", f);
    else if (s[i] == '-') fputs("\\-", f);
    else if (s[i] == '\n') fputc(' ', f);
    else if (i == 0 && (s[i] == '.' || s[i] == '\'')) fprintf(f, "\\&%c", s[i]);
    else fputc(s[i], f);
  }
}

/* Writes s without the Markdown backticks of the key table's texts. */
static void pb_roff_plain(FILE *f, const char *s) {
  for (const char *p = s; *p;) {
    const char *q = strchr(p, '`');
    size_t n = q ? (size_t)(q - p) : strlen(p);
    if (n) pb_roff(f, p, n);
    p += n + (q ? 1 : 0);
  }
}

/* The FRONT MATTER section, from the key table (the same one behind
 * --list-keys and README.md's table). */
static void pb_man_keys(FILE *f) {
  fputs(".SH FRONT MATTER\nA manuscript may open with YAML between \\-\\-\\- "
        "lines; every key is optional.\n",
        f);
  for (int id = 0; id < PB_KEY_COUNT; id++) {
    const pb_frontmatter_key *k = pb_frontmatter_key_get((pb_key_id)id);
    fputs(".TP\n.B ", f);
    pb_roff(f, k->name, strlen(k->name));
    fputc('\n', f);
    pb_roff_plain(f, k->help);
    if (k->values) {
      fputs(" (", f);
      for (int i = 0; k->values[i]; i++) {
        if (i) fputs(", ", f);
        pb_roff(f, k->values[i], strlen(k->values[i]));
      }
      fputc(')', f);
    } else if (k->type == PB_VAL_NUMBER) {
      fprintf(f, " (%g to %g%s%s)", k->min, k->max, k->unit ? " " : "",
              k->unit ? k->unit : "");
    }
    fputs("; default: ", f);
    pb_roff_plain(f, k->defaults);
    fputs(".\n", f);
  }
}

void pb_man_page(FILE *f) {
  fprintf(f, ".TH PAIBAN 1 \"\" \"paiban %s\" \"User Commands\"\n", pb_version());
  fputs(".SH NAME\npaiban \\- typeset Markdown manuscripts into print\\-ready PDF\n"
        ".SH SYNOPSIS\n.B paiban\n[\\fIoptions\\fR] \\fIINPUT.md\\fR|\\fIDIR\\fR|\\- ...\n"
        ".br\n.B paiban fonts\n[\\fIMANUSCRIPT.md\\fR|\\fIPROFILE\\fR]\n"
        ".br\n.B paiban watch\n[\\fB\\-o\\fR \\fIOUT.pdf\\fR] \\fIINPUT.md\\fR\n"
        ".SH DESCRIPTION\n"
        "paiban turns Markdown manuscripts with YAML front matter (Traditional or\n"
        "Simplified Chinese, English) into PDF books with Chinese typography\n"
        "(clreq line breaking, punctuation widths, Han\\(enLatin spacing).\n"
        "A directory argument stands for the *.md files in it.\n"
        ".SH OPTIONS\n",
        f);
  for (const pb_option_doc *o = pb_option_docs; o->names; o++) {
    fputs(".TP\n.B ", f);
    pb_roff(f, o->names, strlen(o->names));
    fputc('\n', f);
    pb_roff(f, o->help, strlen(o->help));
    fputc('\n', f);
  }
  pb_man_keys(f);
  fputs(".SH DIAGNOSTICS\nErrors and warnings go to standard error as\n"
        ".IR PATH : LINE : COL \": error: \" MESSAGE .\n"
        ".SH EXIT STATUS\n0 success, 1 a document had errors, 2 usage error.\n"
        ".SH ENVIRONMENT\n.TP\n.B PAIBAN_FONT_DIR\ndirectory of font profiles\n"
        ".TP\n.B SOURCE_DATE_EPOCH\ndate of the PDF when the front matter has none\n"
        ".SH FILES\n.I PREFIX/share/paiban/fonts/*.conf\nfont profiles\n",
        f);
}
