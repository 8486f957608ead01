"""Signed one-click unsubscribe links.

`/unsubscribe?subscription=<id>&expires=<unix time>&signature=<hmac>`

An email's List-Unsubscribe header carries one of these (RFC 8058). The
signature is HMAC-SHA256, under the link secret (signed_links.link_secret()),
of "nightcap-unsubscribe-v1\\n<subscription id>\\n<expires>", URL-safe base64
without padding. The version string differs from the download links', so a
download link's signature can never be replayed as an unsubscribe, nor the
other way round.

The contract for the HTTP handler (renderer/link_server.py):

    subscription_id = verify_unsubscribe(self.path, secret)   # path and query
    api.pause_subscription(subscription_id, 'unsubscribed')

- verify_unsubscribe returns the subscription id (a positive int) only for a
  link this module signed under `secret` that has not expired; otherwise it
  raises a signed_links.LinkError subclass: MalformedLinkError (not an
  unsubscribe link: other path, missing / repeated / extra parameters, an id
  that is not a positive decimal; answer 400 or 404), TamperedLinkError
  (signature wrong; 403), ExpiredLinkError (genuine but out of date; 403 or
  410, and say the reader can unsubscribe from a newer report).
- The signature is checked before the expiry, so an altered link is always
  reported as altered.
- RFC 8058: mail providers send `POST <url>` with the body
  `List-Unsubscribe=One-Click`; only that POST should pause. A GET (a person
  clicking, or a link scanner prefetching) should show a page with a button
  that makes the same POST, never pause by itself.
- api.pause_subscription is idempotent, so a repeated POST is harmless.
"""

from urllib.parse import urlsplit

from renderer.signed_links import (
    MalformedLinkError,
    check_signature,
    hmac_signature,
    query_values,
)

PATH = "/unsubscribe"
VERSION = b"nightcap-unsubscribe-v1"
# An unsubscribe link should keep working long after the email arrived.
DEFAULT_TTL_S = 90 * 24 * 3600


def _signature(subscription_id: int, expires_at: int, secret: bytes) -> str:
    return hmac_signature(VERSION, str(subscription_id), expires_at, secret)


def _check_id(subscription_id: int) -> int:
    if isinstance(subscription_id, bool) or not isinstance(subscription_id, int):
        raise ValueError(f"a subscription id must be an int, not {subscription_id!r}")
    if subscription_id < 1:
        raise ValueError(f"a subscription id must be positive, not {subscription_id}")
    return subscription_id


def sign_unsubscribe(subscription_id: int, secret: bytes, expires_at: int) -> str:
    """The path and query of a link that unsubscribes `subscription_id` until `expires_at`."""
    if not secret:
        raise ValueError("a link secret must not be empty")
    subscription_id = _check_id(subscription_id)
    expires_at = int(expires_at)
    signature = _signature(subscription_id, expires_at, secret)
    return f"{PATH}?subscription={subscription_id}&expires={expires_at}&signature={signature}"


def unsubscribe_url(subscription_id: int, secret: bytes, expires_at: int, base_url: str) -> str:
    """A full unsubscribe link on the link server's public base URL."""
    return base_url.rstrip("/") + sign_unsubscribe(subscription_id, secret, expires_at)


def verify_unsubscribe(path_and_query: str, secret: bytes, now: float | None = None) -> int:
    """The subscription id an unsubscribe link names; a LinkError when it must be refused."""
    parts = urlsplit(path_and_query)
    if parts.scheme or parts.netloc or parts.path != PATH:
        raise MalformedLinkError(
            f"not an unsubscribe link (expected {PATH}?subscription=&expires=&signature=)"
        )
    query = query_values(
        parts.query, {"subscription", "expires", "signature"}, "an unsubscribe link"
    )
    id_text, expires_text = query["subscription"], query["expires"]
    for text in (id_text, expires_text):
        if not text.isascii() or not text.isdigit():
            raise MalformedLinkError("the link's subscription or expiry is not a number")
    subscription_id = int(id_text)
    if subscription_id < 1 or str(subscription_id) != id_text:
        raise MalformedLinkError("the link's subscription is not a positive number")
    expires_at = int(expires_text)
    check_signature(
        query["signature"],
        _signature(subscription_id, expires_at, secret),
        expires_at,
        now,
        "the unsubscribe link",
    )
    return subscription_id
