"""Who is asking: the client's address, as the limits and the login throttle see it."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or behind a proxy the header settings.CLIENT_IP_META_KEY names. Of a list
    (X-Forwarded-For) the last address counts: the one our proxy added. Earlier ones come
    from the client, which could write anything there to dodge a limit."""
    meta_key = settings.CLIENT_IP_META_KEY or "REMOTE_ADDR"
    return (request.META.get(meta_key) or "").split(",")[-1].strip()
