from django.conf import settings


def client_ip(request):
    """
    The visitor's address.

    Behind nginx every request comes from the proxy, so the address is the X-Real-IP header
    that nginx overwrites with the address it saw (deploy/nginx.conf). Without a proxy in
    front (BEHIND_PROXY off) that header could be forged by the client and is ignored.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")
