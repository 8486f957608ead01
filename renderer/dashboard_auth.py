"""Signing in to the dashboard: one-time-looking sign-in links and signed session cookies.

The dashboard knows users by the ids row-level security knows them by
(venue.memberships.user_id: Supabase's auth.uid(), or any id a trusted
operator assigns). nightcap keeps no passwords: an operator (or, later, the
organization's identity provider) hands a user a sign-in link,

    /dashboard/sign-in?user=<uuid>&expires=<unix time>&signature=<hmac>

made by `nightcap dashboard-link --user <uuid>` and valid for 15 minutes.
Following it sets a session cookie,

    nightcap_session=<uuid>.<expires>.<hmac>      HttpOnly; SameSite=Lax; Path=/dashboard

valid for 12 hours. Both are HMAC-SHA256 under the link server's secret
(signed_links.link_secret), each with its own version string so that neither
can be replayed as the other or as a download link.
"""

import time
import uuid
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode

from renderer import signed_links
from renderer.signed_links import LinkError, MalformedLinkError

SIGN_IN_PATH = "/dashboard/sign-in"
SIGN_IN_VERSION = b"nightcap-dashboard-sign-in-v1"
SESSION_VERSION = b"nightcap-dashboard-session-v1"
COOKIE_NAME = "nightcap_session"
SIGN_IN_TTL_S = 15 * 60
SESSION_TTL_S = 12 * 3600


def _user_id(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError as exc:
        raise MalformedLinkError("the user is not a uuid") from exc


def sign_in_path(
    user_id: str, secret: bytes, ttl_s: int = SIGN_IN_TTL_S, now: float | None = None
) -> str:
    """The path and query of a sign-in link for `user_id`."""
    user = _user_id(user_id)
    expires_at = int((time.time() if now is None else now) + ttl_s)
    signature = signed_links.hmac_signature(SIGN_IN_VERSION, user, expires_at, secret)
    query = urlencode({"user": user, "expires": expires_at, "signature": signature})
    return f"{SIGN_IN_PATH}?{query}"


def sign_in_url(user_id: str, secret: bytes, base_url: str | None = None) -> str:
    base = (base_url or signed_links.link_base_url()).rstrip("/")
    return base + sign_in_path(user_id, secret)


def verify_sign_in(query: str, secret: bytes, now: float | None = None) -> str:
    """The user a sign-in link names, when its signature is right and it has not expired."""
    values = signed_links.query_values(query, {"user", "expires", "signature"}, "a sign-in link")
    user = _user_id(values["user"])
    if not values["expires"].isascii() or not values["expires"].isdigit():
        raise MalformedLinkError("the sign-in link's expiry is not a number")
    expires_at = int(values["expires"])
    expected = signed_links.hmac_signature(SIGN_IN_VERSION, user, expires_at, secret)
    signed_links.check_signature(values["signature"], expected, expires_at, now, "the sign-in link")
    return user


def session_cookie(user_id: str, secret: bytes, now: float | None = None) -> str:
    """A Set-Cookie value opening a session for `user_id`."""
    user = _user_id(user_id)
    expires_at = int((time.time() if now is None else now) + SESSION_TTL_S)
    signature = signed_links.hmac_signature(SESSION_VERSION, user, expires_at, secret)
    return (
        f"{COOKIE_NAME}={user}.{expires_at}.{signature}; Path=/dashboard; HttpOnly;"
        f" SameSite=Lax; Max-Age={SESSION_TTL_S}"
    )


def clear_cookie() -> str:
    return f"{COOKIE_NAME}=; Path=/dashboard; HttpOnly; SameSite=Lax; Max-Age=0"


def session_user(cookie_header: str | None, secret: bytes, now: float | None = None) -> str | None:
    """The signed-in user of a request's Cookie header; None when absent, altered or expired."""
    if not cookie_header:
        return None
    try:
        morsel = SimpleCookie(cookie_header).get(COOKIE_NAME)
    except CookieError:
        return None
    if morsel is None:
        return None
    parts = morsel.value.split(".")
    if len(parts) != 3 or not parts[1].isascii() or not parts[1].isdigit():
        return None
    try:
        user = _user_id(parts[0])
        expected = signed_links.hmac_signature(SESSION_VERSION, user, int(parts[1]), secret)
        signed_links.check_signature(parts[2], expected, int(parts[1]), now, "the session")
    except LinkError:
        return None
    return user
