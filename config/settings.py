"""Settings, all from the environment, with safe defaults for local use.

PORTAL_ENV=production turns on the production checks: a real SECRET_KEY and ALLOWED_HOSTS
are required, DEBUG is off, cookies are secure.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PORTAL_ENV = os.environ.get("PORTAL_ENV", "development")
PRODUCTION = PORTAL_ENV == "production"
DEV_SECRET_KEY = "dev-only-not-secret-portal-key-change-me-in-production"

DEBUG = envbool("DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("PORTAL_ENV=production needs SECRET_KEY (50+ random characters).")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("PORTAL_ENV=production needs ALLOWED_HOSTS (no wildcard).")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when PORTAL_ENV=production.")

# Demo users and data exist only where DEBUG is on or PORTAL_DEMO is set explicitly.
PORTAL_DEMO = envbool("PORTAL_DEMO", False)

INSTALLED_APPS = [
    "config.admin_apps.PortalAdminConfig",  # django.contrib.admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_htmx",
    "audit",
    "records",
    "branches",
    "services",
    "antifraud",
    "volunteering",
    "study",
    "partnerships",
    "honours",
    "metrics",
    "ledgers",
    "reports",
    "demo",
    "background",
    "reminders",
    # The periodic tasks' schedules in the database, edited in the admin (background/schedules.py).
    "django_celery_beat",
]

MIDDLEWARE = [
    "config.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the request, and inside the headers' middleware so that its
    # refusals carry them: control characters in the path, query, headers, cookies, forms.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.control_characters.ControlCharacterMiddleware",
    # Before any view reads the query: an ID or mobile number in it is masked, never echoed.
    "config.query_masking.QueryMaskingMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads a body (CSRF reads the form): refuses one over its route's limit.
    "config.body_limits.RequestBodyLimitMiddleware",
    "config.sessions.AbsoluteSessionLimitMiddleware",
    # Sees the user REST framework authenticated from a token too (it sets request.user).
    "core.cache_control.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Metrics clients signed in with the browser: only the views open to them (branches/access.py).
    "config.metrics_clients.MetricsClientMiddleware",
    # Inside CSP (its answers get the headers), outside axes (it sees the lockout answer).
    "records.api.middleware.ApiErrorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: turns a database outage raised by a view into a 503 before anything else sees it.
    "config.outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "records.pages.navigation.records_menu",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not shared-cache memory, so concurrent tests see real locking (busy timeout).
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    # What `npm run build` writes (make deps): vendor/echarts/echarts-portal.min.js, only the
    # parts of ECharts the dashboards use (static_src/echarts-portal.js; config/static_assets.py).
    BASE_DIR / "build/static",
]
STATICFILES_DIRS = [d for d in STATICFILES_DIRS if Path(d if isinstance(d, Path) else d[1]).is_dir()]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, serve static files straight from the finders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Uploads: photos are small; anything larger is refused before it is read into memory.
PHOTO_MAX_BYTES = envint("PHOTO_MAX_BYTES", 8 * 1024 * 1024)
PHOTO_MAX_PIXELS = envint("PHOTO_MAX_PIXELS", 40_000_000)
# What decoding and converting one photo may hold in memory (records.photos.decoded_bytes):
# a 20-megapixel RGB photo turned upright, or an 18-megapixel PNG of any mode.
PHOTO_MAX_DECODED_BYTES = envint("PHOTO_MAX_DECODED_BYTES", 160 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
LEDGER_MAX_UPLOAD_BYTES = envint("LEDGER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Any request body, refused by its Content-Length before it is read (config/body_limits.py);
# the photo pages and the ledger uploads have limits of their own, from the limits above.
REQUEST_MAX_BYTES = envint("REQUEST_MAX_BYTES", DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024)

# Sessions: 30 idle minutes, 12 hours at most (the absolute limit is enforced by middleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The client's address (core/client_address.py): REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT
# proxies at TRUSTED_PROXY_IPS (addresses or networks, "*" for any: only when nothing else can
# reach the app) the address they appended to TRUSTED_PROXY_HEADER. docs/deploy.md.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "X-Forwarded-For")
TRUSTED_PROXY_IPS = envlist("TRUSTED_PROXY_IPS")
if TRUSTED_PROXY_COUNT and not TRUSTED_PROXY_IPS:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT needs TRUSTED_PROXY_IPS: the proxies' addresses.")

# Login throttling: username + IP, 5 failures, 15 minutes.
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", True)

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "config.redis_cache.SharedClientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The dashboards keep their store-derived part in the cache (dashboards/cache.py); only a
# cache every process shares can be told of every write.
DASHBOARD_CACHE = envbool("DASHBOARD_CACHE", bool(REDIS_URL))
# Uploaded ledgers wait here for their commit (ledgers/jobs.py); shared storage when there are
# several app servers. Unset: a folder in the system's temporary directory.
# Ledger imports running at once (ledgers/slots.py): per user, and in the whole portal.
LEDGER_IMPORTS_PER_USER = envint("LEDGER_IMPORTS_PER_USER", 2)
LEDGER_IMPORTS_TOTAL = envint("LEDGER_IMPORTS_TOTAL", 4)
if os.environ.get("LEDGER_UPLOAD_DIR"):
    LEDGER_UPLOAD_DIR = Path(os.environ["LEDGER_UPLOAD_DIR"])
# A ledger export of more records than this is never written in a web request: the export link
# offers to prepare it on a worker (ledgers/export_builds.py); the API refuses it (narrow the
# filters). At 10,000 XLSX rows a second, the default is written in about 2 s.
EXPORT_INLINE_MAX_ROWS = envint("EXPORT_INLINE_MAX_ROWS", 20_000)
# The portal's public address (https://portal.example.cn): report documents name the pages of
# the records behind their figures under it (reports/documents.py). Unset: the paths alone, never
# the address a request came in on. The CJK TrueType font the PDF reports embed ("path" or
# "path#index" of a .ttc); unset: the first of reports/fonts.py FONT_SEARCH installed.
# The portal's address as its users reach it: documents and reminder e-mails link under it.
# PORTAL_BASE_URL is its earlier name (reminder e-mails), still read when SITE_URL is unset.
SITE_URL = os.environ.get("SITE_URL", os.environ.get("PORTAL_BASE_URL", "")).rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("SITE_URL must start with https:// or http://")
REPORT_PDF_FONT = os.environ.get("REPORT_PDF_FONT", "")
# Background work on Celery: broker, results, acknowledgement (background/conf.py).
from background.conf import *  # noqa: E402, F403

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "records.api.authentication.PortalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "records.api.permissions.ReadOnlyForMetricsClients",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "records.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["records.api.formats.StrictJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "records.api.formats.FormatNegotiation",
    "DEFAULT_SCHEMA_CLASS": "records.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "records.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"api_login": os.environ.get("API_LOGIN_RATE", "30/min")},
    "STRICT_JSON": True,
    "UNICODE_JSON": True,
}
REST_KNOX = {
    "TOKEN_TTL": __import__("datetime").timedelta(days=envint("API_TOKEN_TTL_DAYS", 30)),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 10,
    "AUTH_HEADER_PREFIX": "Token",
}
API_MAX_PAGE_SIZE = 200
API_CSV_MAX_ROWS = 5000  # a CSV list is one page of up to this many rows
API_IDEMPOTENCY_TTL = __import__("datetime").timedelta(hours=24)
SPECTACULAR_SETTINGS = {
    "TITLE": "Branch civilization records API",
    "DESCRIPTION": (
        "Records, the branch tree, targets, monthly submissions and metrics of the branch civilization "
        "records portal. Authenticate with `Authorization: Bearer <token>` or `Token <token>` (POST "
        "/api/v1/auth/login/) or "
        'the browser session. Errors are JSON: `{field: [messages]}` or `{"detail": ...}`. A branch outside '
        'your scope reads as unknown: 400 `{"branch": [...]}` when a write names it, 404 for its records. '
        "Creates accept an `Idempotency-Key` header; updates and deletes accept `If-Match` with the ETag."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "records.api.schema.add_links",
        "records.api.schema_names.stable_names",
        "records.api.schema_media.typed_media",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InterventionStatusEnum": "antifraud.models.Intervention.Status",
        "SubmissionStatusEnum": "metrics.models.Submission.Status",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.observability.JsonFormatter"},
    },
    # Every handler masks ID and mobile numbers in every field of every record it writes.
    "filters": {"mask_personal_numbers": {"()": "config.log_masking.MaskPersonalNumbers"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["mask_personal_numbers"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # One line per request comes from portal.request; runserver's own line would repeat it.
        "django.server": {"level": "WARNING"},
        "portal.request": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
    },
}
