"""The client's address, for login throttling (django-axes) and the API login's rate limit.

Directly connected (TRUSTED_PROXY_COUNT=0, the default) it is REMOTE_ADDR, and any
X-Forwarded-For a client sends is ignored: a client cannot pass for another address. Behind
the load balancer of docs/deploy.md every connection comes from the balancer, so REMOTE_ADDR
is the same for everyone and five failures from anyone would lock a user out for all; there
the address is the one the trusted proxies appended to the header (TRUSTED_PROXY_HEADER),
counted from the right (the left part is whatever the client sent), and only when the
connection comes from one of TRUSTED_PROXY_IPS. The header is read by django-ipware.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from ipware import ip as ipware


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries if entry != "*")


def from_trusted_proxy(address: str | None) -> bool:
    entries = tuple(settings.TRUSTED_PROXY_IPS)
    if "*" in entries:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in _networks(entries))


def meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies or not from_trusted_proxy(remote):
        return remote
    # ipware counts the proxies listed in the header; the last one is REMOTE_ADDR itself.
    found, _routable = ipware.get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=[meta_key(settings.TRUSTED_PROXY_HEADER)],
        strict=False,  # a client may put addresses of its own in front: they are skipped
    )
    return found or remote
