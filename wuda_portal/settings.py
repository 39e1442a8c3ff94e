"""
Settings of the 乌达党建 portal.

Everything that differs between a laptop and a server comes from environment variables
(`.env.example` lists them all). With nothing set the portal runs on a SQLite file in the
project folder, which is for trying it out; production runs on PostgreSQL.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)


def _required_in_production(name, cast=str, debug_default=None):
    """A value with a development default that must be set explicitly when DEBUG is off."""
    if name in env.ENVIRON:
        return env.get_value(name, cast=cast)
    if DEBUG:
        return debug_default
    raise ImproperlyConfigured(
        f"{name} is not set. It has no default when DEBUG is off: set it in the environment "
        f"(see .env.example), or set DEBUG=1 to try the portal out locally."
    )


SECRET_KEY = _required_in_production("SECRET_KEY", debug_default="django-insecure-only-for-local-development")
ALLOWED_HOSTS = _required_in_production("ALLOWED_HOSTS", cast=list, debug_default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications ---------------------------------------------------------------------

DJANGO_APPS = [
    "desk.apps.PortalAdminConfig",  # django.contrib.admin, its index the workbench (desk.sites)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]
THIRD_PARTY_APPS = [
    "ckeditor",
    "reversion",
    "axes",
]
LOCAL_APPS = [
    # Dependencies run one way, down this list read from the bottom: the project package
    # (settings, URLs) -> legacy, demo -> desk, reports -> attachments | topics -> news -> review, wording -> core. Checked by the
    # import-linter contract in pyproject.toml; docs/architecture.md explains it.
    "core",
    "review",
    "wording",
    "news",
    "attachments",
    "reports",
    "desk",
    "topics",
    "legacy",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# What the checks found, shown on the workbench (desk.alerts): dotted paths of functions
# `provider(request)` returning alerts, red (单项否决) or amber (即将到期).
WORKBENCH_ALERT_PROVIDERS = ["reports.alerts.workbench_alerts"]

# Anonymous visitors' pages are cached in front of all this, in core.pagecache.
MIDDLEWARE = [
    "core.middleware.CacheScopeMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a form posted to a public page gets the styled 405.
    "core.middleware.MethodNotAllowedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Forms over Django's 2.5 MB are for staff only (core.oversized).
    "core.oversized.PublicFormSizeMiddleware",
    "core.staff_marker.StaffMarkerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    # Axes must come last: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wuda_portal.urls"
WSGI_APPLICATION = "wuda_portal.wsgi.application"
ASGI_APPLICATION = "wuda_portal.asgi.application"

TEMPLATES = [
    {
        # The public pages (templates/), in Jinja2 for speed: see wuda_portal.jinja2.
        "NAME": "public",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "wuda_portal.jinja2.environment",
            "context_processors": [
                "core.context_processors.site",
                "news.context_processors.categories",
            ],
        },
    },
    {
        # The admin and the editor widget, in Django's templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The site's overrides of the admin's own templates (admin/base_site.html,
        # admin/change_form.html, admin/login.html): named here, because django.contrib.admin
        # comes before core in INSTALLED_APPS and its templates would be found first.
        "DIRS": [BASE_DIR / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------


def options_with_jit_off(url_options, pgoptions):
    """
    The libpq `options` of the portal's connections: `-c jit=off` after the server options
    DATABASE_URL carries (`?options=…`), or else after those of PGOPTIONS, which libpq
    ignores once `options` is set; as they are if they set jit themselves.
    """
    options = (url_options or pgoptions).strip()
    if re.search(r"(?:^|\s)(?:-c\s*|--)jit=", options, flags=re.IGNORECASE):
        return options
    return f"{options} -c jit=off".lstrip()


DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].update(
        # Persistent connections, checked before reuse so that a restarted database
        # server is reconnected to by the same worker processes.
        CONN_MAX_AGE=env.int("DB_CONN_MAX_AGE", default=60),
        CONN_HEALTH_CHECKS=True,
    )
    DATABASES["default"].setdefault("OPTIONS", {})
    # An unreachable database must fail fast (a styled 503), not hang a worker.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=2))
    # No JIT compilation: it pays off for long analytical queries, not for a page's short
    # ones, yet starts whenever the planner's estimate is high, and an estimate it cannot
    # make well (the workbench's rows "in review or mine") cost 1.3 s of compiling for a
    # query that runs in 60 ms (docs/benchmarks.md, the workbench).
    DATABASES["default"]["OPTIONS"]["options"] = options_with_jit_off(
        DATABASES["default"]["OPTIONS"].get("options"), env.str("PGOPTIONS", default="")
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # runserver is threaded: take the write lock up front instead of failing with
    # "database is locked" halfway through a transaction.
    DATABASES["default"]["OPTIONS"].update(transaction_mode="IMMEDIATE", timeout=20)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis: one connection pool for the cache and the view counters
            # (core.store), and "no cache" instead of an error when Redis is down.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="wuda"),
            "TIMEOUT": 300,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The models public pages are built from: a change to any of them invalidates every cached
# page and page data (core.caching). A model a public page reads must be on this list;
# tests/portal/test_invalidation.py renders every public page and checks.
PAGE_CONTENT_MODELS = [
    "wuda_portal.SiteProfile",
    "wuda_portal.FriendLink",
    "news.Category",
    "news.Article",
    "news.ArticleSearchEntry",
    # Written by a database trigger whenever its entry changes, so its entry's save is what
    # moves the version; listed because search pages read it.
    "news.ArticleSearchLine",
    "news.Page",
    "attachments.Attachment",
    "topics.Topic",
    "topics.TopicSection",
    "topics.TopicArticle",
]

# Whole pages for anonymous visitors (core.pagecache, around the WSGI app), and the
# data public pages are built from (an article with its attachments and neighbours, a page
# of a 栏目, the home page's blocks) for pages the page cache does not hold. Edits show on
# the next request either way; what time alone changes (a scheduled article coming due, a
# pin lapsing) shows within the sum of the two, a minute by default. 0 turns one off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=30)
OBJECT_CACHE_SECONDS = env.int("OBJECT_CACHE_SECONDS", default=30)

# --- Authentication -------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff work on shared office computers: a session ends when the browser closes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * 60 * 8
LOGIN_URL = "admin:login"

ADMIN_URL = env("ADMIN_URL", default="admin/")
if not ADMIN_URL.endswith("/") or ADMIN_URL.startswith("/"):
    raise ImproperlyConfigured("ADMIN_URL must look like 'admin/': no leading slash, one trailing.")

# django-axes: five failures for the same user from the same address lock that pair out
# for thirty minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_CLIENT_IP_CALLABLE = "core.network.client_ip"

# --- Internationalisation ---------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# The project's own wording of what Django and the admin say in Chinese, where it reads
# wrong (locale/zh_Hans: django.po and djangojs.po, with their compiled .mo committed:
# `manage.py compile_locale` after editing a .po).
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files and media -------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))

STORAGES = {
    # FileSystemStorage on one server; with several app servers point this at an
    # S3-compatible object store: wuda_portal.storage.SiteMediaS3Storage (README,
    # "Several app servers").
    "default": {"BACKEND": env("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_IN_OBJECT_STORE = STORAGES["default"]["BACKEND"] != "django.core.files.storage.FileSystemStorage"
if MEDIA_IN_OBJECT_STORE:
    # django-storages reads its configuration from settings; take it from the environment.
    AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False

# Django serves media only for trying the portal out and in tests; in production nginx
# does (deploy/nginx.conf) and attachments go through their download view. Media in an
# object store are streamed by the app servers (core.views.media) behind nginx.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)

# Attachments (the attachments app) and editor images.
ATTACHMENT_MAX_SIZE = env.int("ATTACHMENT_MAX_SIZE", default=50 * 1024 * 1024)
# Editor images and covers: a photo straight from a phone or camera (news.images scales it).
EDITOR_IMAGE_MAX_SIZE = env.int("EDITOR_IMAGE_MAX_SIZE", default=30 * 1024 * 1024)
# Widest image stored (news.images): the article column is narrower, on every screen.
IMAGE_MAX_WIDTH = env.int("IMAGE_MAX_WIDTH", default=1600)
# Largest image (editor images and covers) in pixels, all frames of a GIF together; read
# from the file's header before anything is decoded (news.images).
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
# Where nginx serves media internally for X-Accel-Redirect downloads; empty streams the
# file through Python (see deploy/nginx.conf).
ATTACHMENT_X_ACCEL_PREFIX = env("ATTACHMENT_X_ACCEL_PREFIX", default="")
# Uploads larger than this go to a temporary file instead of memory (a 30 MB photo does).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A form's fields, not its files: a long article body with the markup of a paste from Word
# passes Django's 2.5 MB. Past this the form is refused with 413 and a page saying how to
# get the text back (core.oversized). The whole request may still be ATTACHMENT_MAX_SIZE +
# 2 MB (core.middleware.RequestSizeLimitMiddleware, nginx's client_max_body_size 52m),
# above EDITOR_IMAGE_MAX_SIZE.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
# Everyone but staff: Django's own limit for the whole request (core.oversized).
PUBLIC_DATA_UPLOAD_MAX_SIZE = env.int("PUBLIC_DATA_UPLOAD_MAX_SIZE", default=int(2.5 * 1024 * 1024))

# --- Security ---------------------------------------------------------------------------

# Behind nginx (deploy/nginx.conf), which terminates TLS and overwrites X-Forwarded-Proto
# and X-Real-IP on every request, those two headers can be trusted; without a proxy in
# front a client could forge them, so they are ignored.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
# Django only sends HSTS on requests that arrived over HTTPS.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# nginx redirects plain HTTP to HTTPS before a request reaches Django (deploy/nginx.conf);
# set SECURE_SSL_REDIRECT=1 where no such proxy stands in front.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SILENCED_SYSTEM_CHECKS = [
    # security.W008 (SECURE_SSL_REDIRECT off): the redirect to HTTPS is nginx's job
    # (deploy/nginx.conf, server on port 80), so Django never sees plain HTTP in production.
    "security.W008",
    # security.W021 (SECURE_HSTS_PRELOAD off): HSTS is sent for a year; joining the browsers'
    # preload list binds the whole registrable domain (wuda.gov.cn, run by others) and can
    # only be requested by its owner. Set SECURE_HSTS_PRELOAD=1 once they have agreed.
    "security.W021",
    # ckeditor.W001 (CKEditor 4.22.1 has published advisories). None of them applies as
    # configured in CKEDITOR_CONFIGS below: the advanced content filter stays on (no
    # allowedContent: true), no full-page mode, the preview, code-snippet and templates
    # plugins are removed, only staff reach the editor; and every body is sanitised again
    # on the server with nh3 when it is saved (news.sanitize), whatever the editor sent.
    "ckeditor.W001",
]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # models.W040: the statistics' covering indexes (news.Article, INCLUDE columns) are
    # PostgreSQL's; SQLite (make run) builds them without the extra columns, which is fine.
    SILENCED_SYSTEM_CHECKS.append("models.W040")

# Content-Security-Policy (django-csp 4). Public pages run no inline script at all; the
# only inline styles allowed are style attributes (text alignment and indentation kept by
# the sanitiser in article bodies). The admin gets a relaxed policy in
# core.middleware because CKEditor 4 writes inline handlers and styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}

# --- Rich text editor (django-ckeditor, CKEditor 4) -----------------------------------------

CKEDITOR_BASEPATH = f"/{STATIC_URL}ckeditor/ckeditor/"
_EDITOR_IMAGE_UPLOAD_URL = f"/{ADMIN_URL}editor/upload-image/"
_EDITOR_PLUGINS = f"/{STATIC_URL}admin/portal/ckeditor/"
CKEDITOR_CONFIGS = {
    "default": {
        "language": "zh-cn",
        "height": 480,
        "width": "100%",
        "toolbar": "Portal",
        "toolbar_Portal": [
            ["Undo", "Redo"],
            ["Format"],
            ["Bold", "Italic", "Underline", "RemoveFormat"],
            ["NumberedList", "BulletedList", "Outdent", "Indent"],
            ["JustifyLeft", "JustifyCenter", "JustifyRight", "JustifyBlock"],
            ["Typeset", "FirstLineIndent"],
            ["Link", "Unlink"],
            ["PortalImageUpload", "Image", "Table", "HorizontalRule", "SpecialChar"],
            ["PasteText", "PasteFromWord"],
            ["Maximize"],
        ],
        "format_tags": "p;h2;h3;h4",
        # Security (see SILENCED_SYSTEM_CHECKS): keep the content filter, no full page,
        # none of the plugins the advisories concern.
        "fullPage": False,
        "removePlugins": "preview,codesnippet,codesnippetgeshi,templates,iframe,flash,forms,exportpdf,sourcearea,sourcedialog,image,print",
        # Images (issue 20 §3): the enhanced image (<figure> with <figcaption>, centring by
        # class: news.sanitize keeps exactly these), uploads by paste, drop and the
        # 「上传图片」 button (portalimage, static/admin/portal/ckeditor/), all through
        # news.editor_uploads.
        # 一键排版, 首行缩进 and the paste rule (portaltypeset); 字数统计 (portalwordcount).
        "extraPlugins": "image2,uploadimage,uploadwidget,portalimage,portaltypeset,portalwordcount",
        "external_plugin_resources": [
            ("portalimage", _EDITOR_PLUGINS + "portalimage/", "plugin.js"),
            ("portaltypeset", _EDITOR_PLUGINS + "portaltypeset/", "plugin.js"),
            ("portalwordcount", _EDITOR_PLUGINS + "portalwordcount/", "plugin.js"),
        ],
        "image2_captionedClass": "image",
        "image2_alignClasses": ["image-style-align-left", "image-style-align-center", "image-style-align-right"],
        "image2_altRequired": False,
        "clipboard_handleImages": False,  # pasted images are uploaded (uploadimage), never kept inline
        "contentsCss": [f"{CKEDITOR_BASEPATH}contents.css", f"/{STATIC_URL}admin/portal/ckeditor/contents.css"],
        "filebrowserUploadUrl": _EDITOR_IMAGE_UPLOAD_URL,
        "filebrowserImageUploadUrl": _EDITOR_IMAGE_UPLOAD_URL,
        "uploadUrl": _EDITOR_IMAGE_UPLOAD_URL + "?responseType=json",
        # “” and other characters as they are, not as named entities (&ldquo;): the body's
        # HTML stays readable and is what the server stores.
        "entities": False,
        "disallowedContent": "*{font*,color,background*,line-height}; *[on*]; script; style",
        "versionCheck": False,
    },
}

# --- Logging ----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
