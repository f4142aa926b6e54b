#!/usr/bin/env bash
# Rewrite requirements/lock.txt from a fresh venv with the extras `make test` installs.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --upgrade pip
"$tmp/venv/bin/pip" install --quiet -e '.[dev,postgres,ray]'
{ sed -n '/^#/p' requirements/lock.txt; "$tmp/venv/bin/pip" freeze --exclude-editable; } \
  > "$tmp/lock.txt"
mv "$tmp/lock.txt" requirements/lock.txt
echo "wrote requirements/lock.txt ($(grep -vc '^#' requirements/lock.txt) pins)"
