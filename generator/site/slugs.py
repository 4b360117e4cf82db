"""Page addresses: a slug for each key (a reference, a ward code), unique by construction.

A slug is the key in lower-case letters and digits, other characters made single
hyphens ('ENF/2021/0007' -> 'enf-2021-0007'), letters of other alphabets transliterated
('Élan' -> 'elan'). Different keys can give the same slug ('X/2020/1' and 'X-2020-1'),
and some slugs cannot be used as they are ('index' is a folder's own page; a very long
one is more than a file name may hold). Such a key gets the plain slug followed by
`SEPARATOR` and a few characters of a hash of the key itself. A slug never has two
hyphens running, so a suffixed slug can never equal another key's plain slug, and it
depends only on the key: the same keys always get the same addresses.

Of keys that clash, the first in the order given keeps the plain slug (the register
passes the earliest notice first, so a notice added later does not move an entry that
is already published).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from anyascii import anyascii
from markdown.extensions.toc import slugify as heading_slug

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SEPARATOR = "--"  # never inside a slug: runs of other characters become one hyphen
MAX_LENGTH = 80  # characters before the suffix; file names may hold 255 bytes
RESERVED = frozenset({"index"})  # a folder's own page (index.md)
_DIGEST_LENGTHS = (6, 12, 32)


def slugify(text: str) -> str:
    """'ENF/2021/0007' -> 'enf-2021-0007'; 'entry' when nothing is left."""
    return _NOT_SLUG.sub("-", anyascii(text).lower()).strip("-") or "entry"


def unique_slugs(keys: Iterable[str]) -> tuple[dict[str, str], list[list[str]]]:
    """A different slug for each different key, and the groups of keys that clashed
    (each in the order given; the first of a group kept the plain slug if it could)."""
    groups: dict[str, list[str]] = {}
    for key in dict.fromkeys(keys):
        groups.setdefault(_plain(key), []).append(key)
    slugs: dict[str, str] = {}
    clashes = []
    for plain, members in groups.items():
        if len(members) > 1:
            clashes.append(members)
        first, *rest = members
        if plain in RESERVED or slugify(first) != plain:  # reserved, or cut short
            rest = members
        else:
            slugs[first] = plain
        slugs.update(_suffixed(plain, rest))
    return slugs, clashes


def _plain(key: str) -> str:
    return slugify(key)[:MAX_LENGTH].rstrip("-") or "entry"


def _suffixed(plain: str, keys: list[str]) -> dict[str, str]:
    """`plain--<digest of the key>`, the digest as short as keeps them apart."""
    for length in _DIGEST_LENGTHS:
        found = {key: f"{plain}{SEPARATOR}{_digest(key)[:length]}" for key in keys}
        if len(set(found.values())) == len(keys):
            return found
    raise ValueError(f"keys whose digests clash: {keys}")  # pragma: no cover


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()


def page_name(slug: str, page: int) -> str:
    """The name of a list's page: 'a' for the first, 'a--page-2' for the next (the
    separator keeps it apart from every other list's slug)."""
    return slug if page == 1 else f"{slug}{SEPARATOR}page-{page}"


def glossary_id(term: str) -> str:
    """The id of a term on the glossary page, as the plugin gives it and links to it
    ('In force: compliance date passed' -> 'in-force-compliance-date-passed')."""
    return heading_slug(term, "-")
