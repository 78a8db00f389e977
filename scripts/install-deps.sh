#!/usr/bin/env bash
# Installs the system packages Berkas builds, runs and tests with (Debian 12; run as root).
set -euo pipefail
packages=(
  pkg-config libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng
  poppler-utils libsqlite3-dev sqlite3 util-linux curl python3
  chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Checks that fail loudly here rather than as a skipped test later.
tesseract --list-langs 2>/dev/null | grep -qx ind || { echo "Tesseract language data 'ind' is missing" >&2; exit 1; }
command -v pdftoppm >/dev/null || { echo "poppler-utils (pdftoppm) is missing" >&2; exit 1; }
# The officers' pages browser test (Tests/ServerTests/ReviewBrowserTests.swift) drives it headless.
command -v chromium >/dev/null || { echo "chromium is missing" >&2; exit 1; }
