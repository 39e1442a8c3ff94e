from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from core import views
from core.admin_session import session_status
from core.pagecache import page_number, public_page
from news.editor_uploads import upload_image
from news.sitemaps import SITEMAPS as NEWS_SITEMAPS
from topics.sitemaps import SITEMAPS as TOPIC_SITEMAPS

SITEMAPS = {**NEWS_SITEMAPS, **TOPIC_SITEMAPS}

portal_patterns = (
    [
        path("healthz", views.healthz, name="healthz"),
        path("prefs/", views.set_reading_preferences, name="preferences"),
        # For clients that ask for /favicon.ico whatever the page's <link rel="icon"> says.
        path("favicon.ico", public_page()(views.favicon), name="favicon"),
        path(
            "robots.txt",
            public_page()(TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8")),
            name="robots",
        ),
    ],
    "portal",
)

urlpatterns = [
    path("", include("news.urls")),
    path("attachments/", include("attachments.urls")),
    path("topics/", include("topics.urls")),
    path("", include(portal_patterns)),
    path(
        "sitemap.xml",
        public_page()(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page({"p": page_number})(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path(f"{settings.ADMIN_URL}editor/upload-image/", upload_image, name="editor-image-upload"),
    path(f"{settings.ADMIN_URL}session/", session_status, name="admin-session"),
    path(f"{settings.ADMIN_URL}reports/", include("reports.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.MEDIA_IN_OBJECT_STORE:
    # Covers and editor images from the object store, behind nginx (wuda_portal.storage).
    urlpatterns += [path(f"{settings.MEDIA_URL.lstrip('/')}<path:name>", views.media, name="media")]
elif settings.SERVE_MEDIA:
    # Development and tests only: in production nginx serves media (deploy/nginx.conf).
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler500 = "core.views.server_error"
