"""When the server, not the request, fails: what the user reads, and what a load balancer asks.

    server_error    handler500: the database out of reach, or the file storage full or read-only, is a 503
                    in Vietnamese saying that nothing was saved and to try again in a minute (Retry-After);
                    anything else the 500 page. Django has logged the exception before it calls this.
    health          /suc-khoe/: whether the database and the Celery broker answer (200, else 503), for a
                    load balancer or a monitoring probe; it says nothing else about the portal.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from units.storage_errors import is_storage_failure

RETRY_AFTER_SECONDS = 60


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        template, status = "503_database.html", 503
    elif is_storage_failure(error):
        template, status = "503_storage.html", 503
    else:
        template, status = "500.html", 500
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
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except (OperationalError, InterfaceError):
        return "unavailable"


def _broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"  # the embedded default: tasks run in the web process
    from config.celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # kombu raises the transport's own errors: any of them means the broker does not answer
        return "unavailable"
