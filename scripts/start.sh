#!/usr/bin/env bash
# Install everything, load the demo data and start the portal on http://127.0.0.1:8000/.
# Embedded default: SQLite and in-process Celery tasks; nothing else to install.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
echo
echo "Cổng đang chạy tại http://${HOST:-127.0.0.1}:${PORT:-8000}/  (Ctrl+C để dừng)"
exec .venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
