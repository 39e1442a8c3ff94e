"""QR codes of the site's addresses (分享到微信), drawn on the server: no third-party host."""

import io


def qr_svg(address):
    """The QR code of `address` as an SVG document (black on white, with its quiet zone)."""
    import segno  # here: 11 MB per worker for codes made once each, then cached

    code = segno.make(address, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=5, border=4, xmldecl=False, title=f"二维码：{address}", dark="#000", light="#fff")
    return out.getvalue()
