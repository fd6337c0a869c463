#!/bin/sh
# Installs the Debian 12 packages paiban needs to build, render and test,
# but only those that are missing (so `make` is quick on a ready machine).
set -eu
PKGS="build-essential pkg-config
libharfbuzz-dev libfreetype-dev libfontconfig-dev libhpdf-dev
libunibreak-dev libhyphen-dev hyphen-en-us libcmark-gfm-dev
libcmark-gfm-extensions-dev libyaml-dev libopencc-dev opencc
libzip-dev libxml2-dev libxxhash-dev libdeflate-dev
fonts-noto-cjk fonts-noto-core fonts-noto-mono fonts-arphic-ukai
qpdf poppler-utils mupdf-tools python3 time"
[ "${1:-}" = "--test" ] && PKGS="$PKGS valgrind clang libclang-rt-14-dev hyperfine fonts-ebgaramond
  epubcheck default-jre-headless chromium fonts-dejavu-core"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "paiban: installing missing packages:$missing" >&2
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
