"""Talab settings: one module, driven by environment variables (documented in .env.example)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Django's DATABASES entry for a PostgreSQL URL, with our connection policy applied."""
    try:
        config: dict = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must point at PostgreSQL (postgres://user:password@host:port/name)"
        )
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database")
    # Persistent connections with health checks; a lost database must fail fast (503 in
    # seconds), and a runaway query is cancelled (20 s) before gunicorn kills the worker (30 s).
    config.setdefault("OPTIONS", {})
    config["OPTIONS"].setdefault("connect_timeout", 3)
    config["OPTIONS"].setdefault("options", "-c statement_timeout=20000")
    return config


def cache_from_env() -> dict:
    redis_url = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL")
    if redis_url:
        if not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ImproperlyConfigured("REDIS_URL/CACHE_URL must be a redis:// URL")
        # A lost Redis gives misses, not errors (portal/caches.py). Seconds to wait for it to
        # accept a connection and to answer: what a lost Redis costs a page per cache call.
        return {
            "BACKEND": "portal.caches.ForgivingRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    # The database cache is shared by every gunicorn worker and needs no extra service.
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "talab_cache",
        # Figures and pages per distinct filter URL: keep plenty before culling (crawlers).
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Served only on loopback (make run, tests) means plain http and a throwaway key; any other
# host is production, which needs a real SECRET_KEY and HTTPS.
LOCAL_ONLY = all(host in LOOPBACK_HOSTS for host in ALLOWED_HOSTS)
HTTPS = env_bool("HTTPS", not LOCAL_ONLY)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (LOCAL_ONLY or DEBUG):
        raise ImproperlyConfigured("SECRET_KEY must be set in production (see .env.example)")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
elif not LOCAL_ONLY:
    # The embedded server lives in the checkout and is for development and tests: a server
    # answering for a real host must never start one by accident and write data there.
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when ALLOWED_HOSTS names a real host (see .env.example); "
        "the embedded PostgreSQL is for loopback-only development and tests"
    )
else:
    from portal import embedded_postgres

    DATABASES = {"default": database_from_url(embedded_postgres.database_url())}

if os.environ.get("DATABASE_REPLICA_URL"):
    # Public page views read from a replica (portal/routers.py); in tests it mirrors default.
    DATABASES["replica"] = {
        **database_from_url(os.environ["DATABASE_REPLICA_URL"]),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["portal.routers.ReplicaRouter"]
# Seconds a replica may trail the primary: figures of a group that changed more recently are
# computed from the primary (0 for a synchronous replica).
DATABASE_REPLICA_LAG = int(os.environ.get("DATABASE_REPLICA_LAG", "30"))

CACHES = {"default": cache_from_env()}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "axes",
    "portal",
    "salaries",
    "careers",
    "jobs",
]

MIDDLEWARE = [
    # First, so that every request gets its line: static files, redirects, 404s and 503s.
    "portal.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # ETags for every page, and 304 Not Modified for a page the browser or CDN already has.
    "django.middleware.http.ConditionalGetMiddleware",
    "portal.middleware.HardeningMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language from its URL: /ne/... is Nepali, every other path English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "portal.languages.alternates",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English at the unprefixed URLs it always had; Nepali under /ne/ (portal/urls.py).
LANGUAGES = [("en", "English"), ("ne", "नेपाली")]
# The compiled catalogs (.mo) are committed beside the .po, so a fresh machine needs no
# GNU gettext: `make messages` updates and compiles them (README, "Languages").
# locale_countries/: country names from CLDR (manage.py country_catalog), apart from ours.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_countries"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Tests that serve with gunicorn collect into a directory of their own (tests/servers.py).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour now; silences the transition warning

# Security: secure cookies, HSTS and the HTTPS redirect whenever the site is served over TLS
# (behind a proxy that sets X-Forwarded-Proto).
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy: nothing inline, nothing from elsewhere. Templates keep no
# <script> or style attribute; scripts and styles are static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
# Features no page uses, switched off for every page (portal.middleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# Admin login throttling (django-axes, counted in the database so it holds across workers):
# after 10 failures for a user name from one address, that pair is locked out for an hour.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account_locked.html"
AXES_CLIENT_IP_CALLABLE = "portal.clients.client_address"
# Keep addresses only while they guard against guessing: failed attempts (until reset or
# cooled off), not a log of every successful sign-in.
AXES_DISABLE_ACCESS_LOG = True

# Behind a proxy every request comes from the proxy's address: name the header that carries
# the client's (e.g. HTTP_X_REAL_IP) so that the report limit and the login throttle apply per
# visitor (portal.clients.client_address).
CLIENT_IP_META_KEY = os.environ.get("CLIENT_IP_META_KEY") or None

# Logs on stderr: one JSON object per line with LOG_FORMAT=json (for a log collector), else
# `level logger message key=value`. portal/logs.py says what is logged and what never is.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "portal.logs.JsonFormatter"},
        "text": {"()": "portal.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json" if os.environ.get("LOG_FORMAT", "").lower() == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "talab": {"level": os.environ.get("LOG_LEVEL", "INFO").upper()},
        # Django's own handlers (a console in DEBUG, runserver's request lines) would print
        # paths as they are: its records go through ours instead, which never print a key.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
        "django.request": {"level": "WARNING"},
    },
}

# Error reports, when a Sentry project is configured: no visitor's address or cookies, and no
# private link's key (portal.logs.scrub_event); no local variables either (a view's locals
# hold the key), and no performance tracing.
if os.environ.get("SENTRY_DSN"):
    import sentry_sdk

    from portal.logs import scrub_event

    sentry_sdk.init(
        dsn=os.environ["SENTRY_DSN"],
        environment=os.environ.get("SENTRY_ENVIRONMENT") or None,
        send_default_pii=False,
        include_local_variables=False,
        before_send=scrub_event,
        traces_sample_rate=0,
    )
