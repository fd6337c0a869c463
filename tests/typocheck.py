#!/usr/bin/env python3
"""typocheck.py -- book-typography checks of a rendered PDF (issue 9).

Usage: typocheck.py FILE.pdf MANUSCRIPT.md [--pending NAME,...] [--warnings FILE]

Measures the glyph geometry that mutool's structured text gives (origin and
advance box of every glyph; "em" is the size of the character concerned):
  hanhan      no Han->Han advance above 1.08 em (clreq-digest §5: the
              letter-spacing of Chinese lines stays small)
  hanlatin    no gap between a Han character and a Latin letter or digit
              above 1/2 em (§4; note marks are not Latin text)
  quotepairs  two adjacent full-width marks are compressed, curly quotes
              like 「」: the first advances at most 0.8 em, not 1 em (§3
              rule 1; Taiwan style's fixed ！？ excepted)
  linestart   no line starts with an opening mark ("“「（《) that kept its
              left blank (§3 rule 2): its ink sits at the text edge
  numbers     no line ends with a number whose Han counter (公尺, 天, 次)
              starts the next line, and no range (1865—1869, 7:00—9:00)
              is split at its dash (§1.1)
  interpunct  · between Han characters takes 1 em in Taiwan style, 1/2 em
              in mainland style (§2 table), and no line ends with a ·
              inside a name
  notemarks   a footnote mark sits tight against the character before it
              and the mark after it (no Han–Latin space)
  urls        every URL and e-mail address of the manuscript appears in
              the text layer exactly (no inserted hyphen) and, in a PDF
              with links (the ebook), is a link
  ideospace   an ideographic space U+3000 of the manuscript is a 1-em gap
              between its neighbours on the page
  blocks      a block quotation ends at least 1 em short of the text's
              right edge, one in the other language (English in Chinese)
              has no first-line indent, and a quotation or list is set off
              from the paragraph after it by more than the line pitch
Prints "ok NAME" or "FAIL NAME: why" per check; exit 1 if any failed.
--warnings names paiban's standard error for this PDF: the lines it
reported as loose ('loose line "FIRST CHARACTERS…"': no better breaks
exist) are exempt from hanhan and hanlatin; any other warning fails.
--pending lists checks for defects not fixed yet: their failures are
printed as "pending NAME: why" and do not count; a fix removes its check
from the list in the same commit.
Standard library only (plus the mutool and pdftotext commands).
"""
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET

OPEN = set("「『（《〈【〖〔［｛“‘")
CLOSE = set("」』）》〉】〗〕］｝”’")
STOP = set("、，。．：；")
EXCL = set("！？")
PUNCT = OPEN | CLOSE | STOP | EXCL
DASHES = set("—–～-")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>()\]）]+[^\s<>()\].,;:!?。，）]|"
                    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def is_han(c):
    o = ord(c)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or
            0x20000 <= o <= 0x323AF or 0xF900 <= o <= 0xFAFF)


def is_latin(c):
    return c.isascii() and c.isalnum() or (c.isalpha() and ord(c) < 0x2000)


def read_source(path):
    text = open(path, encoding="utf-8-sig").read().replace("\r\n", "\n")
    lang = "zh-Hant"
    if text.startswith("---\n"):
        end = re.search(r"\n(---|\.\.\.)[ \t]*\n", text[4:])
        front = text[4:4 + end.start()] if end else ""
        m = re.search(r"^lang:\s*(\S+)", front, flags=re.M)
        if m:
            lang = m.group(1)
        text = text[4 + end.end():] if end else ""
    return lang, text


class Char:
    __slots__ = ("c", "x", "x1", "y", "size")

    def __init__(self, c, x, x1, y, size):
        self.c, self.x, self.x1, self.y, self.size = c, x, x1, y, size


def page_lines(pdf):
    """Per page, the lines of glyphs (space characters left out), in
    reading order.  A raised note mark belongs to the line whose baseline
    is within half its size of its own."""
    out = subprocess.run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", pdf],
                         capture_output=True, text=True).stdout
    pages = []
    for page in ET.fromstring(out).iter("page"):
        chars = []
        for font in page.iter("font"):
            size = float(font.get("size"))
            for ch in font.iter("char"):
                c = ch.get("c")
                if not c.strip() and c != "\u3000":
                    continue
                q = [float(v) for v in ch.get("quad").split()]
                chars.append(Char(c, float(ch.get("x")), q[2], float(ch.get("y")), size))
        # Lines: full-size glyphs grouped by baseline first, then small
        # (superscript) glyphs join the nearest line.
        chars.sort(key=lambda ch: -ch.size)
        rows = []
        for ch in chars:
            best = None
            for r in rows:
                if abs(r[0] - ch.y) <= 0.45 * max(ch.size, r[1]) and (ch.size < r[1] * 0.8 or abs(r[0] - ch.y) < 0.5):
                    best = r
                    break
            if best is None:
                rows.append([ch.y, ch.size, [ch]])
            else:
                best[2].append(ch)
        lines = [sorted(r[2], key=lambda ch: ch.x) for r in sorted(rows, key=lambda r: r[0])]
        pages.append(lines)
    return pages


def find_line(pages, text):
    """(page, index) of the first line whose text starts with text."""
    key = re.sub(r"\s+", "", text)[:12]
    for pno, lines in enumerate(pages):
        for i, line in enumerate(lines):
            if "".join(ch.c for ch in line if ch.c.strip()).startswith(key):
                return pno, i
    return None


def check_blocks(pages, source, chinese):
    problems = []
    blocks = re.split(r"\n\s*\n", source)
    pitches = []
    for lines in pages:
        for a, b in zip(lines, lines[1:]):
            if a and b and abs(a[0].size - b[0].size) < 0.1:
                pitches.append(round(b[0].y - a[0].y, 1))
    pitch = max(set(pitches), key=pitches.count) if pitches else 0
    # The text's right edge: most lines reach it, justified or ragged.
    rights = sorted(l[-1].x1 for lines in pages for l in lines if l)
    right = rights[int(len(rights) * 0.9)] if rights else 0
    for k, block in enumerate(blocks):
        first = block.lstrip()
        text = re.sub(r"^\s*(>|[-*+]|\d+\.)\s+", "", first, flags=re.M)
        text = re.sub(r"[*_`]|\[\^\d+\]", "", text)
        at = find_line(pages, text)
        if not at:
            continue
        pno, i = at
        lines = pages[pno]
        if first.startswith(">"):
            latin = sum(c.isascii() and c.isalpha() for c in text)
            # The quotation's own lines (at most two): a second one only
            # when the quotation is longer than its first line.
            want = re.sub(r"\s+", "", text)
            first_text = "".join(ch.c for ch in lines[i] if ch.c.strip())
            qlines = [lines[i]]
            if len(first_text) < len(want) - 1 and i + 1 < len(lines):
                qlines.append(lines[i + 1])
            for l in qlines:
                if l[-1].x1 > right - 0.9 * l[-1].size:
                    problems.append("quotation line %r reaches the right edge" % "".join(c.c for c in l[:8]))
            if chinese and latin > len(text) / 2 and len(qlines) == 2 and \
                    abs(qlines[0][0].x - qlines[1][0].x) > 0.5:
                problems.append("English quotation %r has a first-line indent" % text[:20])
        prev = blocks[k - 1].lstrip() if k else ""
        if re.match(r"(>|[-*+]\s|\d+\.\s)", prev) and not re.match(r"(>|[-*+]\s|\d+\.\s|#)", first):
            if i > 0 and pitch and lines[i][0].y - lines[i - 1][0].y < 1.2 * pitch:
                problems.append("no space before %r after a list or quotation" % text[:20])
    return problems


def fmt(pno, line, i):
    s = "".join(ch.c for ch in line[max(0, i - 3):i + 3])
    return "page %d %r" % (pno + 1, s)


def main():
    args = sys.argv[1:]
    pending = set()
    if "--pending" in args:
        k = args.index("--pending")
        pending = set(x for x in args[k + 1].split(",") if x)
        del args[k:k + 2]
    warnings = None
    if "--warnings" in args:
        k = args.index("--warnings")
        warnings = args[k + 1]
        del args[k:k + 2]
    if len(args) != 2:
        print(__doc__)
        return 2
    pdf, src = args
    lang, source = read_source(src)
    chinese = lang.startswith("zh")
    hant = chinese and not re.search(r"Hans|CN|^zh$", lang)
    pages = page_lines(pdf)
    failures = 0
    exempt, other_warnings = [], []
    if warnings:
        for w in open(warnings, encoding="utf-8"):
            m = re.search(r'warning: loose line "(.*?)…"', w)
            if m:
                exempt.append(re.sub(r"\s+", "", m.group(1)))
            elif "warning:" in w or "error:" in w:
                other_warnings.append(w.strip())
    ideo_pairs = set(m.group(1) + m.group(2) for m in re.finditer(r"(\S)\u3000+(\S)", source))

    def reported(line):
        text = "".join(ch.c for ch in line if ch.c.strip())
        return any(text.startswith(h) for h in exempt if h)

    def report(name, problems):
        nonlocal failures
        bad = bool(problems)
        if bad and name in pending:
            print("pending %s: %s" % (name, problems[0]))
        elif bad:
            failures += 1
            print("FAIL %s: %s" % (name, "; ".join(problems[:4])))
        else:
            print("ok %s" % name)

    # The text block's left edge per page: the commonest start of lines
    # that begin with a Han character or a letter.
    lefts = []
    for lines in pages:
        starts = [round(l[0].x, 1) for l in lines if l and (is_han(l[0].c) or is_latin(l[0].c))]
        lefts.append(max(set(starts), key=starts.count) if starts else 0)

    hanhan, hanlatin, pairs, linestart, numbers, interp, notes = [], [], [], [], [], [], []
    for pno, lines in enumerate(pages):
        for li, line in enumerate(lines):
            body = max((ch.size for ch in line), default=0)
            loose_ok = reported(line)
            for i in range(len(line) - 1):
                a, b = line[i], line[i + 1]
                small_a, small_b = a.size < 0.75 * body, b.size < 0.75 * body
                if is_han(a.c) and is_han(b.c) and a.size == b.size and not loose_ok:
                    adv = (b.x - a.x) / a.size
                    if a.c + b.c in ideo_pairs and 1.9 < adv < 2.1:
                        continue  # a U+3000 between them
                    if adv > 1.08 + 1e-3:
                        hanhan.append("%s advance %.3f em" % (fmt(pno, line, i + 1), adv))
                if not small_a and not small_b and not loose_ok and (
                        (is_han(a.c) and is_latin(b.c)) or (is_latin(a.c) and is_han(b.c))):
                    gap = (b.x - a.x1) / body
                    if gap > 0.5 + 1e-3:
                        hanlatin.append("%s gap %.3f em" % (fmt(pno, line, i + 1), gap))
                if chinese and a.c in PUNCT and b.c in PUNCT and not small_a and not small_b:
                    if hant and a.c in EXCL:
                        continue
                    adv = (b.x - a.x) / a.size
                    if adv > 0.8:
                        pairs.append("%s %s%s takes %.3f em" % (fmt(pno, line, i + 1), a.c, b.c, adv))
                # Note marks: small digits after a full-size character.
                if small_b and b.c.isdigit() and not small_a:
                    gap = (b.x - a.x1) / body
                    if gap > 0.05:
                        notes.append("%s gap %.3f em before the mark" % (fmt(pno, line, i + 1), gap))
                if small_a and a.c.isdigit() and not small_b and (is_han(b.c) or b.c in PUNCT):
                    gap = (b.x - a.x1) / body
                    if gap > 0.05:
                        notes.append("%s gap %.3f em after the mark" % (fmt(pno, line, i + 1), gap))
                # Interpuncts between Han characters.
                if chinese and b.c in "·‧" and i + 2 < len(line) and is_han(a.c) and is_han(line[i + 2].c):
                    w = (line[i + 2].x - a.x) / a.size - 1
                    want = 1.0 if hant else 0.5
                    if abs(w - want) > 0.15:
                        interp.append("%s · takes %.3f em, not %.1f" % (fmt(pno, line, i + 1), w, want))
            if not line:
                continue
            # Line start: an opening mark keeps its ink at the text edge.
            if chinese and line[0].c in OPEN and len(line) > 1 and lefts[pno]:
                first, nxt = line[0], line[1]
                off = (nxt.x - lefts[pno]) / first.size
                if -0.7 <= first.x - lefts[pno] <= 2.1 * first.size and abs(off - round(off)) < 0.2:
                    linestart.append("%s starts with %s and its blank" % (fmt(pno, line, 0), first.c))
            # Line ends: numbers and their counters, ranges, names.
            if li + 1 < len(lines) and lines[li + 1]:
                nxt = lines[li + 1]
                full = [ch for ch in line if ch.size >= 0.75 * body]
                last = full[-1] if full else line[-1]
                prev = full[-2] if len(full) > 1 else None
                same_para = nxt[0].x <= lefts[pno] + 0.5 * nxt[0].size
                if same_para and last.c.isdigit() and is_han(nxt[0].c):
                    numbers.append("page %d line ends %r, next starts %r" % (
                        pno + 1, "".join(ch.c for ch in full[-4:]), "".join(ch.c for ch in nxt[:3])))
                if same_para and ((last.c in DASHES and prev and prev.c.isdigit() and nxt[0].c.isdigit()) or
                                  (last.c.isdigit() and nxt[0].c in DASHES)):
                    numbers.append("page %d range split: %r | %r" % (
                        pno + 1, "".join(ch.c for ch in full[-5:]), "".join(ch.c for ch in nxt[:5])))
                if chinese and last.c in "·‧" and prev and is_han(prev.c) and is_han(nxt[0].c):
                    interp.append("page %d line ends inside a name: %r" % (
                        pno + 1, "".join(ch.c for ch in full[-4:])))

    if warnings is not None:
        report("warnings", other_warnings)
    report("hanhan", hanhan)
    report("hanlatin", hanlatin)
    if chinese:
        report("quotepairs", pairs)
        report("linestart", linestart)
        report("interpunct", interp)
    report("numbers", numbers)
    report("notemarks", notes)

    # URLs and e-mail addresses, exactly, in the text layer.
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"],
                         capture_output=True, text=True).stdout
    # Page furniture between two pages' text: the folio (a line of digits
    # at a page's end) and the running head (a later page's first line
    # repeating the title or a heading).
    heads = set(re.sub(r"\s+", "", h) for h in re.findall(r"^(?:#+|title:)\s*(.*)$",
                                                          open(src, encoding="utf-8-sig").read(),
                                                          flags=re.M))
    kept = []
    for n, page in enumerate(raw.split("\f")):
        lines = [l for l in page.split("\n") if l.strip()]
        while lines and re.fullmatch(r"\s*\d+\s*", lines[-1]):
            lines.pop()
        if n > 0 and lines and re.sub(r"\s+", "", lines[0]) in heads:
            lines = lines[1:]
        kept.extend(lines)
    flat = re.sub(r"\s+", "", "".join(kept))
    found = URL_RE.findall(source)
    problems = ["%r not in the text" % u for u in found if u not in flat]
    # Where the PDF has links (the ebook), each address is one.
    qdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, "-"],
                         capture_output=True).stdout.decode("latin-1")
    uris = set(re.findall(r"/URI \((.*?)\)\s", qdf))
    if "/Subtype /Link" in qdf:
        for u in found:
            target = ("mailto:" + u if "@" in u and "://" not in u else
                      "http://" + u if u.startswith("www.") else u)
            if target not in uris:
                problems.append("%r is not a link" % u)
    report("urls", problems)

    # Ideographic spaces: a 1-em gap between the neighbours.
    spaces = []
    for m in re.finditer(r"(\S)\u3000+(\S)", source):
        x, y = m.group(1), m.group(2)
        found = False
        for lines in pages:
            for line in lines:
                for i in range(len(line) - 1):
                    k = i + 1
                    while k < len(line) - 1 and line[k].c == "\u3000":
                        k += 1
                    if line[i].c == x and line[k].c == y:
                        gap = (line[k].x - line[i].x1) / line[i].size
                        if gap >= 0.9:
                            found = True
        if not found:
            spaces.append("no 1-em space between %s and %s" % (x, y))
    report("ideospace", spaces)
    report("blocks", check_blocks(pages, source, chinese))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
