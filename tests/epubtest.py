#!/usr/bin/env python3
"""epubtest.py -- the project's own checks of an EPUB paiban wrote.

Usage: epubtest.py FILE.epub MANUSCRIPT.md [--vertical=N]
       (--vertical=N: a vertical edition, tate-chu-yoko N; MANUSCRIPT.md
       is the text, the original for a derived edition)
       epubtest.py --render FILE.pdf FILE.epub   (a content document printed
                                                  by Chromium)

Checks of the EPUB (standard library only):
  container  mimetype is the first entry, stored, no extra field, with
             "application/epub+zip"; every entry dated alike
  documents  every content document parses as XML, its root has lang and
             xml:lang equal to dc:language
  manifest   every manifest item is in the container, every font the style
             sheet names is in the manifest
  text       the text of the content documents in spine order (tags
             stripped, whitespace removed, footnotes set apart) equals the
             title plus the manuscript's paragraphs (Markdown removed,
             footnote marks numbered), and every footnote's text is in an
             aside epub:type="footnote"
  spacing    outside code and footnote numbers, no Han character touches a Latin letter or digit
             and no U+0020 stands between them: U+2005 does (clreq §4)
  shared     in Chinese editions every shared mark (“ ” ‘ ’ — … ·) not
             between two Latin characters is in a span class="cjk"
  latin-lang in Chinese editions every Latin letter outside code is in an
             element with lang="en" (and xml:lang alike), no Han character is
  vertical   a vertical edition (--vertical) has writing-mode: vertical-rl on the root (also
             -epub-), page-progression-direction="rtl" in the spine, and
             its tate-chu-yoko runs in span class="tcy" with
             text-combine-upright: every run of 1 to tate-chu-yoko (2)
             digits with no Latin letter, digit or Latin punctuation next to
             it, and nothing else; a horizontal edition has none of these
With --render: the PDF's text layer (pdftotext; -raw for a vertical
edition, which reads columns) holds the content document's text in order,
no line (column) starts with a mark of clreq's NO_START set, a vertical
edition is set in columns, and its fonts (pdffonts) are embedded and are
the EPUB's own.
Prints one line per check ("ok NAME" / "FAIL NAME: why"); exits 1 if any
failed.
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdfcheck import NO_START  # noqa: E402

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SHARED = set("“”‘’—…·")
WS = re.compile(r"[\s\u2005\u2060]+")


def is_han(c):
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def is_latin(c):
    return c.isascii() and c.isalnum()


def results():
    out = []

    def report(name, why=None):
        out.append((name, why))
    return out, report


def manuscript(path):
    """Title, body paragraphs and footnote paragraphs, flattened."""
    text = open(path, encoding="utf-8-sig").read().replace("\r\n", "\n")
    title = None
    if text.startswith("---\n"):
        end = re.search(r"\n(---|\.\.\.)[ \t]*\n", text[4:])
        front = text[4:4 + end.start()] if end else ""
        m = re.search(r"^title:\s*\"?(.*?)\"?\s*$", front, flags=re.M)
        title = m.group(1) if m else None
        extra = [re.search(r"^%s:\s*\"?(.*?)\"?\s*$" % k, front, flags=re.M)
                 for k in ("subtitle", "author")]
        title = "".join([title or ""] + [x.group(1) for x in extra if x])
        text = text[4 + end.end():] if end else ""
    numbers = {}
    for m in re.finditer(r"\[\^([^\]]+)\](?!:)", text):
        numbers.setdefault(m.group(1), str(len(numbers) + 1))
    body, notes = [], []
    for block in re.split(r"\n\s*\n", text):
        is_note = re.match(r"\s*\[\^[^\]]+\]:", block) is not None
        b = re.sub(r"\[\^([^\]]+)\]:?", lambda m: numbers.get(m.group(1), ""), block)
        b = re.sub(r"^\s{0,3}(#+|>|[-*+]|\d+\.)\s+", "", b, flags=re.M)
        b = re.sub(r"^\s*(>|[-*+]|\d+\.)\s+", "", b, flags=re.M)
        b = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", b)
        b = re.sub(r"[*_`\\]", "", b)
        b = WS.sub("", b)
        if b:
            (notes if is_note else body).append(b)
    return WS.sub("", title or ""), body, notes


def walk(elem, in_cjk=False, in_code=False, in_aside=False, out=None):
    """(char, in span.cjk, in code/pre, in footnote aside) for every
    character of the element's text, in document order."""
    if out is None:
        out = []
    tag = elem.tag.replace(XHTML, "")
    in_cjk = in_cjk or (tag == "span" and elem.get("class") == "cjk")
    # Code is verbatim; footnote numbers are set apart by CSS, not spaces.
    # A tate-chu-yoko run counts as an ideograph: no Han–Latin space.
    in_code = in_code or tag in ("code", "pre", "sup") or elem.get("class") in ("fn", "tcy")
    in_aside = in_aside or (tag == "aside" and elem.get(EPUB_NS + "type") == "footnote")
    for c in elem.text or "":
        out.append((c, in_cjk, in_code, in_aside))
    for child in elem:
        walk(child, in_cjk, in_code, in_aside, out)
        for c in child.tail or "":
            out.append((c, in_cjk, in_code, in_aside))
    return out


def check_epub(path, md, tcy=None):
    out, report = results()
    z = zipfile.ZipFile(path)
    infos = z.infolist()
    first = infos[0]
    if (first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED
            or first.extra or z.read("mimetype") != b"application/epub+zip"):
        report("container", "mimetype is not the first, stored entry without extra field")
    elif len({i.date_time for i in infos}) != 1:
        report("container", "entries carry different dates")
    elif any(i.compress_type != zipfile.ZIP_DEFLATED for i in infos[1:]):
        report("container", "an entry after the mimetype is not deflated")
    elif z.testzip() is not None:
        # Every entry inflates to its recorded size and CRC (paiban
        # deflates them itself and hands libzip the finished streams).
        report("container", "entry %s fails its CRC" % z.testzip())
    else:
        report("container")

    opf_path = ET.fromstring(z.read("META-INF/container.xml")).find(
        ".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
    base = os.path.dirname(opf_path)
    opf = ET.fromstring(z.read(opf_path))
    lang = opf.find(".//" + DC + "language").text
    items = {i.get("id"): i for i in opf.iter(OPF + "item")}
    names = set(z.namelist())
    missing = [i.get("href") for i in items.values()
               if os.path.join(base, i.get("href")) not in names]
    css = z.read(os.path.join(base, "style.css")).decode()
    hrefs = {i.get("href") for i in items.values()}
    fonts = re.findall(r'url\("([^"]+)"\)', css)
    missing += [f for f in fonts if f not in hrefs]
    report("manifest", "missing: %s" % missing if missing else None)

    spine = [items[r.get("idref")] for r in opf.iter(OPF + "itemref")
             if r.get("linear") != "no"]
    chars, bad_doc = [], None
    for item in spine:
        try:
            root = ET.fromstring(z.read(os.path.join(base, item.get("href"))))
        except ET.ParseError as e:
            bad_doc = "%s: %s" % (item.get("href"), e)
            break
        if root.get("lang") != lang or root.get(XML_LANG) != lang:
            bad_doc = "%s: lang is not %s" % (item.get("href"), lang)
            break
        chars += walk(root.find(XHTML + "body"))
    report("documents", bad_doc)

    title, body, notes = manuscript(md)
    flow = WS.sub("", "".join(c for c, _, _, aside in chars if not aside))
    aside = WS.sub("", "".join(c for c, _, _, a in chars if a))
    want = title + "".join(body)
    if flow != want:
        k = next((i for i in range(min(len(flow), len(want))) if flow[i] != want[i]),
                 min(len(flow), len(want)))
        report("text", "differs at character %d: EPUB %r, manuscript %r"
               % (k, flow[k:k + 20], want[k:k + 20]))
    elif any(n not in aside for n in notes):
        report("text", "a footnote is not in an aside: %r"
               % next(n for n in notes if n not in aside)[:30])
    else:
        report("text")

    why = None
    plain = [(c, code) for c, _, code, _ in chars]
    for i in range(len(plain) - 1):
        a, b = plain[i], plain[i + 1]
        if a[1] or b[1]:
            continue
        if (is_han(a[0]) and is_latin(b[0])) or (is_latin(a[0]) and is_han(b[0])):
            why = "no space in %r" % "".join(c for c, _ in plain[max(0, i - 5):i + 6])
        if (i + 2 < len(plain) and plain[i + 1][0] == " "
                and ((is_han(a[0]) and is_latin(plain[i + 2][0]))
                     or (is_latin(a[0]) and is_han(plain[i + 2][0])))):
            why = "U+0020 in %r" % "".join(c for c, _ in plain[max(0, i - 5):i + 6])
        if why:
            break
    report("spacing", why)

    if lang.startswith("zh"):
        why = None
        text = [c for c, _, _, _ in chars]
        for i, (c, cjk, code, _) in enumerate(chars):
            if c not in SHARED or cjk or code:
                continue
            left = next((x for x in reversed(text[:i]) if x.strip() and x not in SHARED), "")
            right = next((x for x in text[i + 1:] if x.strip() and x not in SHARED), "")
            if not (is_latin(left) and is_latin(right)) and not (left.isascii() and right.isascii()):
                why = "%r not in a CJK span: %r" % (c, "".join(text[max(0, i - 6):i + 6]))
                break
        report("shared", why)
        report("latin-lang", check_latin_lang(roots_of(z, base, spine), lang))

    report("vertical", check_vertical(tcy, opf, css, z, base, spine))
    return out


def roots_of(z, base, spine):
    return [ET.fromstring(z.read(os.path.join(base, i.get("href")))).find(XHTML + "body")
            for i in spine]


def lang_chars(elem, lang, out):
    """(char, language in force) for the element's text, code skipped."""
    lang = elem.get("lang") or lang
    code = elem.tag.replace(XHTML, "") in ("code", "pre")
    if elem.get("lang") != elem.get(XML_LANG):
        out.append(("!", "lang %r and xml:lang %r differ" % (elem.get("lang"), elem.get(XML_LANG))))
    for c in elem.text or "":
        out.append((c, None if code else lang))
    for child in elem:
        lang_chars(child, lang, out)
        for c in child.tail or "":
            out.append((c, None if code else lang))
    return out


def check_latin_lang(roots, lang):
    """Chinese editions: every Latin letter outside code is in a
    lang="en" span, and no Han character is."""
    chars = []
    for r in roots:
        lang_chars(r, lang, chars)
    for i, (c, l) in enumerate(chars):
        if c == "!":
            return l
        if l is None:
            continue
        ctx = "".join(x for x, _ in chars[max(0, i - 8):i + 8])
        if c.isascii() and c.isalpha() and l != "en":
            return "%r is in %s text: %r" % (c, l, ctx)
        if is_han(c) and l == "en":
            return "%r is in an English span: %r" % (c, ctx)
    return None


def tcy_runs(root, n):
    """(runs that should be tate-chu-yoko, runs in span.tcy) of a body."""
    want = []
    got = [e.text or "" for e in root.iter(XHTML + "span") if e.get("class") == "tcy"]
    text = "".join(c for c, _, code, _ in walk(root) if not code or c.isdigit())
    text = text.replace("\u2005", " ").replace("\u2060", "")
    for m in re.finditer(r"[0-9]+", text):
        left = text[m.start() - 1] if m.start() else " "
        right = text[m.end()] if m.end() < len(text) else " "
        latin = lambda c: c.isascii() and (c.isalnum() or c in ".,:;!?%-+/'\"()&@#$*=<>[]_~")
        if len(m.group()) <= n and not latin(left) and not latin(right):
            want.append(m.group())
    return want, got


def check_vertical(tcy, opf, css, z, base, spine):
    """tcy: None for a horizontal edition, else its tate-chu-yoko length."""
    vertical = tcy is not None
    ppd = opf.find(OPF + "spine").get("page-progression-direction")
    css_v = ("writing-mode: vertical-rl" in css and "-epub-writing-mode: vertical-rl" in css
             and "text-combine-upright: all" in css)
    roots = roots_of(z, base, spine)
    if not vertical:
        if ppd or "vertical-rl" in css or any(
                e.get("class") == "tcy" for r in roots for e in r.iter()):
            return "a horizontal edition has vertical markup"
        return None
    if ppd != "rtl":
        return "spine page-progression-direction is %r, not 'rtl'" % ppd
    if not css_v:
        return "the style sheet lacks writing-mode or text-combine-upright"
    n = tcy
    want, got = [], []
    for r in roots:
        w, g = tcy_runs(r, n)
        want += w
        got += g
    if want != got:
        return "tate-chu-yoko runs %r, want %r" % (got, want)
    if not got and n:
        return "no tate-chu-yoko run at all"
    return None


def check_render(pdf, epub):
    """The first content document as Chromium printed it."""
    out, report = results()
    z = zipfile.ZipFile(epub)
    opf_path = ET.fromstring(z.read("META-INF/container.xml")).find(
        ".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
    opf = ET.fromstring(z.read(opf_path))
    items = {i.get("id"): i for i in opf.iter(OPF + "item")}
    first = items[next(opf.iter(OPF + "itemref")).get("idref")].get("href")
    root = ET.fromstring(z.read(os.path.join(os.path.dirname(opf_path), first)))
    want = WS.sub("", "".join(c for c, _, _, _ in walk(root.find(XHTML + "body"))))
    css = z.read(os.path.join(os.path.dirname(opf_path), "style.css")).decode()
    vertical = "writing-mode: vertical-rl" in css
    text = subprocess.run(["pdftotext"] + (["-raw"] if vertical else []) +
                          ["-enc", "UTF-8", pdf, "-"],
                          capture_output=True, text=True).stdout
    flat = WS.sub("", text)
    if flat != want:
        k = next((i for i in range(min(len(flat), len(want))) if flat[i] != want[i]),
                 min(len(flat), len(want)))
        report("render-text", "differs at character %d: PDF %r, EPUB %r"
               % (k, flat[k:k + 20], want[k:k + 20]))
    else:
        report("render-text")
    if vertical:
        columns = render_columns(pdf)
        starts = [c[0][1][0] for c in columns]
        # Set in columns: the first column holds several characters, one
        # under the other.
        first = columns[0] if columns else []
        report("render-vertical", None if len(first) >= 5 and all(
            a[0] < b[0] for a, b in zip(first, first[1:]))
            else "the first column is %r" % "".join(w for _, w in first))
    else:
        starts = [l.strip()[0] for l in text.split("\n") if l.strip()]
    bad = [c for c in starts if c in NO_START]
    report("render-kinsoku", "%s start with %r" % ("columns" if vertical else "lines",
                                                   "".join(bad)) if bad else None)
    # Fonts: embedded, and each either a Type 3 font (Chromium's form of a
    # CFF font) or one of the EPUB's own faces by PostScript name (the
    # font files are named fNN-PSNAME.otf/.ttf).
    own = {re.sub(r"^f\d+-|\.(otf|ttf)$", "", os.path.basename(n))
           for n in z.namelist() if "/fonts/" in n}
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout
    rows = [l.split() for l in fonts.splitlines()[2:] if l.strip()]
    foreign = [r[0] for r in rows
               if r[0] != "[none]" and re.sub(r"^[A-Z]{6}\+", "", r[0]) not in own]
    if not rows:
        report("render-fonts", "no fonts in the PDF")
    elif any(r[-5] != "yes" for r in rows):
        report("render-fonts", "a font is not embedded:\n" + fonts)
    elif foreign:
        report("render-fonts", "fonts not from the EPUB: %s (EPUB: %s)"
               % (foreign, sorted(own)))
    else:
        report("render-fonts")
    return out


def render_columns(pdf):
    """The columns of a vertical PDF, right to left and page by page: each
    a list of (top, word) from top to bottom (pdftotext -bbox; a rotated
    Latin word and the ideographs of its column share a centre line)."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"],
                         capture_output=True, text=True).stdout
    columns = []
    for page in out.split("<page ")[1:]:
        cols = []
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"'
                             r' yMax="[\d.]+">([^<]*)</word>', page):
            word = m.group(4).strip("\u2005\u2060 ")
            if not word:
                continue
            x = (float(m.group(1)) + float(m.group(3))) / 2
            col = next((c for c in cols if abs(c[0] - x) < 3), None)
            if col is None:
                col = [x, []]
                cols.append(col)
            col[1].append((float(m.group(2)), word))
        for x, words in sorted(cols, key=lambda c: -c[0]):
            columns.append(sorted(words))
    return columns


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "--render":
        out = check_render(args[1], args[2])
    elif len(args) == 2:
        out = check_epub(args[0], args[1])
    elif len(args) == 3 and args[2].startswith("--vertical="):
        out = check_epub(args[0], args[1], int(args[2].split("=", 1)[1]))
    else:
        print(__doc__)
        return 2
    failed = 0
    for name, why in out:
        if why:
            failed += 1
            print("FAIL %s: %s" % (name, why))
        else:
            print("ok %s" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
