"""The one settings module: everything that differs between machines comes from the environment.

Variables: DEBUG, SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, TICCOOP_VAR_DIR, TIME_ZONE.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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
    "ticcoop.regions",
    "ticcoop.accounts",
    "ticcoop.trust",
    "ticcoop.registry",
    "ticcoop.assessments",
    "ticcoop.certificates",
    "ticcoop.proficiency",
    "ticcoop.supervision",
    "ticcoop.inspections",
    "ticcoop.competitions",
    "ticcoop.disclosure",
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
