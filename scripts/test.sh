#!/usr/bin/env bash
# Run the whole test suite: lint, migrations in sync, then pytest (browser tests included).
# With no environment variables it runs on SQLite with eager Celery; .ci/run runs it again on
# PostgreSQL with Redis and a real Celery worker.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
bash scripts/browser-deps.sh
.venv/bin/ruff check .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Migrations are out of date: run manage.py makemigrations." >&2; exit 1; }
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing the run." >&2
  exit 1
fi
exit "$rc"
