"""What a web session is held to besides its lifetime: the cookie names, and the idle limit.

Cookie names (OWASP ASVS 4.0.3, 3.4.4). Over https the session and CSRF cookies carry the
``__Host-`` prefix, which a browser accepts only with ``Secure``, ``Path=/`` and no
``Domain``: a sibling subdomain cannot plant or overwrite them (RFC 6265bis, section
4.1.3.2). Over https only the prefixed names are read, so a plain ``offramp_session``
cookie set by a sibling is ignored; the loopback demo over http keeps the plain names.
Both the API and the web desk take the names from here (they may not import each other).

Renewal (ASVS 2.1.7). A password set before the desk's rules grew (12 characters, not a
common one) still signs in, but into a *renewal* session: it lasts :data:`RENEWAL_LIFETIME`
and may only change the password, or sign out; every other request is refused with
:class:`PasswordRenewal`, and the web desk sends the browser to the password page.

Idle limit (ASVS 3.3.2). A web session that has not been used for :data:`IDLE_LIMIT`
ends; API tokens are not sessions and keep their own expiry. A use is recorded at most
once per :data:`TOUCH_EVERY` per session, so a burst of requests is not a burst of
writes.
"""

from __future__ import annotations

from datetime import timedelta

from offramp.errors import Forbidden, Unauthenticated

HOST_PREFIX = "__Host-"
SESSION_COOKIE = "offramp_session"
CSRF_COOKIE = "offramp_csrf"
IDLE_LIMIT = timedelta(minutes=30)
RENEWAL = "renewal"  # the credential kind of a session that may only change its password
SESSION_KINDS = frozenset({"session", RENEWAL})
RENEWAL_LIFETIME = timedelta(minutes=15)
RENEWAL_MESSAGE = (
    "Your password no longer meets the desk's rules (at least 12 characters, not a "
    "common password, not built on your user name). Choose a new one to go on; "
    "until then you may only change it or sign out."
)
TOUCH_EVERY = timedelta(minutes=1)


def host_cookie(name: str, https: bool) -> str:
    """``name`` with the ``__Host-`` prefix over https, as it is over http."""
    return HOST_PREFIX + name if https else name


def session_cookie(https: bool) -> str:
    """The name of the web session cookie over https or http."""
    return host_cookie(SESSION_COOKIE, https)


def csrf_cookie(https: bool) -> str:
    """The name of the web desk's CSRF cookie over https or http."""
    return host_cookie(CSRF_COOKIE, https)


SESSION_COOKIES = frozenset({session_cookie(False), session_cookie(True)})


def spell(span: timedelta) -> str:
    """A duration in words: ``30 minutes``, ``2 hours``, ``1 hour and 30 minutes``.

    >>> spell(timedelta(minutes=30)), spell(timedelta(hours=2)), spell(timedelta(minutes=61))
    ('30 minutes', '2 hours', '1 hour and 1 minute')
    """
    minutes = max(1, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if n
    ]
    return " and ".join(parts)


class SessionIdled(Unauthenticated):
    """A web session refused because it went unused longer than the idle limit."""

    def __init__(self, limit: timedelta) -> None:
        super().__init__(f"Your session ended after {spell(limit)} without use; sign in again.")


class PasswordRenewal(Forbidden):
    """A request of a renewal session other than changing the password or signing out."""

    def __init__(self) -> None:
        super().__init__("change_password", RENEWAL_MESSAGE)
