"""The only settings module.

Embedded default: with no environment variables the portal runs on SQLite and runs Celery tasks
in-process. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, DEBUG=off, ALLOWED_HOSTS
(see README). Bad values fail loudly at start-up.
"""

import gc
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent



class PortalEnv(environ.Env):
    """django-environ's reader, refusing a malformed value with the variable's name.

    django-environ reads "DEBUG=of" or "EMAIL_USE_TLS=ture" as off, an "EMAIL_PORT=587s" as a ValueError deep in the
    settings' import, and an empty STATIC_ROOT as the code's own directory (collectstatic then wrote into it): the
    operator who made the typo read a traceback that did not name it, or nothing at all.
    """

    BOOLEAN_FALSE_STRINGS = ("false", "off", "no", "n", "0")

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        raw = self.ENVIRON.get(var)
        if cast is bool and raw is not None and raw.strip().lower() not in (
                *self.BOOLEAN_TRUE_STRINGS, *self.BOOLEAN_FALSE_STRINGS):
            raise ImproperlyConfigured(f"{var} must be on or off (got {raw!r}).")
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (TypeError, ValueError):
            if cast is int:
                raise ImproperlyConfigured(f"{var} must be a whole number (got {raw!r}).") from None
            # not the value itself: it may be a password
            raise ImproperlyConfigured(f"{var} is malformed: see the README's configuration table.") from None

    def path(self, var, default=environ.Env.NOTSET, **kwargs):
        if self.ENVIRON.get(var) == "":
            raise ImproperlyConfigured(f"{var} is empty: set a directory, or remove the variable for its default.")
        return super().path(var, default=default, **kwargs)


env = PortalEnv()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

# Python's cycle collector runs on its youngest generation after every 700 allocations net of frees, and a full
# collection, which walks every object of the process (about 100,000 once Django is loaded), after 100 of those.
# A page that builds a few thousand small objects (a province's drill-down: 120 communes × a criterion's targets ×
# the trend's 4 periods) paid 40 ms of its 190 in 68 young and half a full collection per request (issue 13,
# docs/benchmarks.md). Requests leave few cycles behind: the young generation is collected every 20,000
# allocations, the older ones at Python's usual ratios (10). Set here, where every process passes (gunicorn's and
# Celery's workers, the management commands, the tests) after the .env file is read; GC_THRESHOLD="a,b,c"
# overrides it (gc.set_threshold). config/wsgi.py also freezes what a web worker loaded.
GC_THRESHOLD = env.str("GC_THRESHOLD", default="") or "20000,10,10"
try:
    _thresholds = [int(part) for part in GC_THRESHOLD.split(",")]
except ValueError:
    _thresholds = []
if len(_thresholds) != 3 or min(_thresholds) < 0:
    raise ImproperlyConfigured(f"GC_THRESHOLD must be three whole numbers, e.g. 20000,10,10 (got {GC_THRESHOLD!r}).")
gc.set_threshold(*_thresholds)
_INSECURE_KEY = "django-insecure-demo-key-only-for-local-use"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_KEY)
if not DEBUG and SECRET_KEY == _INSECURE_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
# an empty or short key (a "SECRET_KEY=" line left blank) started the server, which failed on every request or signed
# sessions with a guessable key; Django's deploy check only warns below 50 characters or 5 distinct ones
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured('SECRET_KEY must be at least 50 random characters when DEBUG is off, e.g. the output '
                               'of: python -c "import secrets; print(secrets.token_urlsafe(50))".')
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:  # the server started and answered every request "Bad Request (400)"
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the portal's host names when DEBUG is off, "
                               "e.g. nq71.quangninh.gov.vn (comma-separated).")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "units",
    "plans",
    "targets",
    "periods",
    "reports",
    "importer",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # before anything reads a body (CSRF reads a posted form, its files included): one above REQUEST_MAX_BYTES is 413
    "config.security.RequestSizeLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.security.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "units.sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "units.passwords.PasswordChangeRequiredMiddleware",
    "config.security.RejectNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.htmx.HtmxMiddleware",
    # last, as django-axes asks: it turns a locked-out sign-in into the lockout page
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files from the web processes themselves, out of STATIC_ROOT (gunicorn needs no other server for
    # them; runserver serves them in development): right after SecurityMiddleware, as WhiteNoise asks, so
    # that they skip the session, CSRF and the database.
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.nav",
                "reports.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# an empty, misspelt ("postgress://") or nameless URL failed later in Django (KeyError: 'ENGINE', "isn't an available
# database backend"); the message never repeats the URL, which holds the password
if DATABASES["default"].get("ENGINE") not in ("django.db.backends.postgresql", "django.db.backends.sqlite3") \
        or not DATABASES["default"].get("NAME"):
    raise ImproperlyConfigured("DATABASE_URL must read postgres://user:password@host:5432/database "
                               "(or sqlite:////absolute/path.sqlite3).")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep the embedded default usable with a runserver and a shell at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    # persistent connections (one per gunicorn worker thread), checked before each request reuses them so
    # that a restarted PostgreSQL costs an error to nobody
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database that accepts and never answers must not hold a request for ever: a connection gives up after
        # DB_CONNECT_TIMEOUT seconds (the 503 page follows). Under a WSGI server (config/wsgi.py) a statement also
        # gives up after DB_STATEMENT_TIMEOUT and a wait for a row another request holds after DB_LOCK_TIMEOUT (a
        # save waited 95 s behind a stuck transaction); workers and manage.py (a national seed, a rebuild) have no
        # limit unless told. Set them empty behind a pooler that refuses startup options (PgBouncer).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
        limits = [f"-c {name}={value}" for name, value in (
            ("statement_timeout", env.str("DB_STATEMENT_TIMEOUT", default="")),
            ("lock_timeout", env.str("DB_LOCK_TIMEOUT", default=""))) if value]
        if limits:
            options.setdefault("options", " ".join(limits))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's plain widgets written in Python, the others through its templates (config/form_renderer.py)
FORM_RENDERER = "config.form_renderer.WidgetRenderer"

AUTHENTICATION_BACKENDS = [
    # first, so that a locked-out account or address is refused before its password is checked
    "axes.backends.AxesStandaloneBackend",
    "units.backends.MembershipModelBackend",  # ModelBackend, reading the memberships with the user: one query
]

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account, or from
# one address, sign-in is refused for AXES_COOLOFF_MINUTES; every failure is logged and kept in the
# admin (Axes › access failures). Behind a proxy, set AXES_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# a sign-in clears the failures of its own account only (units.passwords.forget_own_failures): axes's reset cleared
# those of the whole address too, so that signing in with one's own account after every four guesses at another's
# password locked neither
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "config.lockout.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# usernames and addresses appear in the log of failures: that log is what an administrator audits
AXES_SENSITIVE_PARAMETERS = []
AXES_IPWARE_META_PRECEDENCE_ORDER = [env.str("AXES_CLIENT_IP_HEADER", default="REMOTE_ADDR")]

# Sessions end after SESSION_IDLE_MINUTES without a request (units/sessions.py moves the expiry forward,
# writing the session at most every SESSION_REFRESH_SECONDS).
SESSION_COOKIE_AGE = 60 * env.int("SESSION_IDLE_MINUTES", default=120)
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "units.passwords.MinimumLengthValidator"},  # Django's, with a Vietnamese message
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "units.passwords.NotTheCurrentPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Off: with it, {{ obj.pk }} renders 4308 as "4.308" in links and data attributes. Numbers shown to users
# go through the `num` and `pct` filters (targets/templatetags/numbers.py), which group thousands.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Production (DEBUG off) serves what `manage.py collectstatic` wrote, named after their content and with gzip and
# brotli copies made once (config.storage.PortalStaticFilesStorage: cached for a year); in development and tests the
# files are read where they are.
STORAGES = {
    "default": {"BACKEND": "config.storage.PortalFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "config.storage.PortalStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Content-Security-Policy (django-csp), in every mode so that the tests see what production sends:
# scripts, styles, fonts and images from the portal itself only (vendored libraries), no inline script
# or handler, no framing. The PDF templates are rendered by WeasyPrint, never served, and keep their
# inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PERMISSIONS_POLICY_DENIED = ["accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
                             "payment", "usb", "interest-cohort"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The REST API (api/, docs/api.md): tokens sent as "Authorization: Bearer …" or the portal's own session (with
# its CSRF check); each token (or signed-in user) may send API_RATE_LIMIT requests, counted in the cache. The
# embedded default cache is per process: with several processes, point CACHE_URL at Redis so that the count is
# shared.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.BearerTokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.auth.TokenMayWrite"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.UTF8JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API của Cổng theo dõi thực hiện Nghị quyết 71-NQ/TW",
    "DESCRIPTION": "Đọc và ghi dữ liệu của cổng theo cùng quy tắc phân quyền như trên trình duyệt. Xác thực bằng "
                   "khóa truy cập (tiêu đề `Authorization: Bearer nq71_…`) tạo tại trang “Khóa API” của người dùng, "
                   "hoặc khóa của tài khoản dịch vụ do đơn vị tạo.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.describe_path_parameters",
                             "api.schema.document_refusals"],
    # tasks and progress values share one set of states (plans.TaskStatus, targets.ProgressStatus)
    "ENUM_NAME_OVERRIDES": {"ProgressStatusEnum": "targets.models.ProgressStatus",
                            "ReportStatusEnum": "reports.models.ReportStatus",
                            "OutgoingStatusEnum": "reports.models.OutgoingStatus",
                            "DocumentStatusEnum": "plans.models.DocumentStatus"},
}

# Evidence files: what may be uploaded and how large (checked by content, not by name).
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
XLSX_MAX_BYTES = env.int("XLSX_MAX_BYTES", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request body taken at all (config.security.RequestSizeLimitMiddleware): the largest file a form takes
# (a plan to import, 20 MB: importer.extraction.reading.MAX_BYTES) and the form around it. Django bounds a form's
# fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not its files: without this, any POST, even signed out (the CSRF check
# reads the form), was written to a temporary file whatever its size before being refused.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=21 * 1024 * 1024)

# Celery: without a broker the tasks run in-process (eager), so a newcomer needs nothing else.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://", "amqps://")):
    # kombu takes "redis//host" for a transport named after it, and the first report build failed
    raise ImproperlyConfigured("CELERY_BROKER_URL must read redis://host:6379/0 (or be empty: tasks run in-process).")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Redis redelivers a message not acknowledged within visibility_timeout (kombu's default: 1 hour). Above the
# report build's hard time limit (reports.tasks.build_report, 660 s), so a build still running is not delivered
# twice; below it, a worker killed mid-build would keep its message an hour. Recovery does not wait for it: the
# sweep below re-sends from the database. socket_connect_timeout: a request waits at most that long for an
# unreachable broker before telling the user (reports.tasks.send_build).
# a broker that accepts and never answers: connecting and every read give up after 5 s (a request's own sends are
# bounded tighter still, units/broker.py); kombu's blocking pop waits 1 s at a time, well within it
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 12 * 60, "socket_connect_timeout": 5, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
# Report builds (reports/builds.py; figures in docs/robustness.md). A running build writes heartbeat_at every
# HEARTBEAT seconds (also while its PDF child works); after STALE seconds of silence its worker is taken for
# dead, and a build sent that long ago that has not started for lost (the broker lost its queue). Each worker
# enqueues the sweep that sends them again when it connects to the broker and every SWEEP seconds
# (config/celery.py); the build pages run it too. Recovery takes at most about STALE + SWEEP seconds.
REPORT_BUILD_HEARTBEAT_SECONDS = env.int("REPORT_BUILD_HEARTBEAT_SECONDS", default=10)
REPORT_BUILD_STALE_SECONDS = env.int("REPORT_BUILD_STALE_SECONDS", default=60)
REPORT_BUILD_SWEEP_SECONDS = env.int("REPORT_BUILD_SWEEP_SECONDS", default=30)
if not 0 < 3 * REPORT_BUILD_HEARTBEAT_SECONDS <= REPORT_BUILD_STALE_SECONDS or REPORT_BUILD_SWEEP_SECONDS <= 0:
    raise ImproperlyConfigured("REPORT_BUILD_STALE_SECONDS must be at least three heartbeats "
                               "(REPORT_BUILD_HEARTBEAT_SECONDS > 0), and REPORT_BUILD_SWEEP_SECONDS above 0.")
# how long the API keeps the first answer to a write sent with an Idempotency-Key (api/idempotency.py): a retry
# within this time gets it again; after it, the key may be used anew
API_IDEMPOTENCY_KEEP_HOURS = env.int("API_IDEMPOTENCY_KEEP_HOURS", default=48)
# how long a progress value deleted or archived stays listed in the API's values/deleted/ (targets.DeletedValue); a
# client syncing less often than this resynchronises in full
API_DELETED_VALUES_KEEP_DAYS = env.int("API_DELETED_VALUES_KEEP_DAYS", default=90)
if API_DELETED_VALUES_KEEP_DAYS <= 0:
    raise ImproperlyConfigured("API_DELETED_VALUES_KEEP_DAYS must be a number of days above 0.")

CELERY_BEAT_SCHEDULE = {
    # the morning after a period's deadline, each unit's report is built and mailed to its officers
    "build-deadline-reports": {"task": "reports.tasks.build_deadline_reports", "schedule": crontab(hour=6, minute=0)},
    # deadlines 7 and 1 days away, tasks just overdue: notifications and e-mails, once per user (reports/notifications.py)
    "send-daily-notifications": {"task": "reports.tasks.send_daily_notifications", "schedule": crontab(hour=6, minute=30)},
    # answers kept for Idempotency-Key retries are forgotten after API_IDEMPOTENCY_KEEP_HOURS
    "sweep-idempotency-keys": {"task": "api.tasks.sweep_idempotency_keys", "schedule": crontab(minute=17)},
    # values deleted or archived are forgotten by values/deleted/ after API_DELETED_VALUES_KEEP_DAYS
    "sweep-deleted-values": {"task": "api.tasks.sweep_deleted_values", "schedule": crontab(hour=3, minute=41)},
}

# The console backend prints every mail, set-password links included, into the server's log: only where DEBUG is on.
# In production a forgotten EMAIL_BACKEND sends through EMAIL_HOST (localhost:25), and a mail that cannot go is
# logged without its text.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend" if DEBUG
                        else "django.core.mail.backends.smtp.EmailBackend")
# the SMTP server of EMAIL_BACKEND=...smtp.EmailBackend; a mail server that never answers costs EMAIL_TIMEOUT seconds
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
if EMAIL_USE_TLS and EMAIL_USE_SSL:  # Django's SMTP backend would refuse each mail, after the step was saved
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set one of them.")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cong-nq71@localhost")
# The portal's public address, for the links that e-mails carry (units/links.py): a mail has no page to resolve
# a relative link against, and a request's own host may be an internal one. No trailing path.
PORTAL_URL = env.str("PORTAL_URL", default="http://localhost:8000").rstrip("/")
if not PORTAL_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("PORTAL_URL must be an absolute http(s) address, e.g. https://nq71.haiphong.gov.vn.")

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # the health check answers a probe that calls the web server directly over HTTP (the proxy's, a monitor's):
    # redirected, it read 301 whatever the database's state, which most probes count as up
    SECURE_REDIRECT_EXEMPT = [r"^suc-khoe/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # one line per event on stderr (gunicorn's, the worker's: journald or the container keeps it), with the time, level
    # and logger; a 500's traceback follows its "Internal Server Error: /path" line (django.request). The time carries
    # its offset: Django runs in Asia/Ho_Chi_Minh, gunicorn's own lines are in UTC, side by side in one log
    "formatters": {"portal": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s",
                              "datefmt": "%Y-%m-%d %H:%M:%S %z"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "portal"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports each layout step at INFO: eight lines per PDF
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
