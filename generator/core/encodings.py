"""The text encodings an export may be read in, and the names people give them."""

from __future__ import annotations

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")
AUTO = "auto"
_ALIASES = {
    "utf8": "utf-8", "utf_8": "utf-8", "utf-8-bom": "utf-8-sig", "utf8-sig": "utf-8-sig",
    "windows-1252": "cp1252", "win-1252": "cp1252", "cp-1252": "cp1252",
    "latin1": "latin-1", "iso-8859-1": "latin-1", "iso8859-1": "latin-1",
}


def canonical_encoding(name: str) -> str | None:
    """'Windows-1252' -> 'cp1252', 'auto' -> 'auto'; None for an encoding not supported."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    return key if key == AUTO or key in ENCODINGS else None
