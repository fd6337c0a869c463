/* Unit tests for src/doc/settings.c: front matter + overrides → settings. */
#include "check.h"
#include "paiban/doc.h"
#include "paiban/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static pb_doc doc;
static pb_diags diags;
static pb_settings s;

/* Parses front-matter lines fm, then makes settings with ov. */
static pb_status settings(const char *fm, const pb_overrides *ov) {
  char src[1024];
  snprintf(src, sizeof src, "---\n%s\n---\n\n正文。\n", fm);
  pb_doc_free(&doc);
  pb_diags_free(&diags);
  pb_diags_init(&diags, "t.md");
  if (pb_doc_parse(src, strlen(src), "t.md", &doc, &diags) != PB_OK)
    return PB_ERR_INTERNAL; /* the front matter itself is wrong */
  return pb_settings_from_meta(&doc.meta, ov, &s, &diags);
}

static bool has_diag(uint32_t line, uint32_t col, const char *needle) {
  for (size_t i = 0; i < diags.count; i++)
    if (diags.items[i].pos.line == line && diags.items[i].pos.col == col &&
        strstr(diags.items[i].message, needle))
      return true;
  return false;
}

static void test_defaults(void) {
  CHECK_EQ_INT(settings("title: x", NULL), PB_OK);
  CHECK_EQ_STR(s.lang, "zh-Hant");
  CHECK_EQ_INT(s.script, PB_TEXT_HANT);
  CHECK_EQ_INT(s.profile, PB_PROFILE_PRINT);
  CHECK_EQ_INT(s.kinsoku, PB_KINSOKU_STRICT);
  CHECK_EQ_INT(s.punct, PB_PUNCT_HANT_CENTERED);
  CHECK_EQ_INT(s.font_size, PB_PT(10.5));
  CHECK_EQ_INT(s.measure_em, 30);
  CHECK_EQ_INT(s.bleed, PB_MM(3.0));
  CHECK_EQ_INT(s.date_epoch, -1);
  CHECK_EQ_INT(settings("lang: zh-Hans", NULL), PB_OK);
  CHECK_EQ_INT(s.kinsoku, PB_KINSOKU_STRICT);
  CHECK_EQ_INT(s.punct, PB_PUNCT_HANS_STANDARD);
  CHECK_EQ_INT(settings("lang: en-GB\nkinsoku: strict\nbleed: 0", NULL), PB_OK);
  CHECK_EQ_INT(s.punct, PB_PUNCT_NONE);
  CHECK_EQ_INT(s.kinsoku, PB_KINSOKU_STRICT);
  CHECK_EQ_INT(s.bleed, 0); /* 0 given is not "unset" */
  CHECK_EQ_STR(s.hyphen_dict, "hyph_en_GB.dic");
}

static void test_overrides(void) {
  /* --profile overrides the front matter without touching it. */
  pb_overrides ov = {.has_profile = true, .profile = PB_PROFILE_PRINT};
  CHECK_EQ_INT(settings("profile: ebook", &ov), PB_OK);
  CHECK_EQ_INT(s.profile, PB_PROFILE_PRINT);
  CHECK_EQ_INT(doc.meta.profile, PB_PROFILE_EBOOK);
  CHECK(s.bleed > 0);
  ov.profile = PB_PROFILE_EBOOK;
  CHECK_EQ_INT(settings("title: x", &ov), PB_OK);
  CHECK_EQ_INT(s.profile, PB_PROFILE_EBOOK);
  CHECK_EQ_INT(s.bleed, 0);
}

static void test_dates(void) {
  pb_overrides ov = {.source_date_epoch = "1700000000"};
  CHECK_EQ_INT(settings("title: x", &ov), PB_OK);
  CHECK_EQ_INT(s.date_epoch, 1700000000);
  /* The front matter's date wins; before 1970 is negative. */
  CHECK_EQ_INT(settings("date: 1969-07-20", &ov), PB_OK);
  CHECK_EQ_INT(s.date_epoch, -165 * 86400);
  CHECK_EQ_INT(settings("date: 2024-02-29", NULL), PB_OK);
  CHECK_EQ_INT(s.date_epoch, 19782LL * 86400);
  /* SOURCE_DATE_EPOCH that is not a whole number is an error. */
  const char *bad[] = {
      "abc", "12abc", "-5", "1.5", "99999999999999999999", "253402300800"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    ov.source_date_epoch = bad[i];
    CHECK_EQ_INT(settings("title: x", &ov), PB_ERR_INPUT);
    CHECK(has_diag(0, 0, "SOURCE_DATE_EPOCH must be a whole number"));
  }
  ov.source_date_epoch = "";
  CHECK_EQ_INT(settings("title: x", &ov), PB_OK);
  CHECK_EQ_INT(s.date_epoch, -1);
  ov.source_date_epoch = "253402300799";
  CHECK_EQ_INT(settings("title: x", &ov), PB_OK);
}

static void test_combinations(void) {
  CHECK_EQ_INT(settings("paper: A6\nmeasure: 200", NULL), PB_ERR_INPUT);
  CHECK(has_diag(3, 10, "wider than the paper"));
  CHECK_EQ_INT(settings("paper: A6\nfont-size: 72", NULL), PB_ERR_INPUT);
  CHECK(has_diag(3, 12, "no room for text"));
  /* A fonts profile that does not exist: at the manuscript's line. */
  char dir[] = "/tmp/pb-settings-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  pb_overrides ov = {.font_dir = dir};
  CHECK_EQ_INT(settings("title: x\nfonts: nosuch", &ov), PB_ERR_INPUT);
  CHECK(has_diag(3, 8, "font profile 'nosuch' not found"));
  char path[256];
  snprintf(path, sizeof path, "%s/mine.conf", dir);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) fclose(f);
  CHECK_EQ_INT(settings("fonts: mine", &ov), PB_OK);
  remove(path);
  snprintf(path, sizeof path, "%s/sub.conf", dir);
  CHECK(mkdir(path, 0700) == 0);
  CHECK_EQ_INT(settings("fonts: sub", &ov), PB_ERR_INPUT);
  CHECK(has_diag(2, 8, "not a regular file"));
  rmdir(path);
  rmdir(dir);
}

int main(void) {
  pb_diags_init(&diags, "t.md");
  test_defaults();
  test_overrides();
  test_dates();
  test_combinations();
  pb_doc_free(&doc);
  pb_diags_free(&diags);
  CHECK_DONE("settings");
}
