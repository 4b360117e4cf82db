"""The one "did you mean ...?" helper every configuration check uses."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.core.suggest import closest, did_you_mean

KEYS = ["path", "encoding", "delimiter", "sheet", "columns", "codes"]


@pytest.mark.parametrize(("word", "cutoff", "expected"), [
    ("delimeter", 0.6, "delimiter"),
    ("colums", 0.6, "columns"),
    ("shet", 0.6, "sheet"),
    ("Encoding", 0.6, "encoding"),  # case is ignored, the valid spelling returned
    ("ENCODNG", 0.6, "encoding"),
    ("separator", 0.6, None),  # nothing close: no guess
    ("", 0.6, None),
    (12, 0.6, None),  # a YAML key can be a number
    (dt.date(2024, 1, 1), 0.6, None),
    ("pat", 0.6, "path"),
    ("cod", 0.6, "codes"),
    ("cd", 0.6, None),
    ("cd", 0.5, "codes"),
])
def test_closest(word: object, cutoff: float, expected: str | None) -> None:
    assert closest(word, KEYS, cutoff=cutoff) == expected


def test_closest_keeps_the_spelling_of_the_choice() -> None:
    assert closest("case ref", ["Date Received", "Case Ref"], cutoff=0.5) == "Case Ref"


@pytest.mark.parametrize(("word", "hint"), [
    ("delimeter", " (did you mean 'delimiter'?)"), ("frobnicate", "")])
def test_did_you_mean(word: str, hint: str) -> None:
    assert did_you_mean(word, KEYS) == hint
