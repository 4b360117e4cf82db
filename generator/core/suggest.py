"""The valid name nearest to a misspelt one, for "did you mean ...?" hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: object, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice most like `word`, ignoring case, or None if none is close enough.
    `word` may be any YAML key (a number, a date): it is compared as text."""
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(choice.casefold(), choice)
    found = difflib.get_close_matches(str(word).casefold(), list(folded), n=1, cutoff=cutoff)
    return folded[found[0]] if found else None


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """" (did you mean 'x'?)" after a problem's text, or "" when nothing is close."""
    found = closest(word, choices)
    return f" (did you mean '{found}'?)" if found else ""
