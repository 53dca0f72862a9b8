"""The one settings module: everything that differs between machines comes from the environment.

Variables: DEBUG, SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, TICCOOP_VAR_DIR, TIME_ZONE,
TICCOOP_SIGNING_ALGORITHM, TICCOOP_DIGEST_ALGORITHM; jobs and email: TICCOOP_QUEUE_URL,
TICCOOP_QUEUE_NAME, TICCOOP_JOB_LEASE_SECONDS, TICCOOP_JOB_RESULT_DAYS, TICCOOP_EXPORT_JOB_ROWS,
EMAIL_*; the security block at the end adds
SECRET_KEY_FALLBACKS, PLAIN_HTTP, HSTS_SECONDS, LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES
and PROXY_COUNT (see docs/operations.md).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from huey import Huey, RedisHuey, SqliteHuey

from ticcoop.config.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("TICCOOP_VAR_DIR", str(PROJECT_DIR / "var")))

DEFAULT_SECRET_KEY = "ticcoop-insecure-local-development-key"  # noqa: S105 - refused when DEBUG=0
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured("DEBUG=0 needs a SECRET_KEY of your own (the default is public)")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "auditlog",
    "ninja",  # Swagger UI from ninja's own static files at /api/docs, not from a CDN
    "huey.contrib.djhuey",
    "ticcoop.regions",
    "ticcoop.accounts",
    "ticcoop.audit",
    "ticcoop.jobs",
    "ticcoop.notices",
    "ticcoop.trust",
    "ticcoop.registry",
    "ticcoop.assessments",
    "ticcoop.certificates",
    "ticcoop.proficiency",
    "ticcoop.supervision",
    "ticcoop.inspections",
    "ticcoop.competitions",
    "ticcoop.disclosure",
    "ticcoop.apiclients",
    "ticcoop.events",
    "ticcoop.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ticcoop.config.middleware.SiteLanguageMiddleware",
    "ticcoop.config.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ticcoop.config.csp.CachedCSPMiddleware",
    "ticcoop.config.anonymous.AuditlogMiddleware",
]

ROOT_URLCONF = "ticcoop.config.urls"
WSGI_APPLICATION = "ticcoop.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ticcoop.notices.context.unread",
                "ticcoop.web.nav.nav_links",
            ],
        },
    },
]
# Every {{ form }} is drawn by the design system's template (errors beside the field).
FORM_RENDERER = "ticcoop.web.rendering.SiteFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ticcoop.sqlite3'}"),
        conn_max_age=60,
        # A kept connection is tested before a request uses it: after the database restarted
        # or dropped it, the request reconnects instead of failing with a 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the two gunicorn workers read while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"  # 我的工作台: each role starts on its own page
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Content-Security-Policy (django-csp) -------------------------------------------------------
# Strict: every script, style, font and image comes from this host; no inline script or style
# (templates keep JavaScript in static files and styles in web/site.css; json_script data blocks
# are not executed, so they need no exception). data: images are the icons inside Bootstrap's
# and Swagger UI's stylesheets. tests/browser/test_look.py and web/tests/test_csp.py hold us to it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# --- end of Content-Security-Policy -------------------------------------------------------------

# --- Uploads (issue 11) -------------------------------------------------------------------
# Django keeps at most this much of a request body in memory (form fields, JSON; files are
# not counted); a file larger than FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, stated so it is seen
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Ours (ticcoop.uploads): evidence files are at most uploads.MAX_FILE_BYTES (20 MB) each; an
# uploaded table (registry, PT results, scores) at most TICCOOP_MAX_TABLE_UPLOAD_BYTES; an XLSX
# may declare at most TICCOOP_MAX_XLSX_UNCOMPRESSED_BYTES in all, and no member over 1 MB may
# expand more than TICCOOP_MAX_XLSX_RATIO times (sheet XML compresses 5-30x in practice).
TICCOOP_MAX_TABLE_UPLOAD_BYTES = 50 * 2**20
TICCOOP_MAX_XLSX_UNCOMPRESSED_BYTES = 300 * 2**20
TICCOOP_MAX_XLSX_RATIO = 100
# -------------------------------------------------------------------------------------------


# Audit trail: every model change is logged unless excluded here (django-auditlog).
AUDITLOG_INCLUDE_ALL_MODELS = True
# The chain's own links are not logged: a log entry would append a link, which would log...
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions",
    "contenttypes",
    "admin.logentry",
    "auth.permission",
    "audit.chainlink",
    # The change-feed outbox repeats changes the audit log already holds; logging each event
    # would also chain it, and the chain's lock would serialise every event writer again.
    "events.event",
    # A certificate version is an append-only, chained record of who wrote it, when, why and
    # the whole signed state: a log entry repeated it (and cost a second chain link per
    # version: 200,000 rows in a 100,000-certificate import). The certificate's own entry
    # records the new version number.
    "certificates.certificateversion",
)
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("last_login", "password")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Signatures (docs/methods/signing.md) ---------------------------------------------------
# Algorithm of newly created issuer keys: "SM2" (国密, the default) or "Ed25519". Existing keys
# keep their algorithm; a region moves to the other one by key rotation.
TICCOOP_SIGNING_ALGORITHM = env_str("TICCOOP_SIGNING_ALGORITHM", "SM2")
if TICCOOP_SIGNING_ALGORITHM not in ("SM2", "Ed25519"):
    raise ImproperlyConfigured("TICCOOP_SIGNING_ALGORITHM must be SM2 or Ed25519")

# Digest of new published and stored records (manifests, evidence files, the audit chain):
# "sha256" (the default) or "sm3" (GM/T 0004). Each digest names its algorithm ("sm3:<hex>";
# bare hex is SHA-256), so records made under the other setting still verify after a switch.
TICCOOP_DIGEST_ALGORITHM = env_str("TICCOOP_DIGEST_ALGORITHM", "sha256").lower()
if TICCOOP_DIGEST_ALGORITHM not in ("sha256", "sm3"):
    raise ImproperlyConfigured("TICCOOP_DIGEST_ALGORITHM must be sha256 or sm3")

# --- Security: sign-in, second factor, transport (issue 11) ------------------------------------
# Kept together so that other blocks (queues, CSP, uploads) can be added without touching it.

# Old keys still accepted for signatures while SECRET_KEY is rotated (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

# DEBUG=0 means HTTPS: HSTS, Secure cookies, redirect to https, the proxy's scheme header.
# The ONE switch for a plain-HTTP local demo (`make run`) is PLAIN_HTTP=1; never in production.
PLAIN_HTTP = env_bool("PLAIN_HTTP", False)
HTTPS_ONLY = not DEBUG and not PLAIN_HTTP
SECURE_SSL_REDIRECT = HTTPS_ONLY
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000) if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
# The reverse proxy (nginx) terminates TLS and must set X-Forwarded-Proto itself.
SECURE_PROXY_SSL_HEADER = None if DEBUG else ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ticcoop.accounts.axes_app.AxesConfig",  # django-axes with a Chinese admin name
]
# OTPMiddleware marks request.user verified from the session; SecondFactorMiddleware then keeps
# regulators, observers and staff on the second-factor pages until they are. AxesMiddleware
# (last, as django-axes asks) turns a locked-out sign-in into the lockout page.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "ticcoop.accounts.middleware.SecondFactorMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

AUTHENTICATION_BACKENDS = [
    "ticcoop.accounts.lockout.LockoutBackend",  # refuses locked-out accounts and addresses first
    "django.contrib.auth.backends.ModelBackend",
]
# Per account OR per address: either one reaching the limit locks sign-in until the cool-off
# ends or an administrator deletes the access attempts (admin, or `ticcoop axes_reset`).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ticcoop.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "ticcoop.accounts.lockout.client_ip"
# Number of reverse proxies in front of gunicorn that append to X-Forwarded-For (0: none).
PROXY_COUNT = env_int("PROXY_COUNT", 0)

OTP_TOTP_ISSUER = "ticcoop"
# Sign-in secrets never go into the audit trail; the second-factor services log the events.
AUDITLOG_EXCLUDE_TRACKING_MODELS = (  # type: ignore[assignment]  # a longer tuple
    *AUDITLOG_EXCLUDE_TRACKING_MODELS,
    "otp_totp",
    "otp_static",
    "ticcoop.accounts.axes_app.AxesConfig",  # django-axes with a Chinese admin name
)


# --- Background jobs (Huey) and email ----------------------------------------------------------
# One queue for the whole platform, used only through ticcoop.jobs. SQLite storage under var/
# (embedded: consumers on this machine) unless TICCOOP_QUEUE_URL names a Redis server, then any
# number of consumers on any number of machines share it. Tests switch to immediate mode.
QUEUE_URL = env_str("TICCOOP_QUEUE_URL", "")
QUEUE_NAME = env_str("TICCOOP_QUEUE_NAME", "ticcoop")
HUEY: Huey
if QUEUE_URL.startswith(("redis://", "rediss://", "unix://")):
    HUEY = RedisHuey(QUEUE_NAME, url=QUEUE_URL, results=False)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = SqliteHuey(
        QUEUE_NAME, filename=env_str("TICCOOP_QUEUE_FILE", str(VAR_DIR / "queue.sqlite3")),
        results=False,
    )  # fmt: skip
# A running job whose heartbeat is older than this many seconds is taken to be dead.
TICCOOP_JOB_LEASE_SECONDS = float(env_str("TICCOOP_JOB_LEASE_SECONDS", "60"))
# A job's result file (an export, a ZIP of certificate PDFs) is kept this many days, then the
# daily schedule deletes it; exports larger than this many rows run as a job, not in the request.
TICCOOP_JOB_RESULT_DAYS = int(env_str("TICCOOP_JOB_RESULT_DAYS", "7"))
TICCOOP_EXPORT_JOB_ROWS = int(env_str("TICCOOP_EXPORT_JOB_ROWS", "20000"))

# Email (reminder digests): the console in development, SMTP from the environment in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ticcoop@localhost")

# --- Machine API: tokens, rate limits, change feeds, webhooks (apiclients, events) ------------
# The cache counts rate-limit windows: Redis when TICCOOP_CACHE_URL names one (every worker
# process shares the count), otherwise local memory (per process: development and tests).
CACHE_URL = env_str("TICCOOP_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("TICCOOP_CACHE_PREFIX", "ticcoop"),
        }
    }
# Cached public API answers (ticcoop.config.public_cache): seconds, 0 = off; on by default only
# with the shared Redis cache (each worker's local memory could not be invalidated by another).
TICCOOP_PUBLIC_CACHE_SECONDS = env_int(
    "TICCOOP_PUBLIC_CACHE_SECONDS", 60 if CACHE_URL.startswith(("redis", "unix")) else 0
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("ticcoop.config.middleware.SiteLanguageMiddleware") + 1,
    "ticcoop.config.public_cache.PublicCacheMiddleware",
)
TICCOOP_API_TOKEN_DAYS = int(env_str("TICCOOP_API_TOKEN_DAYS", "365"))
# Calls per window (seconds) for one API client, and for one anonymous address.
TICCOOP_API_RATE_WINDOW = int(env_str("TICCOOP_API_RATE_WINDOW", "60"))
TICCOOP_API_RATE_CLIENT = int(env_str("TICCOOP_API_RATE_CLIENT", "600"))
TICCOOP_API_RATE_ANON = int(env_str("TICCOOP_API_RATE_ANON", "120"))
# Webhooks: attempts before a delivery gives up, the first back-off (doubling), and how many
# given-up deliveries in a row pause a subscription.
TICCOOP_WEBHOOK_ATTEMPTS = int(env_str("TICCOOP_WEBHOOK_ATTEMPTS", "6"))
TICCOOP_WEBHOOK_BACKOFF_SECONDS = float(env_str("TICCOOP_WEBHOOK_BACKOFF_SECONDS", "30"))
TICCOOP_WEBHOOK_PAUSE_AFTER = int(env_str("TICCOOP_WEBHOOK_PAUSE_AFTER", "3"))

# --- Public reads from a read replica (issue 17; ticcoop.config.replica, docs/scaling.md) -------
# TICCOOP_REPLICA_URL: a streaming replica of DATABASE_URL.  Anonymous GETs of public pages
# and of the public API read from it; writes, signed-in requests and certificate verification
# use the primary.  Tests: the alias mirrors "default" (one test database).
REPLICA_URL = env_str("TICCOOP_REPLICA_URL", "")
if REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["ticcoop.config.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "ticcoop.config.replica.PublicReadMiddleware",
    )
