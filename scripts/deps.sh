#!/bin/sh
# Installs the Debian 12 packages paiban needs to build, render and test,
# but only those that are missing: one dpkg-query for all of them, so a
# no-op `make` stays well under a second.
set -eu
PKGS="build-essential pkg-config
libharfbuzz-dev libfreetype-dev libfontconfig-dev libhpdf-dev libpng-dev
libunibreak-dev libhyphen-dev hyphen-en-us libcmark-gfm-dev
libcmark-gfm-extensions-dev libyaml-dev libopencc-dev opencc
libzip-dev libxml2-dev libxxhash-dev libdeflate-dev
fonts-noto-cjk fonts-noto-core fonts-noto-mono fonts-arphic-ukai
qpdf poppler-utils mupdf-tools python3 time"
[ "${1:-}" = "--test" ] && PKGS="$PKGS valgrind clang libclang-rt-14-dev hyperfine fonts-ebgaramond strace
  epubcheck default-jre-headless chromium fonts-dejavu-core fonts-urw-base35 procps"

# shellcheck disable=SC2086
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null |
  awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }')
missing=""
for p in $PKGS; do
  case " $(echo $installed) " in
  *" $p "*) ;;
  *) missing="$missing $p" ;;
  esac
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
