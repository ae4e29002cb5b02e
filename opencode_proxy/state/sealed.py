"""Split-key sealing: the database keeps a password's ciphertext, the browser's cookie its key.

A browser's cookie holds 256 random bits, its *secret*. HKDF-SHA256 derives two values
from it: the session's id, the only thing the database keeps about the cookie (so a
copy of the file does not name any cookie), and the AES-256-GCM key that seals the
session's passwords, kept nowhere but in the cookie. Neither the file alone nor the
cookie alone gives a password back.

Each ciphertext is bound to its row: the associated data name the session id, the user,
the target and the username, so a row moved to another session, user or target, or
given another username, no longer opens. The cryptography itself is the ``cryptography``
package's; only the choice of inputs is written here.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SECRET_BYTES = 32
NONCE_BYTES = 12
_ID_INFO = b"opencode-proxy session id v1"
_KEY_INFO = b"opencode-proxy password key v1"
_BINDING = "opencode-proxy credential v1"


class Unreadable(Exception):
    """A sealed value does not open with this key and binding (wrong key, moved or altered)."""


def new_secret() -> str:
    """A fresh cookie secret: 256 random bits, base64url without padding (43 characters)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@dataclass(frozen=True, slots=True)
class SessionKeys:
    """What a cookie's secret stands for: the session's id and its sealing key."""

    id: bytes
    aead: AESGCM = field(repr=False)

    @classmethod
    def of(cls, secret: str) -> SessionKeys:
        """Derive the id and key from a cookie's secret; ValueError if it is not one."""
        try:
            raw = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
        except (binascii.Error, ValueError):
            raise ValueError("not a session secret") from None
        if len(raw) != SECRET_BYTES:
            raise ValueError("not a session secret")
        return cls(_derive(raw, _ID_INFO), AESGCM(_derive(raw, _KEY_INFO)))

    def seal(self, plaintext: str, binding: bytes) -> bytes:
        """A fresh random nonce followed by the ciphertext and its tag."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self.aead.encrypt(nonce, plaintext.encode(), binding)

    def unseal(self, sealed: bytes, binding: bytes) -> str:
        """The plaintext, or :class:`Unreadable`."""
        try:
            plain = self.aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], binding)
            return plain.decode()
        except (InvalidTag, ValueError):
            raise Unreadable() from None


def binding(session_id: bytes, user: str, target: str, username: str) -> bytes:
    """The associated data binding a sealed password to its row (an unambiguous encoding)."""
    return json.dumps([_BINDING, session_id.hex(), user, target, username]).encode()
