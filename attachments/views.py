from urllib.parse import quote

from django.conf import settings
from django.db.models import F, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers, patch_cache_control

from core.views import READ_METHODS, answers_only
from news.models import Article, Page

from .models import Attachment

# A PDF opened in the browser gets nothing of the site's origin: no script, no forms, no
# plugins of its own, and cannot be framed.
INLINE_PDF_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


def content_disposition(attachment, *, inline=False):
    """
    RFC 6266: an ASCII fallback name for old clients and the real (Chinese) name encoded
    per RFC 5987, which every current browser uses.
    """
    disposition = "inline" if inline else "attachment"
    fallback = f"attachment-{attachment.pk}.{attachment.extension}"
    encoded = quote(attachment.download_name, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


@answers_only(*READ_METHODS)
def download(request, pk):
    """
    Deliver an attachment. The public only gets attachments of published articles and
    single pages; staff get any (to check a draft before it is published).
    """
    attachments = Attachment.objects.all()
    preview = request.user.is_staff
    if not preview:
        attachments = attachments.filter(
            Q(article__in=Article.objects.published()) | Q(page__in=Page.objects.published())
        )
    attachment = get_object_or_404(attachments, pk=pk)
    inline = request.GET.get("inline") == "1" and attachment.extension == "pdf"
    if settings.ATTACHMENT_X_ACCEL_PREFIX:
        # nginx sends the file from its internal location (deploy/nginx.conf); the stored
        # name is generated and ASCII, so it can go into a header as it is.
        response = HttpResponse(content_type=attachment.content_type)
        response["X-Accel-Redirect"] = settings.ATTACHMENT_X_ACCEL_PREFIX.rstrip("/") + "/" + attachment.file.name
    else:
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404("附件文件不存在") from None
        response = FileResponse(handle, content_type=attachment.content_type)
        response["Content-Length"] = str(attachment.file.size)
    response["Content-Disposition"] = content_disposition(attachment, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        response["Content-Security-Policy"] = INLINE_PDF_POLICY
    if preview:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    if request.method == "GET":
        Attachment.objects.filter(pk=attachment.pk).update(download_count=F("download_count") + 1)
    return response
