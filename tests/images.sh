#!/bin/sh
# Block images (PNG, JPEG): drawn in the PDF at the measure, every bad
# image class reported at the image's position, no partial output.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1

run() { timeout 20 "$PAIBAN" "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"; echo $? >"$TMP/rc.txt"; }
# want NAME STATUS PATTERN: the last run's status and stderr.
want() {
  if [ "$(cat "$TMP/rc.txt")" != "$2" ]; then
    fail "$1: exit status $(cat "$TMP/rc.txt"), expected $2: $(head -c 300 "$TMP/err.txt")"
  elif [ -n "$3" ] && ! grep -Eq -- "$3" "$TMP/err.txt"; then
    fail "$1: stderr does not match /$3/: $(head -c 300 "$TMP/err.txt")"
  else
    pass
  fi
}
# png W H FILE: an RGB PNG of W x H pixels.
png() {
  python3 - "$1" "$2" "$3" <<'PY'
import struct, sys, zlib
w, h, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rows = b''.join(b'\0' + b''.join(bytes([(x * 5) % 256, (y * 3) % 256, 128]) for x in range(w)) for y in range(h))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
open(out, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                      + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))
PY
}

cp "$ROOT/tests/images/card.png" "$ROOT/tests/images/card.jpg" .
printf -- '---\ntitle: 圖\n---\n\n前文一段。\n\n![紅與藍的測試卡](card.png)\n\n中間一段。\n\n![JPEG test card](card.jpg)\n\n後文。\n' >img.md

# --- PNG and JPEG drawn, scaled to the measure ----------------------------
run -q -o img.pdf img.md; want "PNG and JPEG" 0 ""
pdfimages -list img.pdf >list.txt 2>&1
[ "$(grep -c ' image  *40  *20  *rgb  *3  *8  *image ' list.txt)" = 1 ] &&
  [ "$(grep -c ' image  *40  *20  *rgb  *3  *8  *jpeg ' list.txt)" = 1 ] && pass ||
  fail "pdfimages finds the PNG and the JPEG: $(cat list.txt)"
qpdf --check img.pdf >/dev/null 2>&1 && pass || fail "qpdf --check on the image PDF"
"$PAIBAN" -q --dump lines img.md >dump.txt
[ "$(grep -c '^  line image .* x= 60.77 w=315.00 nat=315.00 .* @7:1 end ||$' dump.txt)" = 1 ] && pass ||
  fail "the PNG is a galley line at the measure: $(grep image dump.txt)"
run -q -o img2.pdf img.md
cmp -s img.pdf img2.pdf && pass || fail "an image PDF is byte-identical when made again"

# A tall image is at most 3/4 of the text block high, narrower and centred.
png 20 400 tall.png
printf '![tall](tall.png)\n' >tall.md
"$PAIBAN" -q --dump lines tall.md >tall.txt 2>&1
line=$(grep '^  line image' tall.txt)
w=$(echo "$line" | sed 's/.* w= *\([0-9.]*\) .*/\1/')
awk -v w="$w" 'BEGIN { exit !(w > 10 && w < 40) }' && pass || fail "a tall image is narrowed: $line"

# --- every bad image at its position --------------------------------------
printf '正文。\n\n![沒有](nothere.png)\n' >missing.md
run -q -o m.pdf missing.md; want "missing image" 1 "^missing.md:3:1: error: cannot read the image 'nothere.png': No such file"
[ ! -e m.pdf ] && pass || fail "a missing image leaves no PDF"
echo 'not an image' >fake.png
printf '![假](fake.png)\n' >fake.md
run -q -o f.pdf fake.md; want "not an image" 1 "^fake.md:1:1: error: the image 'fake.png' cannot be used: not a PNG or JPEG image"
mkdir -p sub
printf '![外](../card.png)\n' >sub/out.md
run -q -o o.pdf sub/out.md; want "image outside the directory" 1 "^sub/out.md:1:1: error: the image 'sub/../card.png' is outside"
run -q --allow-outside -o o.pdf sub/out.md; want "--allow-outside permits it" 0 ""
# A PNG whose header is fine but whose pixels are cut off (libharu would
# abort in libpng): decoded and refused at the image, no partial PDF.
head -c 60 tall.png >cut.png
printf '![cut](cut.png)\n' >cut.md
run -q -o cut.pdf cut.md; want "damaged PNG" 1 "^cut.md:1:1: error: the image 'cut.png' cannot be used: a damaged PNG file"
[ ! -e cut.pdf ] && pass || fail "a damaged image leaves no PDF"
printf 'x ![行內](card.png) y\n\n![遠](https://example.com/a.png)\n' >warn.md
run -o w.pdf warn.md; want "an image inside text" 0 "^warn.md:1:3: warning: an image inside text is not drawn"
grep -q "^warn.md:3:1: warning: the image 'https://example.com/a.png' is not a local file" err.txt && pass ||
  fail "a remote image is warned about: $(cat err.txt)"
run -o v.pdf --writing-mode vertical-rl img.md; want "vertical writing" 0 "^img.md:7:1: warning: images are not drawn in vertical writing yet"

# The EPUB does not carry images yet: a warning, the description as text.
run -q -o img.epub --profile epub img.md; want "EPUB" 0 ""
run -o img.epub --profile epub img.md; want "EPUB warns" 0 "^img.md:7:1: warning: images are not in the EPUB yet"

# A derived edition finds the images beside its original.
mkdir -p orig
cp card.png orig/
printf -- '---\nlang: zh-Hant\n---\n\n正文。\n\n![卡](card.png)\n' >orig/a.md
printf -- '---\nderive-from: orig/a.md\nconvert: t2s\n---\n' >derived.md
run -q -o d.pdf derived.md; want "derived edition's image" 0 ""
[ "$(pdfimages -list d.pdf 2>/dev/null | grep -c ' image ')" = 1 ] && pass || fail "the derived edition draws the original's image"

summary images
