/* Unit tests for the pair rules of the break items (src/breakitems.c):
 * each test typesets a short paragraph with the real fonts of the default
 * profiles and looks at what stands between two given characters — the
 * glue (width, stretch, shrink in em) and whether a line may break there.
 * clreq-digest §1 (kinsoku), §3 (punctuation widths), §4 (Han–Latin),
 * §5 (Han–Han glue, last line). */
#include "check.h"
#include "lines/items.h"
#include "lines/justify.h"
#include "text/emphasis.h"
#include "text/shape.h"
#include "paiban/paiban.h"
#include "base/utf8.h"

#include <linebreak.h>
#include <math.h>
#include <stdlib.h>

typedef struct between {
  bool found;
  bool can_break;     /* a legal breakpoint between the two units */
  double width, stretch, shrink; /* glue between them, in em */
  double penalty_width;          /* width of a breakable penalty (hanging) */
  int penalty;                   /* the cost of that breakable penalty */
  double left_box, right_box;    /* widths of the two boxes, in em */
} between;

typedef struct fixture {
  pb_fontset *fs[3];
} fixture;

static fixture fx;

static pb_fontset *fonts_for(pb_script_kind k) {
  static const char *langs[3] = {"zh-Hant", "zh-Hans", "en"};
  if (!fx.fs[k]) {
    pb_diags d;
    pb_diags_init(&d, "test");
    (void)pb_fontset_load(NULL, NULL, langs[k], &fx.fs[k], &d);
    pb_diags_free(&d);
  }
  return fx.fs[k];
}

/* Typesets text (UTF-8) under the front matter `meta` lines and reports
 * what lies between the unit holding the first character of `left` (its
 * last character when `left` has several) and the next unit. */
static between probe(const char *meta, const char *text, size_t left_char) {
  between r = {0};
  char src[2048];
  snprintf(src, sizeof src, "---\n%s\n---\n\n%s\n", meta, text);
  pb_diags d;
  pb_diags_init(&d, "probe.md");
  pb_doc doc;
  pb_settings s;
  pb_shaper *sh = NULL;
  pb_para p = {0};
  pb_items items;
  pb_items_init(&items);
  if (pb_doc_parse(src, strlen(src), "probe.md", &doc, &d) != PB_OK ||
      doc.nblocks < 1 || pb_settings_from_meta(&doc.meta, NULL, &s, &d) != PB_OK)
    goto done;
  pb_fontset *fs = fonts_for(s.script);
  if (!fs || pb_shaper_new(fs, &s, &d, &sh) != PB_OK) goto done;
  init_linebreak();
  const pb_block *b = &doc.blocks[0];
  p = (pb_para){.text = b->text, .style = b->style, .pos = b->pos, .fnref = b->fnref,
                .len = b->len, .size = s.font_size, .role = PB_ROLE_BODY,
                .cjk_text = s.script != PB_TEXT_LATIN};
  pb_item_opts io = {.measure = s.measure, .kinsoku = s.kinsoku,
                     .hanging = s.hanging};
  bool added = false;
  if (pb_para_shape(sh, &p, &d) != PB_OK ||
      pb_para_hyphen_points(sh, &p, &d, &added) != PB_OK ||
      pb_para_items(&p, &io, &items, &d) != PB_OK)
    goto done;
  double em = s.font_size;
  /* Find the box of the unit containing left_char, then the next box. */
  size_t k = 0;
  for (; k < items.len; k++) {
    const pb_item *it = &items.v[k];
    if (it->kind == PB_ITEM_BOX && it->tag == PB_TAG_UNIT &&
        p.units[it->unit].c0 <= left_char && left_char < p.units[it->unit].c1)
      break;
  }
  if (k == items.len) goto done;
  r.left_box = items.v[k].width / em;
  for (size_t j = k + 1; j < items.len; j++) {
    const pb_item *it = &items.v[j];
    if (it->kind == PB_ITEM_BOX) {
      if (it->tag != PB_TAG_UNIT || (p.units[it->unit].flags & PB_UNIT_SPACE))
        continue;
      r.found = true;
      r.right_box = it->width / em;
      break;
    }
    if (it->kind == PB_ITEM_GLUE) {
      r.width += it->width / em;
      r.stretch += it->stretch / em;
      r.shrink += it->shrink / em;
      if (items.v[j - 1].kind == PB_ITEM_BOX) r.can_break = true;
    } else if (it->penalty < PB_INF) {
      r.can_break = true;
      r.penalty_width = it->width / em;
      r.penalty = it->penalty;
    }
  }
done:
  pb_shaper_free(sh);
  pb_items_free(&items);
  pb_para_free(&p);
  pb_doc_free(&doc);
  pb_diags_free(&d);
  return r;
}

#define NEAR(a, b) (fabs((a) - (b)) < 0.002)

static const char *hant = "lang: zh-Hant";
static const char *hans = "lang: zh-Hans";

/* §5: between two Han characters: breakable, no width, a little stretch,
 * no shrink (the grid). */
static void test_han_han(void) {
  between b = probe(hant, "中文字", 0);
  CHECK(b.found);
  CHECK(b.can_break);
  CHECK(NEAR(b.width, 0));
  CHECK(NEAR(b.stretch, 0.08));
  CHECK(NEAR(b.shrink, 0));
  CHECK(NEAR(b.left_box, 1.0));
}

/* §4: Han–Latin ¼ em (stretch to ½, shrink to ⅛), with or without a source
 * space, on both sides, and across emphasis markup. */
static void test_han_latin(void) {
  const char *cases[][2] = {{"在2024年", "在 2024 年"},
                            {"用OpenAI的", "用 OpenAI 的"}};
  for (int i = 0; i < 2; i++) {
    for (int v = 0; v < 2; v++) {
      between b = probe(hant, cases[i][v], 0);
      CHECK(b.found && b.can_break);
      CHECK(NEAR(b.width, 0.25));
      CHECK(NEAR(b.stretch, 0.25));
      CHECK(NEAR(b.shrink, 0.125));
    }
  }
  between after = probe(hant, "在 2024 年", 5); /* between 4 and 年 */
  CHECK(NEAR(after.width, 0.25));
  CHECK(!after.can_break); /* §1.1: a number keeps its unit */
  between emph = probe(hant, "中文*English*中文", 1);
  CHECK(NEAR(emph.width, 0.25));
  between latin_punct = probe(hant, "近 40% 的人", 4); /* % and 的 */
  CHECK(NEAR(latin_punct.width, 0.25));
}

/* No Han–Latin space next to full-width punctuation. */
static void test_punct_latin(void) {
  between b = probe(hant, "微軟（Microsoft）和", 2); /* （ and M */
  CHECK(b.found);
  CHECK(NEAR(b.width, 0));
  CHECK(!b.can_break); /* （ may not end a line */
  between c = probe(hant, "美國。OpenAI 的", 2);    /* 。 and O */
  CHECK(c.can_break);
  CHECK(c.width < 0.26); /* only the mark's own blank */
}

/* §3: Taiwan style: centred stop marks are ½ em of ink with ¼ em of blank
 * on each side, all of it shrinkable; brackets keep ½ em of blank outside. */
static void test_hant_widths(void) {
  between b = probe(hant, "中，文", 0); /* 中 and ， */
  CHECK(NEAR(b.right_box, 0.5));
  CHECK(NEAR(b.width, 0.25));
  CHECK(NEAR(b.shrink, 0.25));
  CHECK(!b.can_break); /* ， may not start a line */
  between a = probe(hant, "中，文字", 1); /* ， and 文 */
  CHECK(a.can_break);
  CHECK(NEAR(a.width, 0.25));
  between q = probe(hant, "中！文", 0); /* ！ keeps its full em in TW style */
  CHECK(NEAR(q.right_box, 1.0));
  CHECK(NEAR(q.width, 0));
}

/* §3: mainland style: corner marks give up their right half. */
static void test_hans_widths(void) {
  between b = probe(hans, "中，文字", 1);
  CHECK(NEAR(b.left_box, 0.5));
  CHECK(NEAR(b.width, 0.5));
  CHECK(NEAR(b.shrink, 0.5));
  CHECK(b.can_break);
  between q = probe(hans, "中！文", 1); /* GB: ！ adjustable too */
  CHECK(NEAR(q.left_box, 0.5));
}

/* §3 rule 1: two adjacent marks take 1.5 em, not 2. */
static void test_adjacent_marks(void) {
  /* Curly quotes in Chinese text are full-width marks like 「」 (§3). */
  const char *pairs[] = {"文」（文", "文）、文", "文。」文", "文」「文", "文、「文",
                         "文”，文", "文。”文", "文”“文", "文’”文", "文，“文"};
  const char *metas[] = {hant, hans};
  for (int m = 0; m < 2; m++)
    for (int i = 0; i < 10; i++) {
      between b = probe(metas[m], pairs[i], 1);
      CHECK(b.found);
      /* left blank of the first is in the gap before it; count the two
       * boxes and the gap between them, plus the outer blanks (≤ ½ em). */
      double inner = b.left_box + b.width + b.right_box;
      CHECK(inner <= 1.5 + 0.002);
      CHECK(inner >= 1.0 - 0.002);
    }
  /* An opening curly quote's blank is glue before it, so a line starting
   * with it loses the blank as one starting with 「 does (§3 rule 2). */
  for (int m = 0; m < 2; m++) {
    between q = probe(metas[m], "中“文字”好了", 0);
    CHECK(q.can_break && NEAR(q.width, 0.5) && NEAR(q.right_box, 0.5));
  }
  /* Adjacent closing marks cannot be split (」 may not start a line). */
  CHECK(!probe(hant, "文。」文", 1).can_break);
}

/* §1.1: kinsoku on both sides, unbreakable doubled marks, numbers. */
static void test_kinsoku_items(void) {
  CHECK(probe(hant, "他說「好」了嗎", 1).can_break);  /* before 「 */
  CHECK(!probe(hant, "他說「好」了嗎", 2).can_break); /* after 「 */
  CHECK(!probe(hant, "好」了", 0).can_break);       /* before 」 */
  CHECK(probe(hant, "好」了嗎", 1).can_break);      /* after 」 */
  CHECK(!probe(hant, "破折號——不", 3).can_break);   /* inside —— */
  CHECK(!probe(hant, "刪節號……也", 3).can_break);   /* inside …… */
  CHECK(!probe(hant, "約翰·史密斯", 1).can_break);  /* before · */
  CHECK(!probe(hant, "數值3.14是", 3).can_break);   /* inside 3.14 */
  CHECK(!probe(hant, "共8,100,000,000人", 2).can_break);
  CHECK(!probe(hant, "對GPT-4.5的", 4).can_break);  /* GPT-|4.5 */
  CHECK(!probe(hant, "有40％的", 2).can_break);     /* 40|％ */
  CHECK(!probe(hant, "是25℃的", 2).can_break);      /* 25|℃ */
  /* A number keeps the Han character that counts it, spaced or not. */
  CHECK(!probe(hant, "這座橋長 120 公尺長", 7).can_break); /* 120|公 */
  CHECK(!probe(hans, "来回5次后再说", 2).can_break);        /* 5|次 */
  CHECK(probe(hans, "来回5次后再说", 3).can_break);         /* 次|后 */
  CHECK(probe(hant, "共 250 人參加了", 0).can_break);       /* 共|250 */
  /* A range does not break at its dash. */
  CHECK(!probe(hant, "從1865—1869年間", 4).can_break); /* 1865|— */
  CHECK(!probe(hant, "從1865—1869年間", 5).can_break); /* —|1869 */
  CHECK(!probe(hant, "是7:00—9:00之間", 5).can_break);  /* 7:00|— */
  CHECK(!probe(hant, "是7:00—9:00之間", 6).can_break);  /* —|9:00 */
  /* The default level is strict: —— and …… never start a line; basic
   * allows it (clreq-digest §1.1). */
  CHECK(!probe(hant, "他說——不是", 1).can_break);       /* 說|—— */
  CHECK(!probe(hans, "他说……不是", 1).can_break);       /* 说|…… */
  CHECK(probe("lang: zh-Hant\nkinsoku: basic", "他說——不是", 1).can_break);
  CHECK(probe(hant, "他說——不是", 3).can_break);        /* ——|不 */
  /* Level none allows a break before a stop mark. */
  CHECK(probe("lang: zh-Hant\nkinsoku: none", "中，文字", 0).can_break);
}

/* §5: the last line of a Chinese paragraph is never one character (plus
 * its mark): no break before the final character. */
static void test_last_line(void) {
  CHECK(!probe(hant, "一二三四五六。", 4).can_break); /* 五|六。 */
  CHECK(probe(hant, "一二三四五六。", 3).can_break);  /* 四|五六。 */
}

/* English: word spaces from the font, stretch to ½ em, shrink a third;
 * hyphenation points are flagged penalties; no break inside "e.g." or a
 * number. */
static void test_english(void) {
  between b = probe("lang: en", "word space", 3);
  CHECK(b.can_break);
  CHECK(b.width > 0.2 && b.width < 0.35);
  CHECK(NEAR(b.width + b.stretch, 0.5) || b.stretch >= b.width / 2);
  CHECK(NEAR(b.shrink, b.width / 3));
  CHECK(probe("lang: en", "internationalization", 4).can_break ||
        probe("lang: en", "internationalization", 1).can_break);
  CHECK(!probe("lang: en", "see e.g. this", 4).can_break);     /* e.|g */
  CHECK(!probe("lang: en", "pi is 3.14159 here", 6).can_break); /* 3.|1 */
  CHECK(!probe("lang: en", "MacroPolo study", 4).can_break);  /* camelCase */
}

/* URLs break only after / . - and never leave a lone character. */
static void test_urls(void) {
  /* 看0 space1 h2 ... s6 :7 /8 /9 e10 ... e16 .17 o18 r19 g20 /21 a22
   * /23 b24 c25 /26 d27 */
  const char *u = "看 https://example.org/a/bc/d 吧好";
  CHECK(!probe(hant, u, 7).can_break);  /* https:|// */
  CHECK(!probe(hant, u, 8).can_break);  /* https:/|/ */
  CHECK(probe(hant, u, 9).can_break);   /* https://|example */
  CHECK(!probe(hant, u, 13).can_break); /* exam|ple: letters */
  CHECK(probe(hant, u, 17).can_break);  /* example.|org */
  CHECK(probe(hant, u, 23).can_break);  /* /a/|bc/d */
  CHECK(!probe(hant, u, 26).can_break); /* /bc/|d: d would be alone */
  CHECK(!probe(hant, "看 https://example.org 吧好", 4).can_break); /* htt|p */
  /* E-mail addresses likewise: after @ and ., never hyphenated. */
  const char *e = "write to research.department@university.example.edu now";
  CHECK(!probe("lang: en", e, 23).can_break); /* depart|ment */
  CHECK(probe("lang: en", e, 28).can_break);  /* department@|university */
  CHECK(probe("lang: en", e, 17).can_break);  /* research.|department */
  CHECK(!probe(hant, "寫信到 editor@example-press.org 詢問", 13).can_break); /* exam|ple */
}

/* §2/§3: the interpunct of names is 1 em in Taiwan style, ½ em in
 * mainland style, whatever the font's own advance; a break after it
 * inside a name costs a penalty. */
static void test_interpunct(void) {
  between t = probe(hant, "瑪麗·居禮夫人在巴黎", 1);
  CHECK(t.found && NEAR(t.right_box, 1.0) && NEAR(t.width, 0));
  between s = probe(hans, "玛丽·居里夫人在巴黎", 1);
  CHECK(s.found && NEAR(s.right_box, 0.5) && NEAR(s.width, 0));
  CHECK(!t.can_break); /* · never starts a line */
  between after = probe(hant, "瑪麗·居禮夫人在巴黎", 2);
  CHECK(after.can_break && after.penalty >= 500);
  CHECK(probe(hant, "瑪麗居禮夫人在巴黎", 1).penalty == 0);
}

/* A footnote mark sits tight against the character before it: no
 * Han–Latin glue, no break before it; after it the rules of that
 * character apply (no break before 。, Han–Han glue before Han). */
static void test_note_marks(void) {
  const char *t = "研究有關[^1]。另一項研究[^2]則認為是這樣\n\n[^1]: 甲。\n\n[^2]: 乙。";
  /* 研0 究1 有2 關3 ¹4 。5 另6 一7 項8 研9 究10 ²11 則12 */
  between before = probe(hant, t, 3);
  CHECK(before.found && NEAR(before.width, 0) && NEAR(before.stretch, 0) &&
        !before.can_break);
  between after = probe(hant, t, 4);
  CHECK(after.found && !after.can_break); /* ¹|。 */
  between han = probe(hant, t, 11);
  CHECK(han.found && NEAR(han.width, 0) && han.can_break); /* ²|則 */
  CHECK(NEAR(probe(hant, t, 10).width, 0));
  /* A note mark is no content for the last-line rule: 引|用¹。 */
  CHECK(!probe(hant, "都有人引用[^1]。\n\n[^1]: 甲。", 3).can_break);
}

/* Capitalised words in Chinese text (names) may be hyphenated, at a
 * penalty that only a loose line outweighs; camelCase names only at the
 * seam of their parts. */
static void test_capital_hyphens(void) {
  const char *t = "曾在微軟（Microsoft）和華為美國研究院任職";
  /* 曾0 在1 微2 軟3 （4 M5 i6 c7 r8 o9 s10 o11 f12 t13 ）14 */
  int found = 0;
  for (size_t k = 5; k < 13; k++) {
    between b = probe(hant, t, k);
    if (b.can_break) {
      found++;
      CHECK(b.penalty == 200 && b.penalty_width > 0.2);
    }
  }
  CHECK(found >= 1);
  between en = probe("lang: en", "the Microsoft company", 7); /* Micro|soft */
  CHECK(!en.can_break || en.penalty == 50);
  /* A camelCase name breaks only at its seam, Macro|Polo (曾0 在1 微2 軟3
   * （4 M5 a6 c7 r8 o9 P10 o11 l12 o13), at the same high penalty. */
  for (size_t k = 5; k < 13; k++) {
    between b = probe(hant, "曾在微軟（MacroPolo）和華為美國", k);
    CHECK(b.can_break == (k == 9));
    if (k == 9) CHECK(b.penalty == 200);
  }
  /* Never fewer than three letters before the seam or two after it, and
   * not in English text. */
  CHECK(!probe(hant, "用 iPhone 拍", 2).can_break);  /* 用0 _1 i2 P3 */
  CHECK(!probe("lang: en", "an ImageNet model", 7).can_break); /* Image|Net */
  CHECK(probe(hant, "在 ImageNet 上", 6).can_break);  /* 在0 _1 I2..e6 N7 */
}

/* §5 expansion order: word spaces and Han–Latin glue fill first, up to
 * their stretch; Han–Han glue takes only the rest. */
static void test_stretch_plan(void) {
  pb_items it;
  pb_items_init(&it);
  pb_item box = {.kind = PB_ITEM_BOX, .width = 100};
  pb_item hl = {.kind = PB_ITEM_GLUE, .width = 25, .stretch = 25, .tag = PB_TAG_HANLATIN};
  pb_item hh = {.kind = PB_ITEM_GLUE, .stretch = 8, .tag = PB_TAG_CJKGLUE};
  pb_items_push(&it, box);
  pb_items_push(&it, hl);
  pb_items_push(&it, box);
  for (int k = 0; k < 5; k++) {
    pb_items_push(&it, hh);
    pb_items_push(&it, box);
  }
  /* Stretch: Han–Latin 25 (first stage: a third of it), Han–Han 40. */
  pb_stretch_plan a = pb_plan_stretch(&it, 0, it.len, 6.0 / 65); /* shortfall 6 */
  CHECK(fabs(a.r1 - 6.0 / (25.0 / 3)) < 1e-9 && a.r2 == 0 && a.cjk_extra == 0);
  CHECK(fabs(pb_plan_extra(&a, &hl) - 6) < 1e-9 && pb_plan_extra(&a, &hh) == 0);
  pb_stretch_plan h = pb_plan_stretch(&it, 0, it.len, 13.0 / 65); /* past ⅓ em */
  CHECK(h.r1 == 1 && h.r2 > 0 && pb_plan_extra(&h, &hh) > 0);
  pb_stretch_plan b = pb_plan_stretch(&it, 0, it.len, 1.0); /* shortfall 65 */
  CHECK(b.r1 == 1 && fabs(b.r2 - 1) < 1e-9 && b.hanlatin_width == 50 && b.cjk_extra == 8);
  pb_stretch_plan c = pb_plan_stretch(&it, 0, it.len, -0.5); /* shrink */
  CHECK(c.r1 == -0.5 && c.r2 == -0.5);
  pb_items_free(&it);
}

/* Only ordinary spaces vanish between Han characters: U+3000 is a 1-em
 * space (a breakpoint), U+00A0 a space no line breaks at. */
static void test_special_spaces(void) {
  between ideo = probe(hant, "第一節\u3000標點與引號", 2);
  CHECK(ideo.found && NEAR(ideo.width, 1.0) && NEAR(ideo.stretch, 0) &&
        ideo.can_break);
  between nb = probe(hant, "甲乙\u00A0丙丁戊己", 1);
  CHECK(nb.found && nb.width > 0.2 && nb.width < 0.4 && !nb.can_break);
  between plain = probe(hant, "甲乙 丙丁戊己", 1);
  CHECK(plain.found && NEAR(plain.width, 0) && plain.can_break);
  between latin = probe("lang: en", "Mr.\u00A0Smith went", 2);
  CHECK(latin.found && latin.width > 0.2 && !latin.can_break);
}

/* English in a measure under 24 em is ragged right unless the front
 * matter says otherwise; Chinese and wide measures are justified. */
static void test_ragged_default(void) {
  static const struct { const char *meta; bool ragged; } cases[] = {
      {"lang: en\nprofile: ebook", true},
      {"lang: en", false},
      {"lang: en\nprofile: ebook\nragged-right: false", false},
      {"lang: en\nragged-right: true", true},
      {"lang: zh-Hant\nprofile: ebook", false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char src[256];
    snprintf(src, sizeof src, "---\n%s\n---\n\nText.\n", cases[i].meta);
    pb_diags d;
    pb_diags_init(&d, "r.md");
    pb_doc doc;
    pb_settings s;
    CHECK(pb_doc_parse(src, strlen(src), "r.md", &doc, &d) == PB_OK &&
          pb_settings_from_meta(&doc.meta, NULL, &s, &d) == PB_OK &&
          s.ragged_right == cases[i].ragged);
    pb_doc_free(&doc);
    pb_diags_free(&d);
  }
}

/* Emphasis dots keep emphasised Han in the body face; Latin emphasis is
 * italic either way; Kai stays for `emphasis: kai`. */
static void test_emphasis_role(void) {
  pb_settings s = {.emphasis = PB_EMPHASIS_DOTS};
  CHECK(pb_face_role(&s, PB_ROLE_EMPH, PB_PREF_CJK, false) == PB_ROLE_BODY);
  CHECK(pb_face_role(&s, PB_ROLE_EMPH, PB_PREF_LATIN, false) == PB_ROLE_EMPH);
  CHECK(pb_face_role(&s, PB_ROLE_STRONG, PB_PREF_CJK, false) == PB_ROLE_STRONG);
  s.emphasis = PB_EMPHASIS_KAI;
  CHECK(pb_face_role(&s, PB_ROLE_EMPH, PB_PREF_CJK, false) == PB_ROLE_EMPH);
  /* A Chinese quotation: Kai, its emphasis in the body face; Latin roman. */
  CHECK(pb_face_role(&s, PB_ROLE_BODY, PB_PREF_CJK, true) == PB_ROLE_EMPH);
  CHECK(pb_face_role(&s, PB_ROLE_EMPH, PB_PREF_CJK, true) == PB_ROLE_BODY);
  CHECK(pb_face_role(&s, PB_ROLE_BODY, PB_PREF_LATIN, true) == PB_ROLE_BODY);
  CHECK(pb_face_role(&s, PB_ROLE_CODE, PB_PREF_CJK, true) == PB_ROLE_CODE);
}

/* Optional hanging: a break after 、，。 whose negative width hangs the
 * mark's ink. */
static void test_hanging(void) {
  between b = probe("lang: zh-Hant\nhanging: true", "中，文字", 1);
  CHECK(b.can_break);
  CHECK(b.penalty_width < -0.4);
  CHECK(NEAR(probe(hant, "中，文字", 1).penalty_width, 0));
}

int main(void) {
  test_han_han();
  test_han_latin();
  test_punct_latin();
  test_hant_widths();
  test_hans_widths();
  test_adjacent_marks();
  test_kinsoku_items();
  test_last_line();
  test_english();
  test_urls();
  test_hanging();
  test_interpunct();
  test_note_marks();
  test_special_spaces();
  test_capital_hyphens();
  test_stretch_plan();
  test_ragged_default();
  test_emphasis_role();
  for (int i = 0; i < 3; i++) pb_fontset_free(fx.fs[i]);
  CHECK_DONE("items");
}
