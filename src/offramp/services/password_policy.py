"""What a new password must be (OWASP ASVS 4.0.3 section 2.1; NIST SP 800-63B 5.1.1.2).

- at least :data:`MIN_LENGTH` characters, counted after runs of spaces are made one
  (2.1.1), and at most :data:`MAX_LENGTH` (2.1.2: 64 and more are allowed);
- any Unicode text: spaces, letters of any script, emoji (2.1.4); no composition rules
  (2.1.9), and nothing is trimmed or truncated (2.1.3);
- not one of the commonly used passwords shipped in ``data/passwords/common.txt``
  (2.1.7), compared case-insensitively;
- still :data:`MIN_LENGTH` characters without the user name and the desk's name, so a
  password is not the name with a few characters around it (800-63B: context-specific
  words).

:func:`password_problem` names what is wrong, for an :class:`~offramp.errors.InputError`.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

MIN_LENGTH = 12
MAX_LENGTH = 128
DESK_NAME = "offramp"
_SPACES = re.compile(r"\s+")


def _folded(text: str) -> str:
    return _SPACES.sub(" ", text).casefold()


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of commonly used passwords, folded as they are compared."""
    text = (resources.files("offramp") / "data" / "passwords" / "common.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(_folded(line) for line in lines if line and not line.startswith("#"))


def password_problem(password: str, user: str) -> str | None:
    """Why ``password`` may not be ``user``'s password, or None if it may."""
    folded = _folded(password)
    if len(folded) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters (spaces in a row count once)"
    if len(password) > MAX_LENGTH:
        return f"a password may have at most {MAX_LENGTH} characters"
    if folded in common_passwords() or folded.strip() in common_passwords():
        return "that password is among the most commonly used ones; choose another"
    rest = folded
    for word in (user.casefold(), DESK_NAME):
        if len(word) >= 3:
            rest = rest.replace(word, "")
    if len(rest) < MIN_LENGTH:
        return f"a password needs {MIN_LENGTH} characters besides the user name and the desk's name"
    return None
