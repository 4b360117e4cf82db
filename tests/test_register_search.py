"""The register's own search index (generator/site/register_search.py)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from conftest import Project
from generator.site.common import GeneratedSite
from generator.site.register import SEARCHED_FIELDS
from generator.site.register_search import (
    CHUNK,
    FOLDER,
    STOP_WORDS,
    SearchEntry,
    register_search_index,
    words,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("ENF/2021/0007", ["enf", "2021", "0007"]),
    ("Flat 2, 19a Acacia Road", ["flat", "2", "19a", "acacia", "road"]),
    ("Côte  CAFÉ", ["cote", "cafe"]),
    ("O'Neill's shop", ["neill", "shop"]),  # single letters are dropped, digits are not
    ("NB4 2LB", ["nb4", "2lb"]),
    ("Ysgol Gymraeg Llanŵ", ["ysgol", "gymraeg", "llanw"]),
    ("—", []),
])
def test_words(text, expected):
    assert words(text) == expected


def _decode(gaps: list[int]) -> list[int]:
    out, n = [], 0
    for gap in gaps:
        n += gap
        out.append(n)
    return out


def _index(entries: list[SearchEntry]) -> tuple[dict, dict[str, dict], dict[str, list]]:
    site = GeneratedSite()
    register_search_index(site, entries, SEARCHED_FIELDS)
    files = {path.removeprefix(FOLDER + "/"): json.loads(content)
             for path, content in site.files.items()}
    terms = {p.removeprefix("terms/").removesuffix(".json"): v
             for p, v in files.items() if p.startswith("terms/")}
    chunks = {p: v for p, v in files.items() if p.startswith("entries/")}
    return files["meta.json"], terms, chunks


def _entry(slug: str, reference: str, address: str, breach: str,
           served: str = "1 March 2024") -> SearchEntry:
    return SearchEntry(slug, f"Enforcement notice {reference}", address, served, "In force",
                       [("Reference", reference), ("Address of the land", address),
                        ("Date of service", served),
                        ("Summary of the alleged breach", breach)])


ENTRIES = [
    _entry("enf-2024-0001", "ENF/2024/0001", "1 Acacia Road", "A rear extension built"),
    _entry("enf-2024-0002", "ENF/2024/0002", "2 Mill Lane", "Use of the road verge"),
    _entry("enf-2024-0003", "ENF/2024/0003", "3 Acacia Road", "Extension to the rear"),
]


@pytest.mark.parametrize(("word", "key_entries", "text_entries"), [
    ("acacia", [0, 2], []),
    ("road", [0, 2], [1]),  # entry 1 has it in its text only
    ("extension", [], [0, 2]),
    ("enf", [0, 1, 2], []),
    ("enf20240002", [1], []),  # the reference squeezed
    ("0003", [2], []),
    ("1", [0], []),
    ("notice", [], [0, 1, 2]),  # from the title: the type of notice
])
def test_index_lists_each_word_with_its_entries(word, key_entries, text_entries):
    _, terms, _ = _index(ENTRIES)
    key, text = terms[word[:2]][word]
    assert (_decode(key), _decode(text)) == (key_entries, text_entries)


def test_index_leaves_out_stop_words_dates_and_unsearched_fields():
    meta, terms, _ = _index(ENTRIES)
    indexed = {word for shard in terms.values() for word in shard}
    assert not indexed & set(STOP_WORDS)
    assert "march" not in indexed  # 'Date of service' is not a searched field
    assert meta["stop_words"] == list(STOP_WORDS)
    assert meta["shards"] == sorted(terms)
    assert all(word.startswith(key) for key, shard in terms.items() for word in shard)


def test_display_rows_are_chunked_in_entry_order():
    many = [_entry(f"e-{i}", f"E/{i}", f"{i} High Street", "Shed") for i in range(CHUNK + 3)]
    meta, _, chunks = _index(many)
    assert meta["entries"] == CHUNK + 3
    assert sorted(chunks) == ["entries/0.json", "entries/1.json"]
    assert chunks["entries/1.json"][2] == ["e-202", "Enforcement notice E/202",
                                           "202 High Street", "1 March 2024", "In force"]


def _page_words(page: Path) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    return words(html.unescape(text))


def test_built_index_holds_only_words_its_entries_show(built: Project):
    """The index publishes nothing the entry pages do not: every word it lists for an
    entry is on that entry's page, or several of its words run together (a reference
    squeezed), or joined in a short form. The pages are what the leak scan and the
    privacy tests check."""
    folder = built.site / FOLDER
    meta = json.loads((folder / "meta.json").read_text())
    rows = []
    for n in range(0, meta["entries"], meta["chunk"]):
        rows += json.loads((folder / "entries" / f"{n // meta['chunk']}.json").read_text())
    assert len(rows) == meta["entries"] > 0
    by_entry: dict[int, set[str]] = {}
    for key in meta["shards"]:
        for word, lists in json.loads((folder / "terms" / f"{key}.json").read_text()).items():
            for gaps in lists:
                for number in _decode(gaps):
                    by_entry.setdefault(number, set()).add(word)
    assert set(by_entry) == set(range(len(rows))), "every entry can be found"
    for number, indexed in by_entry.items():
        slug, title = rows[number][:2]
        shown = _page_words(built.site / "register" / "entries" / slug / "index.html")
        joined = {"".join(shown[i:j]) for i in range(len(shown))
                  for j in range(i + 2, min(i + 8, len(shown)) + 1)}
        # Short forms ('enf~26~1', '12~mill~lane'): each part is a word shown, perhaps
        # without its leading zeros or, for a year, its century.
        parts = set(shown) | {w.lstrip("0") or "0" for w in shown if w.isdigit()} | {
            w[2:].lstrip("0") or "0" for w in shown if len(w) == 4 and w.isdigit()}
        short = {w for w in indexed if "~" in w and set(w.split("~")) <= parts}
        assert indexed - short <= set(shown) | joined, slug
        assert "".join(words(title.rsplit(" ", 1)[-1])) in indexed, slug
