#!/usr/bin/env python3
"""pdfcheck.py -- the project's own end-to-end checks of a rendered PDF.

Usage: pdfcheck.py FILE.pdf MANUSCRIPT.md [--vertical] [--checks NAME,...] [--ragged]

With --vertical the text is read as columns (writing-mode vertical-rl):
columns run top to bottom, right to left; "starts", "ends" and "flush"
then speak of a column's top and bottom.

Checks, with independent tools (qpdf, pdffonts, pdftotext, mutool):
  valid      qpdf --check reports no errors
  fonts      every font is embedded and subset (pdffonts)
  text       pdftotext -raw, whitespace removed and page numbers dropped,
             contains every paragraph of the manuscript (whitespace removed,
             Markdown markup removed) in order
  kinsoku    no line starts with a mark of clreq's NO_START set nor ends
             with one of NO_END (clreq-digest §1.1, basic level)
  flush      every line that is not the last of its paragraph ends at the
             right edge of the text block (within 0.75 pt; a line-end mark
             whose blank was trimmed may reach up to 0.75 em past it)
  lastline   no paragraph ends with a line of one character (plus marks)
--ragged: the text is set ragged right (English in a narrow measure), so
"flush" checks instead that every line but a paragraph's last ends within
4 em of the longest line.
--checks runs only the named checks (the text and flush checks assume
the essay's plain paragraphs; manuscripts with notes and lists use the
others).  Prints one line per check ("ok NAME" / "FAIL NAME: why") and exits 1 if
any failed.  Standard library only.
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NO_START = set("、，。．：；！？‼⁇⁈⁉」』）》〉】〗〕］｝〙〛｠〞〟”’–～·‧・")
NO_END = set("「『（《〈【〖〔［｛〘〚｟〝“‘")


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def manuscript_title(path):
    text = open(path, encoding="utf-8-sig").read()
    m = re.search(r"^title:\s*\"?(.*?)\"?\s*$", text, flags=re.M)
    return re.sub(r"\s+", "", m.group(1)) if m else None


def manuscript_paragraphs(path):
    text = open(path, encoding="utf-8-sig").read().replace("\r\n", "\n")
    if text.startswith("---\n"):
        end = re.search(r"\n(---|\.\.\.)[ \t]*\n", text[4:])
        text = text[4 + end.end():] if end else ""
    paras = []
    for block in re.split(r"\n\s*\n", text):
        b = re.sub(r"^\s{0,3}(#+|>|[-*+]|\d+\.)\s+", "", block, flags=re.M)
        b = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", b)  # links
        b = re.sub(r"[*_`]", "", b)
        b = re.sub(r"\s+", "", b)
        if b:
            paras.append(b)
    return paras


def check_text(pdf, paras, title, headings):
    out = run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"]).stdout
    pages = out.split("\f")
    kept = []
    for n, page in enumerate(pages):
        lines = [l for l in page.split("\n") if l.strip()]
        if lines and re.fullmatch(r"\s*\d+\s*", lines[-1]):
            lines = lines[:-1]  # the folio
        # A running head: the first line of a later page that is not part
        # of the text (the title, or a section title repeated).
        if n > 0 and lines:
            head = re.sub(r"\s+", "", lines[0])
            if head == title or head in headings:
                lines = lines[1:]
        kept.extend(lines)
    # A line-end hyphen that splits a word is not part of the text.
    joined = ""
    for l in kept:
        l = l.strip()
        joined += l
    flat = re.sub(r"\s+", "", joined)
    # A line-end hyphen may be inserted (hyphenation) or the source's own
    # ("Fast-" / "track"); compare with word-internal hyphens removed on
    # both sides.
    flat = re.sub(r"(?<=[A-Za-z])-(?=[A-Za-z])", "", flat)
    paras = [re.sub(r"(?<=[A-Za-z])-(?=[A-Za-z])", "", p) for p in paras]
    pos = 0
    for i, p in enumerate(paras):
        k = flat.find(p, pos)
        if k < 0:
            # Find how far it matches, for the message.
            n = 0
            while n < len(p) and flat.find(p[: n + 1], pos) >= 0:
                n += 1
            return "paragraph %d not found intact; first %d chars match, then %r" % (
                i + 1, n, p[n : n + 20])
        pos = k + len(p)
    return None


def stext_lines(pdf):
    """Lines as lists of (char, x0, x1, size), from mutool's structured text."""
    xml = run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", pdf]).stdout
    root = ET.fromstring(xml)
    result = []
    for pno, page in enumerate(root.iter("page")):
        rows = {}
        for font in page.iter("font"):
            size = float(font.get("size"))
            for ch in font.iter("char"):
                q = [float(v) for v in ch.get("quad").split()]
                y = round(float(ch.get("y")), 1)
                rows.setdefault(y, []).append((ch.get("c"), q[0], q[2], size))
        for y in sorted(rows):
            chars = sorted(rows[y], key=lambda c: c[1])
            result.append((pno, y, [c for c in chars if c[0].strip()]))
    return result


def stext_columns(pdf):
    """Columns as lists of (char, y0, y1, size), top to bottom, right to left
    (mutool's coordinates: y grows downward).  A character belongs to the
    column whose centre line is nearest its own centre: upright ideographs
    sit on it, rotated Latin letters beside it."""
    xml = run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", pdf]).stdout
    root = ET.fromstring(xml)
    result = []
    for pno, page in enumerate(root.iter("page")):
        chars = []
        for font in page.iter("font"):
            size = float(font.get("size"))
            for ch in font.iter("char"):
                if not ch.get("c").strip():
                    continue
                q = [float(v) for v in ch.get("quad").split()]
                xs, ys = q[0::2], q[1::2]
                chars.append((ch.get("c"), (min(xs) + max(xs)) / 2,
                              min(ys), max(ys), size))
        # Column centres: where upright CJK characters cluster.
        centres = sorted(set(round(c[1]) for c in chars if ord(c[0]) > 0x2E80))
        cols = []
        for x in centres:
            if cols and x - cols[-1][-1] <= 3:
                cols[-1].append(x)
            else:
                cols.append([x])
        centre = [sum(c) / len(c) for c in cols]
        groups = {}
        for c in chars:
            if not centre:
                break
            k = min(range(len(centre)), key=lambda i: abs(centre[i] - c[1]))
            if abs(centre[k] - c[1]) <= c[4]:
                groups.setdefault(k, []).append(c)
        for k in sorted(groups, key=lambda i: -centre[i]):
            # The column's own size (a folio or a note beside it is not it).
            sizes = [round(c[4], 1) for c in groups[k]]
            own = max(set(sizes), key=sizes.count)
            col = sorted((c for c in groups[k] if round(c[4], 1) == own),
                         key=lambda c: c[2])
            # As rows: (char, start along, end along, size).
            result.append((pno, centre[k], [(c[0], c[2], c[3], c[4]) for c in col]))
    return result


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__)
        return 2
    only = None
    ragged_right = "--ragged" in args
    if ragged_right:
        args.remove("--ragged")
    if "--checks" in args:
        k = args.index("--checks")
        only = set(args[k + 1].split(","))
        del args[k:k + 2]
    pdf, src = args[0], args[1]
    vertical = "--vertical" in args[2:]
    failures = 0

    def report(name, why):
        nonlocal failures
        if only is not None and name not in only:
            return
        if why:
            failures += 1
            print("FAIL %s: %s" % (name, why))
        else:
            print("ok %s" % name)

    r = run(["qpdf", "--check", pdf])
    report("valid", None if r.returncode == 0 else r.stdout[-300:] + r.stderr[-300:])

    r = run(["pdffonts", pdf])
    bad = []
    for line in r.stdout.splitlines()[2:]:
        cols = line.split()
        # name type... emb sub uni object ID: the 5th/4th/3rd from the end
        if len(cols) >= 7 and (cols[-5] != "yes" or cols[-4] != "yes" or cols[-3] != "yes"):
            bad.append(cols[0])
        if not re.match(r"[A-Z]{6}\+", cols[0]):
            bad.append(cols[0])
    report("fonts", "not embedded/subset/ToUnicode: %s" % bad if bad or r.returncode else None)

    headings = set(re.sub(r"\s+", "", h) for h in
                   re.findall(r"^#+\s+(.*)$", open(src, encoding="utf-8-sig").read(), flags=re.M))
    report("text", check_text(pdf, manuscript_paragraphs(src), manuscript_title(src), headings))

    # Lines (or columns) as (page, position across, chars along the line
    # with their start and end along it): either way "start" is where the
    # line begins and "end" where it ends.
    lines = stext_columns(pdf) if vertical else stext_lines(pdf)
    # Body lines: more than 3 characters at the body size (the commonest);
    # the title, running heads and folios are furniture.
    sizes = [round(c[3], 1) for l in lines for c in l[2]]
    body_size = max(set(sizes), key=sizes.count) if sizes else 0
    body = [l for l in lines if l[2]
            and sum(1 for c in l[2] if round(c[3], 1) == body_size) > len(l[2]) / 2]
    viol = []
    for pno, y, chars in body:
        if chars[0][0] in NO_START:
            viol.append("page %d %s %.1f starts with %s" % (pno + 1, "xy"[not vertical], y, chars[0][0]))
        if chars[-1][0] in NO_END:
            viol.append("page %d %s %.1f ends with %s" % (pno + 1, "xy"[not vertical], y, chars[-1][0]))
    report("kinsoku", "; ".join(viol[:5]) if viol else None)

    # Text block edges: the most common line start / end.
    if body:
        left = min(l[2][0][1] for l in body)
        ends = sorted(round(l[2][-1][2], 1) for l in body)
        right = max(set(ends), key=ends.count) if not ragged_right else ends[-1]
        ragged = []
        for i, (pno, y, chars) in enumerate(body):
            nxt = body[i + 1] if i + 1 < len(body) else None
            # Last line of a paragraph: the next line is indented, or is on a
            # later page and indented, or there is none.
            last = nxt is None or nxt[2][0][1] > left + 0.9 * nxt[2][0][3]
            if last:
                continue
            end, size = chars[-1][2], chars[-1][3]
            # mutool places an upright glyph's box by the font's descent
            # (0.12 em above its em box), a rotated letter's by its advance.
            if abs(end - right) <= (0.15 * size if vertical else 0.75):
                continue
            # Ragged right: no line longer than the longest, none more
            # than 4 em short of it.
            if ragged_right and right - 4 * size <= end <= right + 0.75:
                continue
            if chars[-1][0] in NO_START and right - 0.75 <= end <= right + 0.75 * size:
                continue
            ragged.append("page %d y %.1f ends at %.2f, edge %.2f (%s)" % (
                pno + 1, y, end, right, "".join(c[0] for c in chars[-6:])))
        report("flush", "; ".join(ragged[:5]) if ragged else None)
        # clreq §5: a paragraph's last line is never a single character
        # (or one character and its mark).
        single = []
        for i, (pno, y, chars) in enumerate(body):
            nxt = body[i + 1] if i + 1 < len(body) else None
            last = nxt is None or nxt[2][0][1] > left + 0.9 * nxt[2][0][3]
            content = [c for c in chars if re.match(r"[\w]", c[0])]
            if last and len(content) == 1:
                single.append("page %d y %.1f: %s" % (pno + 1, y, "".join(c[0] for c in chars)))
        report("lastline", "; ".join(single[:5]) if single else None)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
