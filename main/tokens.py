"""Random tokens and their stored form, for every package that hands out a secret link or key.

A token is 256 random bits (URL-safe text); only its SHA-256 digest is stored. A random
256-bit token needs no slow password hash: guessing is hopeless, and a leaked table of
digests gives nobody a usable token.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(nbytes: int = 32) -> str:
    """A fresh random token (`nbytes` random bytes as URL-safe text)."""
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """What is stored for `token`: its SHA-256 digest in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_digest(stored: str, token: str) -> bool:
    """Whether `token` is the one whose digest was stored (constant-time comparison)."""
    return hmac.compare_digest(stored, token_digest(token))
