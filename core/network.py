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


def forwarded_scheme(environ):
    """
    The scheme of a request as Django's `request.scheme` works it out, for code that runs
    before Django has a request (the page cache): behind the proxy the first value of its
    SECURE_PROXY_SSL_HEADER, else the WSGI server's. The page cache and Django must agree,
    or a page built for HTTPS (with HSTS) could be kept for HTTP; tests/portal/test_network.py
    holds the two together.
    """
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header:
        name, secure_value = header
        value = environ.get(name)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")
