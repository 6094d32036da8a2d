"""Personal data out of a recorded page, before anything is written.

The page script (js/capture.js) already removed what runs, loads or tracks. What is left is the
page's text and attributes, and in them the person: their name, username, e-mail address, phone
number, profile and photo URLs, and numeric ids. Known values (the account's own, and any the
user names with `--redact`) are replaced wherever they appear, in any case and in their HTML- or
URL-encoded forms; e-mail addresses, phone numbers and long numeric ids are replaced by pattern
whoever they belong to. A page in which a known value survives is refused (`find_leaks`).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

NAME = "Pat Placeholder"
USERNAME = "placeholder-user"
EMAIL = "person@example.invalid"
PHONE = "+00 000 000 000"
NUMERIC_ID = "0000000000"
PROFILE_PATH = "/in/placeholder-user"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40|&#64;|&#x40;)[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A phone number: an optional +, then 9 to 15 digits with spaces, dots, dashes or brackets between.
_PHONE = re.compile(r"(?<![\w./-])\+?\(?\d(?:[\s().-]{0,2}\d){8,14}(?![\w/-])")
_LONG_NUMBER = re.compile(r"(?<![A-Za-z0-9])\d{6,}(?![A-Za-z0-9])")
# Profile pages by path on the platforms privacyguard knows (the username is in the path).
_PROFILE_URL = re.compile(r"/(?:in|pub|profile|people|u)/[^\s\"'<>/?#]+", re.IGNORECASE)
# Photo and media hosts of the platforms.
_MEDIA_URL = re.compile(r"https?://(?:[\w-]+\.)*(?:licdn\.com|fbcdn\.net|cdninstagram\.com|twimg\.com)"
                        r"[^\s\"'<>)]*", re.IGNORECASE)


@dataclass(frozen=True)
class PersonalData:
    """Values that identify the person whose page is recorded: replaced everywhere, then checked for."""

    names: tuple[str, ...] = ()  # display names and parts of them worth hiding ("Jana de Vries")
    usernames: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    other: tuple[str, ...] = ()  # anything else the user asked to hide (--redact)

    def known(self) -> list[tuple[str, str, str]]:
        """(kind, value, placeholder), longest value first so that a name is replaced before its parts."""
        found = ([("name", v, NAME) for v in self.names] + [("username", v, USERNAME) for v in self.usernames]
                 + [("e-mail address", v, EMAIL) for v in self.emails]
                 + [("phone number", v, PHONE) for v in self.phones]
                 + [("personal value", v, "redacted") for v in self.other])
        return sorted(((k, v.strip(), p) for k, v, p in found if len(v.strip()) >= 3), key=lambda t: -len(t[1]))


def _forms(value: str) -> list[str]:
    """The ways a value can be written into HTML: as is, HTML-escaped, URL-encoded."""
    forms = {value, html.escape(value, quote=True), html.escape(value, quote=False), quote(value, safe=""),
             quote_plus(value), quote(value, safe="@"), value.replace(" ", "&nbsp;"), value.replace(" ", "\u00a0")}
    return sorted((f for f in forms if f), key=len, reverse=True)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


@dataclass
class Scrubbed:
    html: str
    replaced: Counter[str] = field(default_factory=Counter)


def _sub(pattern: re.Pattern[str], placeholder: str, text: str, keep: int = 0) -> tuple[str, int]:
    """Replace every match by the placeholder; count real changes.

    With `keep`: only matches of at least that many digits that are not digits alone (those are ids).
    """
    changed = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal changed
        found = match.group(0)
        if found == placeholder or (keep and (len(_digits(found)) < keep or found.isdigit())):
            return found
        changed += 1
        return placeholder

    return pattern.sub(replace, text), changed


def scrub_text(text: str, person: PersonalData) -> Scrubbed:
    """Replace the person's known values, then every e-mail, phone number, profile/photo URL and long id."""
    replaced: Counter[str] = Counter()
    for kind, value, placeholder in person.known():
        for form in _forms(value):
            text, n = re.compile(re.escape(form), re.IGNORECASE).subn(placeholder, text)
            replaced[kind] += n
    for kind, pattern, placeholder, keep in (("photo URL", _MEDIA_URL, "https://example.invalid/image", 0),
                                             ("e-mail address", _EMAIL, EMAIL, 0),
                                             ("profile URL", _PROFILE_URL, PROFILE_PATH, 0),
                                             ("phone number", _PHONE, PHONE, 9),
                                             ("numeric id", _LONG_NUMBER, NUMERIC_ID, 0)):
        text, n = _sub(pattern, placeholder, text, keep)
        replaced[kind] += n
    return Scrubbed(text, Counter({k: v for k, v in replaced.items() if v}))


def find_leaks(text: str, person: PersonalData) -> list[str]:
    """The kinds of known personal values still present in `text` (case-insensitive, any encoding)."""
    lowered = text.lower()
    leaks = []
    for kind, value, _ in person.known():
        if any(form.lower() in lowered for form in _forms(value)):
            leaks.append(kind)
            continue
        if kind == "phone number" and len(_digits(value)) >= 7 and _digits(value) in _digits_runs(text):
            leaks.append(kind)
    return sorted(set(leaks))


def _digits_runs(text: str) -> str:
    """Every run of digits with phone-number separators between them, separators removed, joined by '|'."""
    return "|".join(_digits(m.group(0)) for m in re.finditer(r"\+?\d[\d\s().-]*\d", text))
