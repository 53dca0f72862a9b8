"""The one settings module: everything that differs between machines comes from the environment.

Variables: DEBUG, SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, TICCOOP_VAR_DIR, TIME_ZONE;
jobs and email: TICCOOP_QUEUE_URL, TICCOOP_QUEUE_NAME, TICCOOP_JOB_LEASE_SECONDS, EMAIL_*.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from huey import Huey, RedisHuey, SqliteHuey

from ticcoop.config.env import env_bool, env_list, env_str

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
    "huey.contrib.djhuey",
    "ticcoop.regions",
    "ticcoop.accounts",
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
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ticcoop.sqlite3'}"),
        conn_max_age=60,
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
LOGIN_REDIRECT_URL = "home"
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

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Audit trail: every model change is logged unless excluded here (django-auditlog).
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = ("sessions", "contenttypes", "admin.logentry", "auth.permission")
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("last_login", "password")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}


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
