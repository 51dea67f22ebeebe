"""When the server, not the request, fails: what the user reads, and what a load balancer asks.

    server_error    handler500: the database out of reach, or the file storage full or read-only, is a 503
                    in Vietnamese saying that nothing was saved and to try again in a minute (Retry-After);
                    anything else the 500 page; under /api/ the same in the API's JSON. Django has logged the
                    exception before it calls this.
    health          /suc-khoe/: whether the database and the Celery broker answer (200, else 503), for a
                    load balancer or a monitoring probe; it says nothing else about the portal. Each is asked
                    over a connection of the check's own that gives up after CHECK_TIMEOUT_SECONDS, so that a
                    server that accepts and never answers is reported within seconds rather than holding the
                    check for ever (PostgreSQL's and Redis's clients wait without limit unless told).
"""

import sys

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from units.broker import bounded_connection
from units.storage_errors import is_storage_failure

RETRY_AFTER_SECONDS = 60
BUSY_SQLSTATES = {"57014", "55P03"}  # PostgreSQL's query_canceled (statement_timeout), lock_not_available
CHECK_TIMEOUT_SECONDS = 2  # each of the two checks: a load balancer's probe commonly waits 5 s
API_PREFIX = "/api/"  # where config.urls mounts the API: its clients read {"detail", "code"} (docs/api.md)
# each kind of failure: the page, the status, and the API's code and detail saying the same in a sentence
FAILURES = {
    "database": ("503_database.html", 503, "database_unavailable",
                 "Cổng tạm thời không truy cập được dữ liệu: máy chủ cơ sở dữ liệu đang không trả lời. Yêu cầu chưa "
                 "được thực hiện và không có gì bị lưu dở; hãy thử lại sau khoảng một phút."),
    # a statement that gave up (DB_STATEMENT_TIMEOUT) or a wait for a row another request holds (DB_LOCK_TIMEOUT):
    # the database answered; the request was cancelled
    "busy": ("503_busy.html", 503, "database_busy",
             "Yêu cầu phải chờ quá lâu: dữ liệu này đang được cập nhật ở nơi khác hoặc cần xử lý quá nhiều cùng lúc. "
             "Yêu cầu chưa được thực hiện và không có gì bị lưu dở; hãy thử lại sau ít giây."),
    "storage": ("503_storage.html", 503, "storage_unavailable",
                "Máy chủ không ghi được tệp: bộ nhớ lưu trữ đã đầy hoặc đang không cho ghi. Không có gì bị lưu dở; "
                "hãy thử lại sau ít phút."),
    "server": ("500.html", 500, "server_error",
               "Đã có lỗi ở máy chủ: yêu cầu chưa được thực hiện. Lỗi đã được ghi lại để khắc phục; hãy thử lại "
               "sau ít phút."),
}


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError) and getattr(error.__cause__, "sqlstate", None) in BUSY_SQLSTATES:
        kind = "busy"
    elif isinstance(error, (OperationalError, InterfaceError)):
        kind = "database"
    elif is_storage_failure(error):
        kind = "storage"
    else:
        kind = "server"
    template, status, code, detail = FAILURES[kind]
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse({"detail": detail, "code": code}, status=status)
    else:
        response = HttpResponse(loader.get_template(template).render(), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@never_cache
@require_GET
def health(request):
    checks = {"database": _database(), "broker": _broker()}
    healthy = all(state in ("ok", "in-process") for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)


def _database():
    probe = _probe_connection()
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except (OperationalError, InterfaceError):
        return "unavailable"
    finally:
        if probe is not connections[DEFAULT_DB_ALIAS]:
            probe.close()


def _probe_connection():
    """PostgreSQL: a new connection to the same database that gives up connecting after CHECK_TIMEOUT_SECONDS
    (libpq's connect_timeout; none is set for the requests). SQLite, a file, answers or fails at once."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return connection
    options = {key: value for key, value in connection.settings_dict["OPTIONS"].items() if key != "pool"}
    settings_dict = {**connection.settings_dict, "OPTIONS": {**options, "connect_timeout": CHECK_TIMEOUT_SECONDS}}
    return type(connection)(settings_dict, DEFAULT_DB_ALIAS)  # one connection, never a pool of its own


def _broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"  # the embedded default: tasks run in the web process
    from config.celery import app

    try:
        with bounded_connection(app, timeout=CHECK_TIMEOUT_SECONDS) as broker:
            broker.ensure_connection(max_retries=0)  # one try: the check is asked again soon enough
        return "ok"
    except Exception:  # kombu raises the transport's own errors: any of them means the broker does not answer
        return "unavailable"
