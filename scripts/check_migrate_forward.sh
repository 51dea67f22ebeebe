#!/usr/bin/env bash
# Prove that a database built by the previous main migrates to this checkout's schema without losing or
# changing a row:
#   1. the previous main (FROM, default 233977b), in a temporary git worktree, migrates an empty
#      throwaway database and seeds it with `manage.py seed_demo` (plus a few rows in tables the demo
#      leaves empty, see `enrich` in scripts/migrate_forward_snapshot.py; MIGRATE_FORWARD_ENRICH=0 skips it);
#   2. a snapshot of every application table is taken with the previous code;
#   3. this checkout runs `manage.py migrate`, then `migrate --check` (nothing left unapplied);
#   4. a snapshot is taken with this code and compared with the first one (row counts, and every value of
#      every table, in the current layout's terms), and this code's ORM reads the moved rows.
# Both code versions run with this checkout's .venv python.
#
# Database: a temporary SQLite file when DATABASE_URL is unset; with a postgres:// DATABASE_URL, a fresh
# database on the same server (nq71_forward_<pid>), dropped at exit. Celery runs in-process (no broker).
#
# Usage: bash scripts/check_migrate_forward.sh        FROM=<commit> bash scripts/check_migrate_forward.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python="$root/.venv/bin/python"
helper="$root/scripts/migrate_forward_snapshot.py"
from=${FROM:-233977b}
from_sha=$(git rev-parse --verify --quiet "$from^{commit}") \
  || { echo "FROM=$from is not a commit" >&2; exit 2; }

# Seeding must not wait for a worker: no broker means eager, in-process tasks.
unset CELERY_BROKER_URL CELERY_RESULT_BACKEND CELERY_TASK_ALWAYS_EAGER REQUIRE_CELERY_WORKER
export DJANGO_SETTINGS_MODULE=config.settings
export CONN_MAX_AGE=0

work=$(mktemp -d "${TMPDIR:-/tmp}/nq71-forward.XXXXXX")
old="$work/old"
pg_db=""
pg_args=()
cleanup() {
  local rc=$?
  set +e
  if [ -d "$old" ]; then
    git -C "$root" worktree remove --force "$old" >/dev/null 2>&1
  fi
  git -C "$root" worktree prune >/dev/null 2>&1
  if [ -n "$pg_db" ]; then
    dropdb "${pg_args[@]}" --if-exists --force "$pg_db" >/dev/null 2>&1 \
      || echo "warning: could not drop database $pg_db" >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- The throwaway database
base_url=${DATABASE_URL:-}
case "$base_url" in
  "")
    export DATABASE_URL="sqlite:///$work/db.sqlite3"
    where="SQLite $work/db.sqlite3"
    ;;
  postgres://* | postgresql://* | pgsql://*)
    pg_db="nq71_forward_$$"
    # Host, port, user and password of DATABASE_URL, and the same URL naming the throwaway database.
    parts=$("$python" - "$base_url" "$pg_db" <<'PY'
import sys
from urllib.parse import unquote, urlsplit, urlunsplit
url = urlsplit(sys.argv[1])
print(url.hostname or "127.0.0.1", url.port or 5432, unquote(url.username or "postgres"),
      urlunsplit(url._replace(path="/" + sys.argv[2])))
print(unquote(url.password or ""))
PY
)
    read -r pg_host pg_port pg_user new_url <<<"$(head -n 1 <<<"$parts")"
    pg_password=$(tail -n 1 <<<"$parts")
    if [ -n "$pg_password" ]; then export PGPASSWORD="$pg_password"; fi
    pg_args=(-h "$pg_host" -p "$pg_port" -U "$pg_user")
    createdb "${pg_args[@]}" "$pg_db"
    export DATABASE_URL="$new_url"
    where="PostgreSQL database $pg_db on $pg_host:$pg_port"
    ;;
  *)
    echo "DATABASE_URL must be unset (SQLite) or a postgres:// URL, not ${base_url%%://*}://..." >&2
    exit 2
    ;;
esac
export MEDIA_ROOT="$work/media"

echo "=== Migrate forward: ${from_sha:0:9} -> this checkout, on $where"

# --- 1. The previous main migrates and seeds the database
git -C "$root" worktree add --detach --quiet "$old" "$from_sha"
(
  cd "$old"
  "$python" manage.py migrate --verbosity 0 --no-input
  "$python" manage.py seed_demo >"$work/seed.log" 2>&1 || { cat "$work/seed.log" >&2; exit 1; }
  grep -E "bản ghi|có sẵn" "$work/seed.log" || true
  if [ "${MIGRATE_FORWARD_ENRICH:-1}" != 0 ]; then
    "$python" "$helper" --root "$old" enrich
  fi
  # 2. The snapshot under the previous code
  "$python" "$helper" --root "$old" snapshot "$work/old.json"
)

# --- 3. This checkout migrates it; nothing may be left unapplied
"$python" manage.py migrate --no-input >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
grep -E "^  Applying" "$work/migrate.log" || true
"$python" manage.py migrate --check --no-input >/dev/null \
  || { echo "manage.py migrate --check: unapplied migrations remain" >&2; exit 1; }

# --- 4. The snapshot under this code, compared; this code's ORM reads the moved rows
"$python" "$helper" --root "$root" snapshot "$work/new.json"
"$python" "$helper" --root "$root" orm-check "$work/old.json"
"$python" "$helper" compare "$work/old.json" "$work/new.json"
# the derived tables the migrations filled agree with what they derive from
"$python" manage.py rebuild_rollups --check
