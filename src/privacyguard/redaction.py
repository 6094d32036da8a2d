"""URLs as they may be shown: in logs, reports, audits and error messages.

Webhook paths and queries often hold a token, a browser server's path is its password, and a
URL's user-info part is a password outright; so only scheme, host and port are kept.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def redact_url(url: str) -> str:
    """`scheme://host[:port]`, plus `/…` where a path or query was left out; never user or password."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"  # IPv6
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number
        port = ""
    rest = "/…" if (parts.path.strip("/") or parts.query) else ""
    return f"{parts.scheme}://{host}{port}{rest}"
