#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright; PDFs are looked at with poppler-utils, Word and
# Excel files are rendered by LibreOffice (headless).
# Never let Playwright download a browser of its own: the machines have no network for it.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -e /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf ] || missing+=(fonts-liberation)
# the Word and Excel reports are rendered to images by LibreOffice in tests/reports/test_report_render.py
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
# WeasyPrint subsets the PDFs' fonts with HarfBuzz when it finds it, else with fontTools, several times slower
# (a commune's PDF: 0.3 s of its 1.3 s). Production installs it too (README, "Production").
compgen -G "/usr/lib/*/libharfbuzz-subset.so.0" >/dev/null || missing+=(libharfbuzz-subset0)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing ${missing[*]} from Debian's packages…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
