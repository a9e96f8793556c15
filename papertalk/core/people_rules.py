"""What a person may type as a user name, an email address and a password (pure rules, one message each).

A name is compared by its key, NFKC then case folding, so "Ada", "ADA" and the full-width "ａｄａ" are one
name. After NFKC a name may only hold the letters a–z, digits, '.', '_' and '-': letters of other scripts
that look like Latin ones (Cyrillic "а", Greek "ο") would make two names that read the same, so they are
refused rather than guessed at. Each ``*_problem`` function returns None or a one-line reason naming the field.
"""

from __future__ import annotations

import re
import unicodedata

NAME_MIN, NAME_MAX = 2, 32
EMAIL_MAX = 254  # RFC 5321's limit on a forward path
PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # argon2 takes any length; a cap keeps a megabyte "password" from costing a request
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}\Z")
_EMAIL_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")


def name_key(name: str) -> str:
    """The form two names are compared in: NFKC, then case folded (and NFKC again, as folding may un-normalize)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def display_name(name: str) -> str:
    """The name as shown: NFKC of what was typed, surrounding spaces dropped (full-width letters become plain)."""
    return unicodedata.normalize("NFKC", name).strip()


def name_problem(name: str) -> str | None:
    if "\x00" in name:
        return "name: must not contain a NUL character"
    if len(name) > 4 * NAME_MAX:
        return f"name: at most {NAME_MAX} characters"
    key = name_key(name.strip())
    if not NAME_MIN <= len(key) <= NAME_MAX:
        return f"name: between {NAME_MIN} and {NAME_MAX} characters"
    if not _NAME.match(key):
        return (
            "name: use only the letters a-z, digits, '.', '_' and '-', starting with a letter or digit "
            "(letters of other alphabets can look the same and are refused)"
        )
    return None


def normalize_email(email: str) -> str:
    """The address as stored: spaces around dropped, the domain in lower case (the local part is the owner's)."""
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def email_problem(email: str) -> str | None:
    if "\x00" in email:
        return "email: must not contain a NUL character"
    email = email.strip()
    if len(email) > EMAIL_MAX:
        return f"email: at most {EMAIL_MAX} characters"
    local, at, domain = email.rpartition("@")
    labels = domain.split(".")
    if not at or not _EMAIL_LOCAL.match(local) or len(labels) < 2 or not all(_EMAIL_LABEL.match(x) for x in labels):
        return "email: not an email address like ada@example.org"
    return None


def normalize_password(password: str) -> str:
    """NFC, so the same password typed on two keyboards (composed or decomposed accents) is the same."""
    return unicodedata.normalize("NFC", password)


def password_problem(password: str, name: str, email: str) -> str | None:
    """A password of PASSWORD_MIN..PASSWORD_MAX characters, no NUL, and not the name or the email address."""
    if "\x00" in password:
        return "password: must not contain a NUL character"
    password = normalize_password(password)
    if len(password) < PASSWORD_MIN:
        return f"password: at least {PASSWORD_MIN} characters"
    if len(password) > PASSWORD_MAX:
        return f"password: at most {PASSWORD_MAX} characters"
    folded = password.casefold()
    email = email.strip()
    if folded in {name_key(name.strip()), email.casefold(), email.rpartition("@")[0].casefold()}:
        return "password: must not be your name or email address"
    return None
