#!/usr/bin/env bash
# Serve the portal as in production (gunicorn, static files by WhiteNoise, DEBUG off) on a database of
# its own holding the demo data, for the load script scripts/bench/load.py. Never the developer's database:
#
#     BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_load bash scripts/bench/serve.sh
#
# (default: a SQLite file under var/bench/; BENCH_SKIP_SEED=1 serves it again as it is). WEB_CONCURRENCY (gunicorn workers, default: cores + 1),
# GUNICORN_THREADS (default 2), PORT (default 8100). Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p var/bench
CORES=$(nproc)
export DATABASE_URL="${BENCH_DATABASE_URL:-sqlite:///$PWD/var/bench/load.sqlite3}"
export DEBUG=off SECRET_KEY="${SECRET_KEY:-bench-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export ALLOWED_HOSTS="127.0.0.1,localhost" SECURE_SSL_REDIRECT=off SESSION_COOKIE_SECURE=off CSRF_COOKIE_SECURE=off
export SECURE_HSTS_SECONDS=0 STATIC_ROOT="$PWD/var/bench/static"
# the load signs in the same few demo accounts from one address many times: lift the lockout's counting
export AXES_FAILURE_LIMIT=1000
unset CELERY_BROKER_URL  # builds run in-process; the load script requests none
PY=.venv/bin/python
if [[ "$DATABASE_URL" == postgres* ]]; then
  name="${DATABASE_URL##*/}"
  psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres "$name"
fi
if [[ -z "${BENCH_SKIP_SEED:-}" ]]; then  # BENCH_SKIP_SEED=1: serve the database as it is (a rerun)
  $PY manage.py migrate --noinput -v0
  $PY manage.py seed_demo >/dev/null
  $PY manage.py collectstatic --noinput -v0
fi
echo "gunicorn: ${WEB_CONCURRENCY:-$((CORES + 1))} workers × ${GUNICORN_THREADS:-2} threads on http://127.0.0.1:${PORT:-8100}/"
exec .venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:${PORT:-8100}" \
  --workers "${WEB_CONCURRENCY:-$((CORES + 1))}" --threads "${GUNICORN_THREADS:-2}" \
  --worker-class gthread --max-requests 2000 --max-requests-jitter 200 --timeout 60 --access-logfile -
