"""Sealed boxes (libsodium, via PyNaCl): what readers send is sealed with the team's public key
as it arrives, so neither the server nor its database can read it back. Only the private key,
kept on a team member's computer, opens it (`python -m service dechiffrer-temoignages`)."""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from .private_files import FILE_MODE, private_files, private_folder, write_private
from .settings import SettingsError

PRIVATE_FILE, PUBLIC_FILE = "cle-privee.txt", "cle-publique.txt"


def parse_public_key(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise SettingsError("SERVICE_PUBLIC_KEY illisible : attendu le contenu de "
                            f"{PUBLIC_FILE} (32 octets en base64)")
    return raw


def seal(public_key: bytes, text: str) -> str:
    """`text` sealed for the team, as base64 text (fits any database column)."""
    sealed = SealedBox(PublicKey(public_key)).encrypt(text.encode("utf-8"))
    return base64.b64encode(sealed).decode("ascii")


class PrivateKeyError(Exception):
    pass


def load_private_key(path: Path) -> SealedBox:
    try:
        raw = base64.b64decode(path.read_text(encoding="utf-8").strip(), validate=True)
        return SealedBox(PrivateKey(raw))
    except (OSError, binascii.Error, ValueError, TypeError) as error:
        raise PrivateKeyError(f"clé privée illisible dans {path} : {error}") from None


def unseal(box: SealedBox, sealed: str) -> str:
    try:
        return box.decrypt(base64.b64decode(sealed)).decode("utf-8")
    except CryptoError:
        raise PrivateKeyError("cette clé privée n’ouvre pas les données : ce n’est pas la "
                              "paire de la clé publique du serveur") from None


def generate_keys(folder: Path) -> tuple[Path, Path]:
    """A new key pair in `folder` (created for its owner only, 0700): both files 0600."""
    private_folder(folder)
    private, public = folder / PRIVATE_FILE, folder / PUBLIC_FILE
    if private.exists():
        raise PrivateKeyError(f"{private} existe déjà : je ne l’écrase pas (les données "
                              "scellées avec l’ancienne clé seraient perdues)")
    key = PrivateKey.generate()
    descriptor = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(base64.b64encode(bytes(key)).decode("ascii") + "\n")
    private_files(private)
    write_private(public, (base64.b64encode(bytes(key.public_key)).decode("ascii")
                           + "\n").encode("ascii"))
    return private, public
