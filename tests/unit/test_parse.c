/* Unit tests for src/parse.c: Markdown + front matter into pb_doc. */
#include "check.h"
#include "paiban/doc.h"
#include "base/utf8.h"

#include <stdlib.h>

static pb_doc doc;
static pb_diags diags;

typedef pb_status (*parser)(const char *, size_t, const char *, pb_doc *, pb_diags *);

/* Parses s (n bytes) with fn into the globals, freeing the previous ones. */
static pb_status parse_with(parser fn, const char *s, size_t n) {
  pb_doc_free(&doc);
  pb_diags_free(&diags);
  pb_diags_init(&diags, "t.md");
  return fn(s, n, "t.md", &doc, &diags);
}
static pb_status parse_n(const char *s, size_t n) { return parse_with(pb_doc_parse, s, n); }
static pb_status parse(const char *s) { return parse_n(s, strlen(s)); }

/* Block i's text as UTF-8 (U+2028 shown as "<BR>"), in a static buffer. */
static const char *text(size_t i) {
  static char out[4096];
  if (i >= doc.nblocks)
    return "(no such block)";
  size_t o = 0;
  const pb_block *b = &doc.blocks[i];
  for (size_t j = 0; j < b->len && o + 8 < sizeof out; j++) {
    if (b->text[j] == 0x2028) {
      memcpy(out + o, "<BR>", 4);
      o += 4;
    } else {
      o += pb_utf8_encode(b->text[j], out + o);
    }
  }
  out[o] = '\0';
  return out;
}

/* Index of the first character of block i equal to cp, or -1. */
static long find_char(size_t i, uint32_t cp) {
  if (i >= doc.nblocks)
    return -1;
  for (size_t j = 0; j < doc.blocks[i].len; j++)
    if (doc.blocks[i].text[j] == cp)
      return (long)j;
  return -1;
}

/* Position of the first cp in block i, as line * 1000 + col (0 if none). */
static long pos_of(size_t i, uint32_t cp) {
  long j = find_char(i, cp);
  if (j < 0)
    return 0;
  pb_pos p = doc.blocks[i].pos[j];
  return (long)p.line * 1000 + p.col;
}

/* Does a diagnostic of severity sev at line:col contain needle? */
static bool has_diag(pb_severity sev, uint32_t line, uint32_t col,
                     const char *needle) {
  for (size_t i = 0; i < diags.count; i++) {
    const pb_diag *d = &diags.items[i];
    if (d->severity == sev && (line == 0 || d->pos.line == line) &&
        (col == 0 || d->pos.col == col) && strstr(d->message, needle))
      return true;
  }
  return false;
}

static void dump_diags(void) {
  for (size_t i = 0; i < diags.count; i++) {
    char buf[512];
    pb_diag_format(&diags.items[i], buf, sizeof buf);
    fprintf(stderr, "  diag: %s\n", buf);
  }
}

static void test_whitespace(void) {
  /* An essay paragraph wrapped across lines: no spaces between CJK. */
  CHECK_EQ_INT(parse("我們在這裡討論排版，\n"
                     "特別是中文的排版。\n"
                     "  行首的空白也不算。\n"),
               PB_OK);
  CHECK_EQ_INT(doc.nblocks, 1);
  CHECK_EQ_STR(text(0),
               "我們在這裡討論排版，特別是中文的排版。行首的空白也不算。");

  parse("在 2024 年出版\n");
  CHECK_EQ_STR(text(0), "在 2024 年出版");
  parse("中 *文*\n");
  CHECK_EQ_STR(text(0), "中文");
  parse("*中* 文\n");
  CHECK_EQ_STR(text(0), "中文");
  parse("中\n文\n");
  CHECK_EQ_STR(text(0), "中文");
  parse("中文\nEnglish\n");
  CHECK_EQ_STR(text(0), "中文 English");
  parse("one   two\t three\nfour  \n");
  CHECK_EQ_STR(text(0), "one two three four");
  parse("   lead and trail   \n");
  CHECK_EQ_STR(text(0), "lead and trail");
  parse("「引號」 和 （括號）\n");
  CHECK_EQ_STR(text(0), "「引號」和（括號）");
  parse("他說：“好”\n然後走了——\n就這樣\n");
  CHECK_EQ_STR(text(0), "他說：“好”然後走了——就這樣");
  parse("한국어 문장\n");
  CHECK_EQ_STR(text(0), "한국어 문장");
  /* Hard breaks, both kinds. */
  parse("第一行  \n第二行\\\n third\n");
  CHECK_EQ_STR(text(0), "第一行<BR>第二行<BR>third");
}

static void test_styles(void) {
  parse("a *em* **st** `co de` ~~del~~ b\n");
  CHECK_EQ_STR(text(0), "a em st co de del b");
  const pb_block *b = &doc.blocks[0];
  CHECK_EQ_INT(b->style[0], 0);
  CHECK_EQ_INT(b->style[2], PB_STYLE_EMPH);
  CHECK_EQ_INT(b->style[5], PB_STYLE_STRONG);
  CHECK_EQ_INT(b->style[8], PB_STYLE_CODE);
  CHECK_EQ_INT(b->style[10], PB_STYLE_CODE); /* the space inside the span */
  CHECK_EQ_INT(b->style[14], PB_STYLE_STRIKE);
  CHECK_EQ_INT(b->style[18], 0);
  parse("1~2 和 3~4\n"); /* a single tilde is a range, not strikethrough */
  CHECK_EQ_STR(text(0), "1~2 和 3~4");
  CHECK_EQ_INT(doc.blocks[0].style[2], 0);
  parse("***both***\n");
  CHECK_EQ_INT(doc.blocks[0].style[0], PB_STYLE_EMPH | PB_STYLE_STRONG);
  /* Escapes and entities. */
  parse("\\*not em\\* &amp; &#x4E2D;\n");
  CHECK_EQ_STR(text(0), "*not em* & 中");
  CHECK_EQ_INT(doc.blocks[0].style[0], 0);
  /* Images give their alt text. */
  parse("看 ![一張*圖*](a.png) 吧\n");
  CHECK_EQ_STR(text(0), "看一張圖吧");
  /* Raw HTML is dropped with a warning. */
  CHECK_EQ_INT(parse("a <b>bold</b> c\n"), PB_OK);
  CHECK_EQ_STR(text(0), "a bold c");
  CHECK(has_diag(PB_SEV_WARNING, 1, 3, "raw HTML"));
  CHECK(has_diag(PB_SEV_WARNING, 1, 10, "raw HTML"));
  CHECK_EQ_INT(parse("<div>\nblock\n</div>\n\n<!-- a comment -->\n\ntext\n"),
               PB_OK);
  CHECK_EQ_INT(doc.nblocks, 1);
  CHECK_EQ_STR(text(0), "text");
  CHECK(has_diag(PB_SEV_WARNING, 1, 1, "raw HTML block"));
  CHECK_EQ_INT(diags.count, 1); /* not for the comment */
}

static void test_links(void) {
  parse("見 [網站](https://example.org/a \"t\") 與 <https://b.example> 及 "
        "[再一次](https://example.org/a)\n");
  CHECK_EQ_STR(text(0), "見網站與 https://b.example 及再一次");
  CHECK_EQ_INT(doc.nlinks, 3);
  CHECK_EQ_STR(doc.links[0], "https://example.org/a");
  CHECK_EQ_STR(doc.links[1], "https://b.example");
  const pb_block *b = &doc.blocks[0];
  CHECK_EQ_INT(b->link[0], 0);
  CHECK_EQ_INT(b->link[1], 1);
  CHECK_EQ_INT(b->link[2], 1);
  CHECK_EQ_INT(b->style[1], PB_STYLE_LINK);
  CHECK_EQ_INT(b->link[3], 0);
  long j = find_char(0, 'h');
  CHECK_EQ_INT(b->link[j], 2);
  CHECK_EQ_INT(b->link[b->len - 1], 3);
  /* Reference-style link. */
  parse("[text][r]\n\n[r]: http://r.example\n");
  CHECK_EQ_INT(doc.nblocks, 1);
  CHECK_EQ_INT(doc.nlinks, 1);
  CHECK_EQ_STR(doc.links[0], "http://r.example");
  /* Bare URLs and e-mail addresses become links (cmark-gfm autolink);
   * one running into Chinese text ends at the first CJK character. */
  parse("見 https://a.example/x 或 editor@b.example 及 www.c.example。\n");
  CHECK_EQ_INT(doc.nlinks, 3);
  CHECK_EQ_STR(doc.links[0], "https://a.example/x");
  CHECK_EQ_STR(doc.links[1], "mailto:editor@b.example");
  CHECK_EQ_STR(doc.links[2], "http://www.c.example");
  parse("詳見https://a.example/x詳情，謝謝。\n");
  CHECK_EQ_INT(doc.nlinks, 1);
  CHECK_EQ_STR(doc.links[0], "https://a.example/x");
  CHECK_EQ_STR(text(0), "詳見https://a.example/x詳情，謝謝。");
  CHECK_EQ_INT(doc.blocks[0].link[find_char(0, 0x60C5)], 0); /* 情 */
  CHECK_EQ_INT(doc.blocks[0].link[find_char(0, 0x78)], 1);  /* x */
}

static void test_blocks(void) {
  parse("# 第一章\n\n## Two ##\n\nSetext\n======\n\n***\n\n```c\nint x;\n"
        "  y\n```\n\n    indented\n");
  CHECK_EQ_INT(doc.nblocks, 6);
  CHECK_EQ_INT(doc.blocks[0].kind, PB_BLOCK_HEADING);
  CHECK_EQ_INT(doc.blocks[0].level, 1);
  CHECK_EQ_STR(text(0), "第一章");
  CHECK_EQ_INT(doc.blocks[1].level, 2);
  CHECK_EQ_STR(text(1), "Two");
  CHECK_EQ_INT(doc.blocks[2].kind, PB_BLOCK_HEADING);
  CHECK_EQ_INT(doc.blocks[2].level, 1);
  CHECK_EQ_INT(doc.blocks[3].kind, PB_BLOCK_THEMATIC_BREAK);
  CHECK_EQ_INT(doc.blocks[3].len, 0);
  CHECK_EQ_INT(doc.blocks[3].start.line, 8);
  CHECK_EQ_INT(doc.blocks[4].kind, PB_BLOCK_CODE);
  CHECK_EQ_STR(text(4), "int x;\n  y");
  CHECK_EQ_INT(doc.blocks[4].style[0], PB_STYLE_CODE);
  CHECK_EQ_INT(doc.blocks[4].pos[0].line, 11);
  CHECK_EQ_INT(doc.blocks[4].pos[0].col, 1);
  CHECK_EQ_INT(pos_of(4, 'y'), 12003);
  CHECK_EQ_INT(doc.blocks[5].kind, PB_BLOCK_CODE);
  CHECK_EQ_STR(text(5), "indented");
  CHECK_EQ_INT(pos_of(5, 'i'), 15005);

  /* Block quotes. */
  parse("> 一\n>\n> > 二\n\n三\n");
  CHECK_EQ_INT(doc.nblocks, 3);
  CHECK_EQ_INT(doc.blocks[0].quote_depth, 1);
  CHECK_EQ_INT(doc.blocks[1].quote_depth, 2);
  CHECK_EQ_STR(text(1), "二");
  CHECK_EQ_INT(pos_of(1, 0x4E8C), 3005);
  CHECK_EQ_INT(doc.blocks[2].quote_depth, 0);

  /* Lists. */
  parse("- a\n  - b\n\n    b2\n- c\n\n3. x\n4. y\n-\n");
  CHECK_EQ_INT(doc.nblocks, 7);
  CHECK_EQ_STR(text(0), "a");
  CHECK_EQ_INT(doc.blocks[0].list_depth, 1);
  CHECK(doc.blocks[0].list_item_start);
  CHECK(!doc.blocks[0].list_ordered);
  CHECK_EQ_INT(doc.blocks[1].list_depth, 2);
  CHECK(doc.blocks[1].list_item_start);
  CHECK_EQ_STR(text(2), "b2");
  CHECK_EQ_INT(doc.blocks[2].list_depth, 2);
  CHECK(!doc.blocks[2].list_item_start);
  CHECK_EQ_INT(doc.blocks[3].list_depth, 1);
  CHECK(doc.blocks[3].list_item_start);
  CHECK(doc.blocks[4].list_ordered);
  CHECK_EQ_INT(doc.blocks[4].list_number, 3);
  CHECK_EQ_INT(doc.blocks[5].list_number, 4);
  /* The empty item still has a block for its marker. */
  CHECK_EQ_INT(doc.blocks[6].len, 0);
  CHECK(doc.blocks[6].list_item_start);
  CHECK_EQ_INT(doc.blocks[6].start.line, 9);

  /* A list inside a quote. */
  parse("> 1. 甲\n");
  CHECK_EQ_INT(doc.blocks[0].quote_depth, 1);
  CHECK_EQ_INT(doc.blocks[0].list_depth, 1);
  CHECK_EQ_INT(doc.blocks[0].list_number, 1);
}

static void test_footnotes(void) {
  CHECK_EQ_INT(parse("正文[^b]，再一個[^a]。\n\n[^a]: 註甲\n\n[^b]: 註乙\n"
                     "    第二行\n\n後文\n"),
               PB_OK);
  CHECK_EQ_INT(doc.nblocks, 4);
  CHECK_EQ_STR(text(0), "正文1，再一個2。");
  const pb_block *b = &doc.blocks[0];
  long j = find_char(0, '1');
  CHECK_EQ_INT(b->style[j], PB_STYLE_FNREF);
  CHECK_EQ_INT(b->fnref[j], 1);
  CHECK_EQ_INT(b->pos[j].line, 1);
  CHECK_EQ_INT(b->pos[j].col, 3); /* the '[' */
  CHECK_EQ_INT(b->fnref[find_char(0, '2')], 2);
  CHECK_EQ_INT(b->fnref[0], 0);
  CHECK_EQ_STR(text(1), "後文");
  /* Definitions come after the body, in the order of their numbers. */
  CHECK_EQ_INT(doc.blocks[2].kind, PB_BLOCK_FOOTNOTE);
  CHECK_EQ_INT(doc.blocks[2].footnote_index, 1);
  CHECK_EQ_STR(text(2), "註乙第二行");
  CHECK_EQ_INT(pos_of(2, 0x7B2C), 6005); /* 第 */
  CHECK_EQ_INT(doc.blocks[3].footnote_index, 2);
  CHECK_EQ_STR(text(3), "註甲");
  CHECK_EQ_INT(doc.blocks[3].start.line, 3);
  /* A footnote mark attaches to CJK text even across a line break. */
  parse("中文[^n]\n接著\n\n[^n]: x\n");
  CHECK_EQ_STR(text(0), "中文1接著");
  /* An undefined reference stays as text. */
  parse("a[^zz] b\n");
  CHECK_EQ_STR(text(0), "a[^zz] b");
}

static void test_positions(void) {
  parse("ab 中文 *x*\n  [連結](u) é\n");
  CHECK_EQ_INT(pos_of(0, 'a'), 1001);
  CHECK_EQ_INT(pos_of(0, 0x6587), 1005); /* 文 after the multi-byte 中 */
  CHECK_EQ_INT(pos_of(0, 'x'), 1008);
  CHECK_EQ_INT(pos_of(0, 0x9023), 2004); /* 連 */
  CHECK_EQ_INT(pos_of(0, 0xE9), 2011);   /* é */
  CHECK_EQ_INT(doc.blocks[0].start.line, 1);
  CHECK_EQ_INT(doc.blocks[0].start.col, 1);

  /* With front matter: lines count in the whole file. */
  parse("---\ntitle: 書\n---\n\n# 標題\n\n段落，\n第二行。\n");
  CHECK_EQ_INT(doc.body_line, 4);
  CHECK_EQ_INT(doc.blocks[0].start.line, 5);
  CHECK_EQ_INT(pos_of(0, 0x984C), 5004); /* 題 */
  CHECK_EQ_INT(pos_of(1, 0x7B2C), 8001); /* 第 */
  CHECK_EQ_INT(pos_of(1, 0x3002), 8004); /* 。 */

  /* BOM: columns start after it; CRLF and CR line ends. */
  CHECK_EQ_INT(parse("\xEF\xBB\xBF"
                     "ab\r\n中文\rc\r\n"),
               PB_OK);
  CHECK_EQ_STR(text(0), "ab 中文 c");
  CHECK_EQ_INT(pos_of(0, 'a'), 1001);
  CHECK_EQ_INT(pos_of(0, 0x6587), 2002);
  CHECK_EQ_INT(pos_of(0, 'c'), 3001);
  CHECK_EQ_INT(parse("\xEF\xBB\xBF---\r\nlang: en\r\n---\r\n\r\nhi\r\n"),
               PB_OK);
  CHECK_EQ_STR(doc.meta.lang, "en");
  CHECK_EQ_INT(pos_of(0, 'h'), 5001);
}

static void test_front_matter(void) {
  CHECK_EQ_INT(parse("---\ntitle: 我的書\nsubtitle: 副\nauthor: 某人\n"
                     "date: 2024-01-02\nlang: zh-hant\npaper: a5\n"
                     "font-size: 10.5pt\nline-pitch: 1.75\nmeasure: 40\n"
                     "kinsoku: strict\npunctuation: hant-centered\n"
                     "hanging: yes\nprofile: ebook\nfonts: my.font_1-x\n"
                     "...\n正文\n"),
               PB_OK);
  dump_diags();
  pb_meta *m = &doc.meta;
  CHECK_EQ_STR(m->title, "我的書");
  CHECK_EQ_INT(m->title_pos.line, 2);
  CHECK_EQ_INT(m->title_pos.col, 8);
  CHECK_EQ_STR(m->subtitle, "副");
  CHECK_EQ_STR(m->author, "某人");
  CHECK(m->date.year == 2024 && m->date.month == 1 && m->date.day == 2);
  CHECK_EQ_STR(m->lang, "zh-hant");
  CHECK_EQ_INT(m->paper, PB_PAPER_A5);
  CHECK_EQ_INT(m->paper_pos.line, 7);
  CHECK(m->font_size == 10.5);
  CHECK(m->line_pitch == 1.75);
  CHECK_EQ_INT(m->measure, 40);
  CHECK_EQ_INT(m->kinsoku, PB_KINSOKU_STRICT);
  CHECK_EQ_INT(m->punctuation, PB_PUNCT_HANT_CENTERED);
  CHECK(pb_meta_has(m, PB_KEY_HANGING) && m->hanging);
  CHECK_EQ_INT(m->profile, PB_PROFILE_EBOOK);
  CHECK_EQ_STR(m->fonts, "my.font_1-x");
  CHECK_EQ_STR(text(0), "正文");
  CHECK_EQ_INT(doc.body_line, 17);

  /* epub-fonts: embed | none, unset by default. */
  CHECK_EQ_INT(parse("---\nepub-fonts: none\n---\n"), PB_OK);
  CHECK_EQ_INT(doc.meta.epub_fonts, PB_EPUB_FONTS_NONE);
  CHECK_EQ_INT(parse("---\nepub-fonts: Embed\n---\n"), PB_OK);
  CHECK_EQ_INT(doc.meta.epub_fonts, PB_EPUB_FONTS_EMBED);
  CHECK(pb_meta_has(&doc.meta, PB_KEY_EPUB_FONTS));

  parse("正文\n");
  CHECK(!pb_meta_has(&doc.meta, PB_KEY_HANGING));
  CHECK(!pb_meta_has(&doc.meta, PB_KEY_EPUB_FONTS));
  CHECK_EQ_INT(doc.meta.epub_fonts, PB_EPUB_FONTS_EMBED);
  CHECK(!pb_meta_has(&doc.meta, PB_KEY_RAGGED_RIGHT));
  parse("---\nragged-right: true\n---\n");
  CHECK(pb_meta_has(&doc.meta, PB_KEY_RAGGED_RIGHT) && doc.meta.ragged_right);
  parse("---\nragged-right: no\n---\n");
  CHECK(pb_meta_has(&doc.meta, PB_KEY_RAGGED_RIGHT) && !doc.meta.ragged_right);
  CHECK(doc.meta.title == NULL);

  /* Empty front matter, empty file, front matter only. */
  CHECK_EQ_INT(parse("---\n---\n"), PB_OK);
  CHECK_EQ_INT(doc.nblocks, 0);
  CHECK_EQ_INT(parse(""), PB_OK);
  CHECK_EQ_INT(doc.nblocks, 0);
  CHECK_EQ_INT(diags.count, 0);
  CHECK_EQ_INT(parse("---\ntitle: x\n---\n"), PB_OK);
  CHECK_EQ_INT(doc.nblocks, 0);
  CHECK_EQ_INT(parse("\n\n"), PB_OK);
  CHECK_EQ_INT(doc.nblocks, 0);

  /* Unknown keys warn. */
  CHECK_EQ_INT(parse("---\ncolour: red\ntitle: x\n---\nhi\n"), PB_OK);
  CHECK(has_diag(PB_SEV_WARNING, 2, 1, "unknown front-matter key 'colour'"));
  CHECK_EQ_STR(doc.meta.title, "x");
  /* Keys are case-sensitive. */
  CHECK_EQ_INT(parse("---\nTitle: x\n---\n"), PB_OK);
  CHECK(has_diag(PB_SEV_WARNING, 2, 1, "'Title'"));
}

static void test_front_matter_errors(void) {
  CHECK_EQ_INT(parse("---\ntitle: x\n\nbody\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 1, 1, "no closing '---'"));
  CHECK_EQ_INT(doc.nblocks, 0);

  CHECK_EQ_INT(parse("---\ntitle: x\nlang: [zh\n---\nbody\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 4, 0, "invalid YAML"));
  CHECK_EQ_INT(parse("---\n標題: a: b\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 6, "invalid YAML")); /* col in chars */

  CHECK_EQ_INT(parse("---\n- a\n- b\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 1, "must be a mapping"));
  CHECK_EQ_INT(parse("---\njust text\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 1, "must be a mapping"));

  CHECK_EQ_INT(parse("---\nfont-size: -3\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 12, "'font-size'"));
  CHECK(doc.meta.font_size == 0);
  CHECK_EQ_INT(parse("---\nfont-size: 73\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\nfont-size: big\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\nfont-size: 12\n---\n"), PB_OK);
  CHECK(doc.meta.font_size == 12);
  CHECK_EQ_INT(parse("---\npaper: A3\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 8, "unknown value 'A3' for 'paper'"));
  CHECK_EQ_INT(parse("---\nlang: fr\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 7, "unknown language 'fr' in 'lang'"));
  CHECK_EQ_INT(parse("---\ntitle: a\nlang: en\ntitle: b\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 4, 1, "duplicate front-matter key 'title'"));
  CHECK_EQ_INT(parse("---\nauthor:\n  - a\n  - b\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 3, 3, "key 'author' must be a single value"));
  CHECK_EQ_INT(parse("---\nline-pitch: 0.5\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\nmeasure: 300\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\nkinsoku: loose\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\npunctuation: x\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\nhanging: maybe\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\nragged-right: left\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\nprofile: web\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\nepub-fonts: woff\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 13, "unknown value 'woff' for 'epub-fonts'"));
  CHECK_EQ_INT(parse("---\nfonts: ../x\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\ntitle: \"a\\x07b\"\n---\n"), PB_ERR_INPUT);
  /* A null value leaves the setting unset. */
  CHECK_EQ_INT(parse("---\nsubtitle:\npaper: ~\n---\n"), PB_OK);
  CHECK(doc.meta.subtitle == NULL);
  CHECK(!pb_meta_has(&doc.meta, PB_KEY_PAPER));
  /* Deeply nested flow collections are refused before libyaml sees them. */
  char fm[400] = "---\nx: ";
  for (int i = 0; i < 200; i++)
    strcat(fm, "[");
  strcat(fm, "\n---\n");
  CHECK_EQ_INT(parse(fm), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 68, "nested too deeply"));
  /* Several errors are all reported; the body is still read. */
  CHECK_EQ_INT(parse("---\npaper: Q\nlang: q\n---\ntext\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(diags.errors, 2);
  CHECK_EQ_STR(text(0), "text");
}

/* Typed values: each checked once, at its position (issues 9, 12). */
static void test_front_matter_values(void) {
  /* Dates that do not exist are errors at the value. */
  CHECK_EQ_INT(parse("---\ndate: 2024-13-05\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 7, "'date' must be a date that exists"));
  CHECK(!pb_meta_has(&doc.meta, PB_KEY_DATE));
  CHECK_EQ_INT(parse("---\ndate: 2024-02-30\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 7, "2024-02-30"));
  CHECK_EQ_INT(parse("---\ndate: 2024-02-31\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\ndate: 2023-02-29\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\ndate: 2024-1-2\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 7, "YYYY-MM-DD"));
  CHECK_EQ_INT(parse("---\ndate: 0000-01-01\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse("---\ndate: 2024-02-29\n---\n"), PB_OK);
  CHECK(pb_meta_has(&doc.meta, PB_KEY_DATE) && doc.meta.date.day == 29);
  /* Before 1970 is a date like any other. */
  CHECK_EQ_INT(parse("---\ndate: 1969-07-20\n---\n"), PB_OK);
  CHECK(doc.meta.date.year == 1969 && doc.meta.date.month == 7);
  CHECK_EQ_INT(doc.meta.date_pos.line, 2);

  /* Numbers: out of range, NaN- or inf-like digit strings are errors with
   * the allowed range, never the default. */
  CHECK_EQ_INT(parse("---\nfont-size: 0.0000000001\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 12, "from 4 to 72 pt"));
  CHECK_EQ_INT(parse("---\nfont-size: 1e10\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 12, "from 4 to 72 pt"));
  char big[900] = "---\nbleed: ";
  for (int i = 0; i < 400; i++) strcat(big, "9");
  strcat(big, ".");
  for (int i = 0; i < 400; i++) strcat(big, "0");
  strcat(big, "\n---\n");
  CHECK_EQ_INT(parse(big), PB_ERR_INPUT); /* inf / inf = NaN before */
  CHECK(has_diag(PB_SEV_ERROR, 2, 8, "'bleed' must be a number from 0 to 20"));
  CHECK(!pb_meta_has(&doc.meta, PB_KEY_BLEED));
  strcpy(big, "---\nbleed: 1.");
  for (int i = 0; i < 400; i++) strcat(big, "0");
  strcat(big, "\n---\n");
  CHECK_EQ_INT(parse(big), PB_OK); /* long, but 1 mm */
  CHECK(doc.meta.bleed == 1.0);
  CHECK_EQ_INT(parse("---\nbleed: 0\n---\n"), PB_OK);
  CHECK(pb_meta_has(&doc.meta, PB_KEY_BLEED) && doc.meta.bleed == 0);
  CHECK_EQ_INT(parse("---\nmeasure: 30.5\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 10, "whole number from 5 to 200"));

  /* Enum values are stored typed, in canonical form. */
  CHECK_EQ_INT(parse("---\nlang: zh-CN\npaper: LETTER\nconvert: S2T\n"
                     "derive-from: a.md\n---\n"),
               PB_OK);
  CHECK_EQ_INT(doc.meta.script, PB_TEXT_HANS);
  CHECK_EQ_INT(doc.meta.paper, PB_PAPER_LETTER);
  CHECK_EQ_STR(pb_meta_enum_name(PB_KEY_CONVERT, (int)doc.meta.convert), "s2t");

  /* Text has a length limit, checked at the value. */
  char *longtitle = malloc(3100);
  CHECK(longtitle != NULL);
  if (longtitle) {
    strcpy(longtitle, "---\ntitle: ");
    for (int i = 0; i < 1001; i++) strcat(longtitle, "書");
    strcat(longtitle, "\n---\n");
    CHECK_EQ_INT(parse(longtitle), PB_ERR_INPUT);
    CHECK(has_diag(PB_SEV_ERROR, 2, 8, "'title' is 1001 characters long; at most 1000"));
    free(longtitle);
  }

  /* convert without derive-from is an error at convert's line. */
  CHECK_EQ_INT(parse("---\ntitle: x\nconvert: tw2sp\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 3, 10, "'convert' needs 'derive-from'"));
}

/* Messages that say what is wrong, once. */
static void test_front_matter_messages(void) {
  /* An alias: aliases are not supported (not "must be a single value"). */
  CHECK_EQ_INT(parse("---\nx: &a 12\nfont-size: *a\n---\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 3, 12, "does not support YAML aliases"));
  CHECK(!has_diag(PB_SEV_ERROR, 0, 0, "single value"));
  /* Broken YAML: one message, the syntax error (nothing about the keys
   * read before it). */
  CHECK_EQ_INT(parse("---\ntitle: [a, b\nlang: en\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(diags.count, 1);
  CHECK(has_diag(PB_SEV_ERROR, 3, 0, "invalid YAML"));
  CHECK_EQ_INT(parse("---\ncolour: b: c\n---\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(diags.count, 1);
  /* A key longer than libyaml's simple-key limit. */
  size_t n = 2000;
  char *s = malloc(n + 32);
  CHECK(s != NULL);
  if (s) {
    strcpy(s, "---\n");
    memset(s + 4, 'k', n);
    strcpy(s + 4 + n, ": v\n---\n");
    CHECK_EQ_INT(parse(s), PB_ERR_INPUT);
    CHECK(has_diag(PB_SEV_ERROR, 2, 1, "key is 2000 characters long"));
    CHECK(!has_diag(PB_SEV_ERROR, 0, 0, "must be a mapping"));
    free(s);
  }
  /* Unknown keys name a known key close to them. */
  CHECK_EQ_INT(parse("---\nlnag: en\nlanguage: en\ncolour: red\n---\n"), PB_OK);
  CHECK(has_diag(PB_SEV_WARNING, 2, 1, "'lnag' (ignored); did you mean 'lang'?"));
  CHECK(has_diag(PB_SEV_WARNING, 3, 1, "did you mean 'lang'?"));
  CHECK(has_diag(PB_SEV_WARNING, 4, 1, "'colour' (ignored)"));
  CHECK(!has_diag(PB_SEV_WARNING, 4, 1, "did you mean"));
}

/* pb_doc_parse_front_matter reads the front matter alone: its errors are
 * reported, the body's are not (not even a bad byte), with any line end. */
static pb_status parse_fm(const char *s) {
  return parse_with(pb_doc_parse_front_matter, s, strlen(s));
}

static void test_front_matter_only(void) {
  CHECK_EQ_INT(parse_fm("---\ntitle: 甲\nlang: en\n---\nbody \xFF byte\x01\n"), PB_OK);
  CHECK_EQ_STR(doc.meta.title, "甲");
  CHECK_EQ_STR(doc.meta.lang, "en");
  CHECK_EQ_INT(doc.nblocks, 0);
  CHECK_EQ_INT(diags.count, 0);
  CHECK_EQ_INT(parse("---\ntitle: 甲\n---\nbody \xFF byte\n"), PB_ERR_INPUT);
  /* CRLF and CR line ends, a BOM, "..." and spaces after the fence. */
  CHECK_EQ_INT(parse_fm("\xEF\xBB\xBF---\r\ntitle: 乙\r\n... \t\r\n\xFF"), PB_OK);
  CHECK_EQ_STR(doc.meta.title, "乙");
  CHECK_EQ_INT(parse_fm("---\rtitle: 丙\r---\r\xFF"), PB_OK);
  CHECK_EQ_STR(doc.meta.title, "丙");
  /* "----" and "--- x" do not close it. */
  CHECK_EQ_INT(parse_fm("---\ntitle: 丁\n----\n--- x\nlang: en\n---\n\xFF"), PB_ERR_INPUT);
  CHECK_EQ_INT(parse_fm("---\ntitle: 丁\nlang: en\n--- \n\xFF"), PB_OK);
  CHECK_EQ_STR(doc.meta.lang, "en");
  /* Errors in the front matter itself, at their lines. */
  CHECK_EQ_INT(parse_fm("---\ntitle: 戊\npaper: a9\n---\n\xFF"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 3, 0, "paper"));
  CHECK_EQ_INT(parse_fm("---\ntitle: \xFF\n---\nbody\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 0, "UTF-8"));
  CHECK_EQ_INT(parse_fm("---\ntitle: 己\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 1, 1, "no closing"));
  /* No front matter: defaults, whatever the body holds. */
  CHECK_EQ_INT(parse_fm("# 標題\n\xFF\n"), PB_OK);
  CHECK(doc.meta.title == NULL);
  CHECK_EQ_INT(parse_fm(""), PB_OK);
  CHECK_EQ_INT(parse_fm("---"), PB_ERR_INPUT);
}

/* The key table describes itself: one Markdown row per key. */
static void test_key_table(void) {
  char *md = NULL;
  CHECK_EQ_INT(pb_frontmatter_describe(PB_KEYS_MARKDOWN, &md), PB_OK);
  size_t rows = 0;
  for (const char *p = md; p && (p = strstr(p, "\n| `")); p++) rows++;
  CHECK_EQ_INT(rows, PB_KEY_COUNT);
  CHECK(md && strstr(md, "| `font-size` | number from 4 to 72 pt | 10.5 |"));
  free(md);
  for (int id = 0; id < PB_KEY_COUNT; id++)
    CHECK(pb_frontmatter_key_get((pb_key_id)id)->help != NULL);
}

static void test_bad_input(void) {
  /* Invalid UTF-8: position of the first bad byte, in characters. */
  CHECK_EQ_INT(parse("ok\n中文\xFF\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 3, "invalid UTF-8 byte 0xFF"));
  CHECK_EQ_INT(parse("a\xE4\xB8"
                     "b\n"),
               PB_ERR_INPUT); /* truncated */
  CHECK(has_diag(PB_SEV_ERROR, 1, 2, "invalid UTF-8 byte 0xE4"));
  CHECK_EQ_INT(parse("\xC0\x80\n"), PB_ERR_INPUT); /* overlong */
  CHECK(has_diag(PB_SEV_ERROR, 1, 1, "0xC0"));
  CHECK_EQ_INT(parse("x\xED\xA0\x80\n"), PB_ERR_INPUT); /* surrogate */
  CHECK(has_diag(PB_SEV_ERROR, 1, 2, "0xED"));
  /* One report per line. */
  CHECK_EQ_INT(parse("\xFF\xFF\xFF\n\xFE\n"), PB_ERR_INPUT);
  CHECK_EQ_INT(diags.errors, 2);
  CHECK(has_diag(PB_SEV_ERROR, 2, 1, "0xFE"));

  CHECK_EQ_INT(parse_n("ab\0c\n", 5), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 1, 3, "NUL byte"));
  CHECK_EQ_INT(parse("ab\ncd\a\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 2, 3, "U+0007"));
  CHECK_EQ_INT(parse("\x7F\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 1, 1, "U+007F"));
  CHECK_EQ_INT(parse("\xC2\x85\n"), PB_ERR_INPUT);
  CHECK(has_diag(PB_SEV_ERROR, 1, 1, "U+0085"));
  CHECK_EQ_INT(parse("tab\tok\n"), PB_OK);
  CHECK_EQ_STR(text(0), "tab ok");

  /* The number of reports is capped. */
  char many[200];
  for (int i = 0; i < 100; i++) {
    many[2 * i] = '\x01';
    many[2 * i + 1] = '\n';
  }
  CHECK_EQ_INT(parse_n(many, 200), PB_ERR_INPUT);
  CHECK(diags.errors <= 21);

  /* Nesting too deep: 5,000 levels must not crash. */
  size_t n = 5000;
  char *deep = malloc(n + 8);
  CHECK(deep != NULL);
  if (deep) {
    memset(deep, '>', n);
    memcpy(deep + n, " x\n", 4);
    CHECK_EQ_INT(parse(deep), PB_ERR_INPUT);
    CHECK_EQ_INT(diags.errors, 1);
    CHECK(has_diag(PB_SEV_ERROR, 1, PB_MAX_NESTING + 1, "nesting too deep"));
    for (size_t i = 0; i < n; i += 2)
      memcpy(deep + i, "- ", 2);
    memcpy(deep + n, "x\n", 3);
    CHECK_EQ_INT(parse(deep), PB_ERR_INPUT);
    CHECK(has_diag(PB_SEV_ERROR, 1, 0, "nesting too deep"));
    free(deep);
  }
  /* Exactly the limit is fine. */
  char ok[PB_MAX_NESTING + 8];
  memset(ok, '>', PB_MAX_NESTING);
  memcpy(ok + PB_MAX_NESTING, " x\n", 4);
  CHECK_EQ_INT(parse(ok), PB_OK);
  CHECK_EQ_INT(doc.blocks[0].quote_depth, PB_MAX_NESTING);
}

static void test_misc(void) {
  CHECK(pb_lang_is_known("zh-Hant"));
  CHECK(pb_lang_is_known("ZH-hans-cn"));
  CHECK(pb_lang_is_known("en-GB"));
  CHECK(!pb_lang_is_known("fr"));
  CHECK(!pb_lang_is_known("zh-Hant-"));
  CHECK(!pb_lang_is_known(NULL));
  pb_doc z;
  memset(&z, 0, sizeof z);
  pb_doc_free(&z);
  pb_doc_free(NULL);
  CHECK(1);
  CHECK_EQ_INT(parse_n(NULL, 0), PB_OK);
}

int main(void) {
  pb_diags_init(&diags, "t.md");
  test_whitespace();
  test_styles();
  test_links();
  test_blocks();
  test_footnotes();
  test_positions();
  test_front_matter();
  test_front_matter_errors();
  test_front_matter_values();
  test_front_matter_messages();
  test_front_matter_only();
  test_key_table();
  test_bad_input();
  test_misc();
  pb_doc_free(&doc);
  pb_diags_free(&diags);
  CHECK_DONE("parse");
}
