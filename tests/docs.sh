#!/bin/sh
# The documents the code relies on: every "docs/DESIGN.md §N" cited in the
# sources, headers and tests names a section that exists, and every file
# under docs/ that the code cites exists.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
for n in $(grep -rhoE 'docs/DESIGN\.md §[0-9]+(, §[0-9]+)*' src include tests Makefile |
           grep -oE '§[0-9]+' | tr -d '§' | sort -un); do
  if grep -qE "^## $n\. " docs/DESIGN.md; then pass
  else fail "docs/DESIGN.md has no section $n, which the code cites"; fi
done
for f in $(grep -rhoE 'docs/[A-Za-z0-9_-]+\.md' src include | sort -u); do
  if [ -f "$f" ]; then pass; else fail "$f is cited in the code but missing"; fi
done
summary docs
