"""Read a content file as text, the one way every reader does it.

UTF-8 with or without a byte order mark, line ends `\\n`, `\\r\\n` or `\\r`: all are valid
files and read the same. Bytes that are not UTF-8 are a content mistake named with their
line, column and value, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from .errors import Problem

ENCODING_HINT = ("enregistrez le fichier en UTF-8 (dans l’éditeur : « Enregistrer sous » "
                 "puis l’encodage UTF-8), ou retapez le caractère")


def decode(data: bytes, label: str) -> tuple[str | None, list[Problem]]:
    """The text with `\\n` line ends, or None and the problem of its first bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line_end = data.find(b"\n", start)
        line_bytes = data[line_start:line_end if line_end >= 0 else len(data)]
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        shown = line_bytes.decode("utf-8", "replace").strip()[:80]
        bad = " ".join(f"0x{byte:02X}" for byte in data[start:error.end])
        return None, [Problem(label, f"caractère illisible (octet {bad}), le fichier n’est "
                                     f"pas en UTF-8 : « {shown} »",
                              data.count(b"\n", 0, start) + 1, ENCODING_HINT, column=column)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def read_text(path: Path, label: str) -> tuple[str | None, list[Problem]]:
    return decode(path.read_bytes(), label)
