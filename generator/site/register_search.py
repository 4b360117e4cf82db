"""Stage: the register's own search index, for the search page.

Pagefind indexes the site's pages (the charter, the FAQ, ...); register entries, tens
of thousands at the largest councils, get this index instead, made from the entries'
own fields. Pagefind reads and writes files page by page, which for the largest
registers took much of the whole build (and a national aggregation would take far
longer); this index is made in one pass and needs a few small requests per search.

What it holds: the words of each entry's title (the type of notice and its reference)
and of the fields people look a notice up by (SEARCHED_FIELDS), exactly as the entry
page shows them, so it publishes nothing the pages do not.

Layout, under `search/register-index/` (read by theme/assets/search.js):

- `meta.json`: the number of entries, the chunk size, the shard keys, and the rules
  both sides tokenise by (stop words), so the browser splits a query as this file
  splits the text;
- `terms/<key>.json`: for every word starting with `key` (its first two characters),
  the entries holding it in a key field (reference, address, ward, related
  references) and in the other text, as ascending entry numbers written as gaps;
- `entries/<n>.json`: what a result shows (URL slug, title, address, date, status) for
  entries n * CHUNK to n * CHUNK + CHUNK - 1.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from generator.core.address import street_key
from generator.site.common import GeneratedSite

FOLDER = "search/register-index"
CHUNK = 200  # entries per display file: a page of 20 results needs a few small files
KEY_LENGTH = 2  # a word is stored in the shard named by its first two characters

# Labels of the fields whose words are key words (a match there ranks higher), and
# those whose values are also indexed squeezed ('ENF/2021/0007' as 'enf20210007').
KEY_FIELDS = frozenset({"Reference", "Address of the land", "Ward",
                        "Planning permission it relates to", "Related enforcement notice"})
ADDRESS_FIELD = "Address of the land"
SQUEEZED_FIELDS = frozenset({"Reference", "Planning permission it relates to",
                             "Related enforcement notice"})

# Words too common to narrow a search: left out of the index and out of queries.
STOP_WORDS = ("a", "an", "and", "at", "be", "by", "for", "from", "in", "is", "it", "of",
              "on", "or", "the", "to", "with")

# The same rules as `words` in theme/assets/search.js (tested in the browser): accents
# dropped by decomposition, lower case, runs of a-z and 0-9, single letters dropped.
_ACCENTS = re.compile("[\u0300-\u036f]")
_WORD = re.compile(r"[a-z0-9]+")


JOIN = "~"  # joins the words of a short form; never part of a word


def joined(found: list[str]) -> str:
    """Words as one term, numbers without leading zeros: ['enf', '2026', '0001'] ->
    'enf~2026~1'. The search page makes the same term of a query with a number in it
    (`joined` in theme/assets/search.js), so '26/0001', 'enf/2026/1' and '12 Mill Lane'
    find what they name."""
    return JOIN.join(w.lstrip("0") or "0" if w.isdigit() else w for w in found)


def reference_forms(found: list[str]) -> set[str]:
    """The short forms a reference is typed in: its words from any one onwards, with
    numbers unpadded, and with a four-digit year also as two ('ENF/2026/0001' ->
    'enf~2026~1', '2026~1', 'enf~26~1', '26~1'). A lone last number is left out:
    it would match half the register."""
    variants = [found]
    for i, w in enumerate(found):
        if len(w) == 4 and w.isdigit() and w[:2] in ("19", "20"):
            variants.append(found[:i] + [w[2:]] + found[i + 1:])
            break
    return {joined(v[k:]) for v in variants for k in range(len(v) - 1)}


def words(text: str) -> list[str]:
    """The words of `text` as the index and the search box see them."""
    if text.isascii():  # nearly always: nothing to decompose
        plain = text.lower()
    else:
        plain = _ACCENTS.sub("", unicodedata.normalize("NFKD", text)).lower()
    return [w for w in _WORD.findall(plain) if len(w) > 1 or w.isdigit()]


@dataclass(frozen=True)
class SearchEntry:
    """One register entry as the index sees it."""

    slug: str
    title: str
    address: str
    date: str  # as shown, e.g. '19 November 2016'
    status: str
    fields: list[tuple[str, str]]  # (label, value) as the entry page shows them


def _gaps(numbers: Iterable[int]) -> list[int]:
    """Ascending numbers as the first and then the differences: short in JSON."""
    out, previous = [], 0
    for n in numbers:
        out.append(n - previous)
        previous = n
    return out


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def register_search_index(site: GeneratedSite, entries: list[SearchEntry],
                          searched: frozenset[str]) -> None:
    """Write the index of `entries` (numbered in the order given) into `site`."""
    stop = frozenset(STOP_WORDS)
    key_hits: dict[str, set[int]] = defaultdict(set)
    text_hits: dict[str, set[int]] = defaultdict(set)
    for number, entry in enumerate(entries):
        # The title names the type of notice ('Stop notice STOP/2024/0001'), which
        # people search by too; its reference is a field of its own.
        for label, value in [("Title", entry.title), *entry.fields]:
            if label not in searched and label != "Title":
                continue
            target = key_hits if label in KEY_FIELDS else text_hits
            found = words(value)
            for word in found:
                if word not in stop:
                    target[word].add(number)
            if label in SQUEEZED_FIELDS and len(found) > 1:
                key_hits["".join(found)].add(number)
                for form in reference_forms(found):
                    key_hits[form].add(number)
            if label == ADDRESS_FIELD:
                # House number and street ('Land at 12 Mill Lane' as '12~mill~lane').
                street = street_key(value)
                if street.number is not None and street.street:
                    key_hits[joined([str(street.number), *words(street.street)])].add(
                        number)
    shards: dict[str, dict[str, list[list[int]]]] = defaultdict(dict)
    for word in sorted(key_hits.keys() | text_hits.keys()):
        shards[word[:KEY_LENGTH]][word] = [
            _gaps(sorted(key_hits.get(word, ()))),
            # Entries holding the word in a key field rank by that; list them once.
            _gaps(sorted(text_hits.get(word, set()) - key_hits.get(word, set())))]
    for key, terms in shards.items():
        site.add_file(f"{FOLDER}/terms/{key}.json", _json(terms))
    for start in range(0, len(entries), CHUNK):
        rows = [[e.slug, e.title, e.address, e.date, e.status]
                for e in entries[start:start + CHUNK]]
        site.add_file(f"{FOLDER}/entries/{start // CHUNK}.json", _json(rows))
    site.add_file(f"{FOLDER}/meta.json", _json({
        "version": 1, "entries": len(entries), "chunk": CHUNK, "key_length": KEY_LENGTH,
        "stop_words": list(STOP_WORDS), "shards": sorted(shards)}))
