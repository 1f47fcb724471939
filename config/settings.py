"""Rollcall settings: one file, everything that differs between machines read
from the environment (see README "Production")."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-do-not-deploy"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The site's address for links in emails sent without a request (an automatic
# reminder re-planned after its meeting moved, the reminder sweep): the first
# trusted origin unless set.
SITE_URL = env("SITE_URL", default=CSRF_TRUSTED_ORIGINS[0] if CSRF_TRUSTED_ORIGINS else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before allauth: groups/templates/allauth/ and account/ override allauth's own templates.
    "groups",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    # DRF's old plain-text tokens: kept installed only so that migration
    # groups.0022 can read (hash) and empty their table. The API reads
    # groups.ApiToken (groups/api/authentication.py).
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL characters out of every query string and form (PostgreSQL refuses them in text).
    "groups.middleware.StripNulMiddleware",
    # Under /api/ each query parameter once (?page=1&page=9 is a 400).
    "groups.middleware.SingleValuedQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store for signed-in users; Permissions-Policy for all.
    "groups.middleware.PrivateResponseMiddleware",
    # Signing out wipes the door's offline data on the device (Clear-Site-Data).
    "groups.middleware.SignOutWipesDeviceMiddleware",
    # Deny by default: every view needs a signed-in user unless it says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits; two-factor enrolment for organisers
    # (groups/sessions.py). After messages (it leaves one), before any view.
    "groups.sessions.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Records each signed-in session (device, address) for "Signed-in sessions".
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "groups.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite with no configuration; PostgreSQL (psycopg 3) when DATABASE_URL is set.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the door screen read while a check-in writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE"}
    )
# Keep connections between requests (both databases): opening one, and on
# SQLite running the PRAGMAs above, cost more than a door search's queries.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env("TEST_DATABASE_NAME", default=None)
    # Parameters bound on the server and statements prepared: psycopg prepares
    # a statement the fifth time it runs on a connection, and PostgreSQL stops
    # parsing and planning it on every door keystroke and check-in (bench/door.py:
    # ~40 % more check-ins per second). Behind a pooler in transaction mode that
    # cannot keep prepared statements, set DATABASE_PREPARED_STATEMENTS=false.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Database cache by default so that rate limits hold across processes;
# Redis when REDIS_URL is set.
if env("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
    # Sessions read from Redis, written through to the database: a signed-in
    # request no longer queries the session table, and signing out (which
    # deletes from both) still ends the session everywhere.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rollcall_cache"}}
    # Database sessions, read with a hand-written statement (groups/auth.py).
    SESSION_ENGINE = "groups.auth"
# The eligible counts behind the door's quorum (groups/eligibility/count_cache.py): in Redis when
# there is one, shared by every process; otherwise in each process's memory. Their keys carry the
# branch's people_version, read from the database with the check-ins, so a process's own copy is
# never stale, only counted once more per process; the database cache would make a hit a statement
# and a miss several (its cull count, the read, the write in a savepoint).
COUNTS_CACHE = "counts"
if env("REDIS_URL", default=""):
    CACHES["counts"] = {**CACHES["default"], "KEY_PREFIX": "counts"}
else:
    CACHES["counts"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rollcall-eligible-counts",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, reading the signed-in user by hand (groups/auth.py).
    "groups.auth.ModelBackend",
    "groups.auth.AuthenticationBackend",
]

# --- accounts (django-allauth) ---
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"  # kept in the table, never shown: email is the login
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# A password reset for an address with no account sends nothing: no mail to
# whatever address anyone types (the page says the same either way).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, spelt out so that nobody switches them off by accident;
    # all per client address (TRUSTED_PROXY_COUNT below), not the proxy's.
    # Failed sign-ins: 10 a minute from one address, and 5 a minute for one
    # account from one address (groups/accounts.py keys it so): someone typing
    # a steward's email elsewhere cannot lock the steward out, and a mistyped
    # password costs a minute at most. Per account from everywhere, a far
    # higher limit stops a slow guess spread over many addresses.
    "login_failed": "10/m/ip,5/m/key",
    "login_failed_account": "50/h/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Rollcall] "
ACCOUNT_ADAPTER = "groups.accounts.AccountAdapter"
ACCOUNT_USER_DISPLAY = "groups.accounts.user_display"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Rollcall"
# Re-authentication (exports, erasure, role changes, new API tokens;
# groups/reauth.py): a password or code typed within this many seconds.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_SECONDS", default=300)

# --- sessions (groups/sessions.py) ---
# Signed out after this long without a request (a branch may keep its
# stewards' door phones open longer, up to SESSION_IDLE_MAX_MINUTES) and,
# however busy, this long after signing in.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=120)
SESSION_IDLE_MAX_MINUTES = env.int("SESSION_IDLE_MAX_MINUTES", default=720)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
# Organisers (and stewards where the branch says so) must enrol in two-factor.
MFA_REQUIRED_FOR_ORGANISERS = env.bool("MFA_REQUIRED_FOR_ORGANISERS", default=True)
# "Signed-in sessions" (allauth.usersessions): last-seen times are ours, not allauth's.
USERSESSIONS_TRACK_ACTIVITY = False

# --- API tokens (groups/services/tokens.py) ---
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)

# --- email ---
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Development: mails (with their sign-in, reset and RSVP links) on the
    # console. In production that console is the error log, so `check --deploy`
    # fails without EMAIL_URL (groups/checks.py).
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Rollcall <rollcall@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- background tasks (django-tasks): inline by default, a database-backed
# worker in production (TASKS_BACKEND=database; README shows the worker). ---
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[env("TASKS_BACKEND", default="immediate")],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (collectstatic); plain files
        # in development and tests, where nothing has been collected.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

# Uploads: the member import takes files up to 20 MB; the view says so clearly.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
IMPORT_MAX_BYTES = 20 * 1024 * 1024
# Uploaded lists wait here between preview and confirm (private; deleted after the import or 24 hours).
IMPORT_UPLOAD_DIR = env("IMPORT_UPLOAD_DIR", default=str(BASE_DIR / "var" / "imports"))

# --- security ---
# How many reverse proxies in front of the app append to X-Forwarded-For: the
# client's address for every rate limit is that many entries from the right
# (groups/client_ip.py). 0 (the default) trusts no header and uses the
# connection's address; README's deployment (one proxy) needs 1.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["security.W021"] if not SECURE_HSTS_PRELOAD else []

# Strict CSP: everything from our own origin; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "groups.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "groups.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON only: DRF's browsable HTML pages need inline scripts the CSP refuses,
    # and the contract promises JSON. People read /api/v1/docs/ instead.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "groups.api.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "groups.api.errors.exception_handler",
    # Per user and scope on the shared cache; 429 with Retry-After (groups/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["groups.api.throttling.ScopeThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api": env("API_RATE", default="1000/min"),
        "door": env("API_DOOR_RATE", default="6000/min"),
        "uploads": env("API_UPLOAD_RATE", default="60/min"),
        # Anonymous calls and every 401 (no token or a bad one), per client address.
        "unauthenticated": env("API_UNAUTHENTICATED_RATE", default="30/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rollcall API",
    "DESCRIPTION": "Membership, eligibility and meetings for local political groups.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from the drf-spectacular-sidecar package, served
    # by us: no CDN, and the strict CSP holds (see groups/api/views/docs.py).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and the docs are public: they describe the API, not anyone's data.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Votes share field names ("method", "kind") with other endpoints' choices.
    "ENUM_NAME_OVERRIDES": {
        "VoteMethodEnum": "groups.models.votes.VoteMethod.choices",
        "QuestionKindEnum": "groups.models.standing_orders.QuestionKind.choices",
        "SpeakingKindEnum": "groups.models.speakers.SpeakingKind.choices",
        "CountMethodEnum": "groups.counting.METHODS",
    },
}

# Never log field values: the handlers log request paths and errors only, and every one of them
# leaves query strings out (groups/log_filters.py): a search's ?q= is a member's name. Django's own
# handlers for "django" (console, mail_admins: ADMINS is empty) and "django.server" (runserver's
# request lines) are replaced, so no record reaches a handler without the filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query_strings": {"()": "groups.log_filters.NoQueryStrings"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_query_strings"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "level": "INFO",
            "formatter": "django.server",
            "filters": ["no_query_strings"],
        },
    },
    "loggers": {
        # Through the root's handler (so pytest's caplog sees it too), without Django's unfiltered ones.
        "django": {"handlers": [], "level": env("LOG_LEVEL", default="INFO" if DEBUG else "WARNING")},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Flash messages ("Ana Silva is in.", "Ana Silva: not a party member") name
# members, so they stay on the server, in the session: Django's default cookie
# storage is signed, not encrypted, and would carry the names in clear. This
# costs the session row's rewrite on a check-in that leaves a message.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
