"""Remove personal data from free text before it is published.

Breach summaries and the requirements of register notices are public, but officers
write them from correspondence, so they can carry a complainant's name, phone number
or email. Publishing a complainant's identity is the one failure this project cannot
survive, so the redactor errs on the side of removing; it still has to leave ordinary
planning text ("A3 use", "23/01234/ENF", "Mill Lane", "£20,000") intact.

Every removal leaves a visible marker ("[name removed]", "[phone removed]", ...) so a
reader can see that something was there, and `Redaction.counts` says how many of each
kind were removed (the audit report uses the counts, never the values).

What each kind catches
----------------------
* ``email``: ``local@domain.tld`` and obfuscated forms ("jane at example dot com",
  "jane [at] example [dot] com", "jane(at)example.co.uk"). The bare word "at" only
  counts when the address ends in a known top-level domain, so "land at the rear" is
  safe.
* ``phone``: UK numbers in any common layout, national (0...) or international
  (+44 / 0044, with or without "(0)"), found by a regex *and* by phonenumbers'
  `PhoneNumberMatcher` (leniency POSSIBLE, because Ofcom's drama numbers are possible
  but not valid). Matcher hits are kept only when they look like a dialled number
  (start with 0, +, or "(0") and contain no "/", which keeps case references such as
  "23/01234" and dates such as "2024-03-12" out. International numbers starting with
  "+" are removed too.
* ``ni-number``: two letters, six digits, a suffix A-D ("QQ 12 34 56 C", "QQ123456C",
  "QQ-12-34-56-C").
  Without the suffix letter six digits are too ambiguous and are not removed.
* ``vehicle``: current ("AB12 CDE"), prefix ("A123 BCD") and suffix ("ABC 123D")
  registrations. Only the full shape counts, so "A3 use", "M62", "B1 use", "C3" are
  safe. A registration is written in one case (prefix and suffix shapes in capitals)
  and its letter group must not be a common word or planning code, so "policies DM12
  and DM13", "A3 USE", "C3 HMO" and "TPO 12A" are kept. Dateless and Northern Irish
  plates are not recognised.
* ``postcode``: full UK postcodes other than the notice's own (compared upper case,
  without spaces), in any case and with none or up to three spaces ("NB9  9ZZ"). An
  outward code alone ("NB3") is not personal data and is kept.
* ``uprn``: exactly 12 digits, together or grouped 4-4-4 / 3-3-3-3 ("1000 2345 6789"),
  or any run of up to 12 digits labelled "UPRN".
* ``name``: see below.

Names
-----
Names come from the export's own name columns (complainants, contraveners, officers).
Each name is split into first names and a surname; titles (Mr, Dr, Cllr...), initials
and suffixes are dropped; "SMITH, JOHN" is read surname first; particles ("Ní", "de",
"van", "O'") are kept with the word after them. Every first name, every surname, every
part of a hyphenated surname, and the hyphenated surname as a whole becomes a *token*
(particles too, as common words: "Anh Le" and "Mrs Le" go, a lone "le" stays).
All tokens go into one Aho-Corasick automaton that runs over a folded copy of the
text (lower case, accents removed, punctuation turned into spaces) padded with spaces,
so a single pass finds every whole-word occurrence of every token whatever the case,
accents, apostrophe style (straight or curly) or possessive.

A token is removed:

* anywhere, as a whole word, unless it is a *common word* (see below) or stands in a
  place name;
* always when it has person context: a title before it ("Mr", "Cllr"), an initial
  ("J. Smith", "J.A. Smith"), or it forms a known first name + surname pair with its
  neighbour ("Jane Green", any case when one of the two is not a common word);
* when it is next to a removed token ("Jane Smith Green": all three), a capitalised
  common word included, unless that common word starts a place name.

Titles, initials and particles in front of a removed name go with it, and adjacent
removed tokens become one marker: "Mrs J. Smith-Jones" -> "[name removed]". A
possessive "'s" stays after the marker ("[name removed]'s fence").

First names are treated like surnames. A first name on its own ("Priya said...")
can identify a neighbour as well as a surname can, and names that are also ordinary
words are protected by the stop-list, so removing the rest costs little.

As a safety net for people the export does not name, a title followed by a
capitalised word is removed too ("Mrs Doe", "Cllr O'Hara").

Trade-offs (common words and places)
------------------------------------
Many surnames are ordinary words ("Mill", "Green", "Wood", "Walker", "May"). If they
were removed everywhere, "Mill Lane", "village green" and "in May" would be damaged.
A token in the stop-list `COMMON_WORDS` (a few hundred common English words, place
words and planning terms) is therefore removed only in person context as above, or
when written capitalised mid-sentence in a name-like position:

* possessive and not after a determiner or a capitalised word: "Green's fence" goes,
  "the Mill's roof" and "Oak Mill's yard" stay;
* after a cue such as "complainant", "owner", "neighbour", "spoke to", "emailed",
  "reported by": "spoke to Mill" goes.

So with "John Mill" on the list: "John Mill", "Mr Mill", "J. Mill", "spoke to Mill"
and "Mill's" are removed; "Mill Lane", "the mill" and "Mill House" stay. The price is
that a bare common-word surname with no such context survives ("Green objected").
Two common words that form a known name in lower case ("may green") are kept too.

Any token (common or not) directly followed by a place word ("Smith Street",
"Victoria Road"), or after "St"/"Saint" ("St John's Church"), is taken to be a place
and kept, unless it has person context. The register publishes site addresses anyway;
"Smith Street" names a street, not the complainant.

A surname that is also a local place ("Sale", "Trafford") is not in any general
list: pass the council's ward, parish and town names as `Redactor(common_words=...)`
so they get the same treatment as "Mill".

Organisation names in the name columns ("Acme Homes Ltd") are removed only as the
whole phrase, so a company called after a place does not wipe the place everywhere.

Names that are neither in the export nor after a title are not found: this is a
deny-list redactor, not a named-entity recogniser (none may be downloaded at run time).

Speed
-----
Names: one automaton, one pass per text, and Python work only for the (few) hits;
the same pass finds the title words for the "Mrs Doe" rule. Other kinds: each regex
runs only when a cheap test says it could match (an "@", a digit run starting "+",
"(" or "0", or a letter/digit "shape" such as "a9 9aa" found by a second, tiny
automaton). The phone matcher, which is slow, runs only on short windows around a
digit run the phone regex did not already explain. `generator.dev.bench_redact` measures
the throughput at the largest councils' scale.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import ahocorasick
import phonenumbers

from generator.core.address import normalise_postcode

# --------------------------------------------------------------------------- markers

MARKERS: dict[str, str] = {
    "name": "[name removed]",
    "email": "[email removed]",
    "phone": "[phone removed]",
    "ni-number": "[NI number removed]",
    "vehicle": "[vehicle registration removed]",
    "postcode": "[postcode removed]",
    "uprn": "[UPRN removed]",
    "address": "[address removed]",
    "reference": "[reference removed]",
}

# When two detections overlap they are removed as one span; its marker is the kind
# that comes first here (an email that contains a name is an email).
PRIORITY: tuple[str, ...] = ("email", "phone", "ni-number", "uprn", "reference", "address",
                             "vehicle", "postcode", "name")
_RANK = {kind: rank for rank, kind in enumerate(PRIORITY)}


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# ------------------------------------------------------------------------ word lists

# Ordinary English words that are also surnames or first names, plus place words and
# planning vocabulary. A name token in this list needs person context to be removed.
COMMON_WORDS: frozenset[str] = _words(
    """
    a an and are as at be but by do for from go he her him his how if in is it its me
    my no not of off on one or our out over per she so than that the their them then
    there they this to too two up us was we were what when where which who why will
    with yet you your al ed le la de di du ma pa
    ash bank banks bay beach beck birch bloom brook brooks bush cliff cole combe dale
    dell elm fell field fields ford forest frost gale glen grove hay heath hedge hedges
    hill hills holly ivy lake lakes lea lee marsh meadow meadows moor moss oak oaks
    orchard pike pond pool rain reed reeds rivers river rock rose rush sands shaw
    shore snow spring springs stone stones storm thorn vale wells well wood woods
    water waters wild winter summer autumn heather hazel daisy lily violet iris olive
    berry flower flowers leaf root roots branch cherry plum apple
    bird buck bull crane crow doe dove drake duck finch fish fox hare hart hawk hogg
    jay lamb lion nightingale parrot peacock pigeon rook salmon sparrow swallow swan
    wolf wren bass trout herring bee bear badger stag colt
    archer baker barber bishop bowman brewer butcher butler carpenter carter chandler
    clerk collier cook cooper dean draper dyer farmer fisher fletcher fowler gardener
    glover hunter judge king knight lord marshall marshal mason mayor mercer miller
    miner monk page parson piper porter potter prince prior queen reeve sawyer
    shepherd sheriff skinner slater tanner thatcher turner walker ward warden weaver
    constable sergeant major abbot friar deacon vicar chaplain cardinal pope bailey
    duke earl baron glazier parker
    beech willow rowan yew hawthorn cedar lime pine fir larch maple poplar sycamore
    chestnut laurel myrtle rosemary bramble fern jade jasmine poppy primrose coral
    brick slate tile glass timber board light noise waste skip mast dish pole cable
    barrow store shop inn permit hard late still worth man child love friend bliss
    dear rob nick kit bud lance sunny burn gill craft plant
    keeper ranger driver rider runner builder painter plumber joiner mower steward
    abbey barn barns bridge bridges castle chapel church court cross gate gates grange
    hall house houses lane lodge manor mill mills park parks road street temple tower
    towers wall walls yard booth chambers cottage croft dock farm garden gardens green
    holt kirk lock port quay row square close crescent terrace way walk place ridge
    rise view end side mount mews common estate centre avenue drive chase bower bottom
    black blue brown gold golden gray grey red silver scarlet amber pearl ruby crystal
    bright good best young old new long short little small large strong sharp swift
    wise rich sterling noble free gay merry hardy bold brave fair jolly keen proud
    quick savage sweet tall stout mean bland power powers steel iron lead brass tin
    salt pepper sugar honey rice bacon cash price penny pound money bond case ball
    bell bells cannon chain cord post rule law
    april may june august march dawn eve faith hope joy grace patience charity mercy
    mark grant bill frank pat sue guy ray drew carol robin jack sandy ginger rusty
    angel miles rod sky rocky warren wade gene art mat bob don ken max norman
    north south east west day days night morning noon sun moon star christmas easter
    friday monday back foot hand head heart arm arms wing wings
    use class notice breach order appeal site land building buildings plan plans
    planning permission consent condition conditions works work development extension
    fence roof shed garage window windows door doors access parking sign signs advert
    tree trees section council officer owner occupier enforcement compliance
    requirement period date month year week weeks months years rear front first
    second third floor storey height metre metres area parish district borough county
    city town village high low upper lower main central more most
    """
)

# A capitalised word after a name token that makes it a place ("Smith Street").
PLACE_WORDS: frozenset[str] = _words(
    """
    lane road rd street st avenue ave close drive way court place square terrace
    crescent grove gardens garden park hill rise view walk row mews green farm house
    cottage cottages hall mill wood woods field fields brook bridge common estate
    centre school church chapel barn manor lodge works yard wharf quay dock docks
    parade boulevard circus gate vale dale valley meadow meadows orchard moor heath
    path passage alley bank cross fold croft brow mount approach chase glade paddock
    village town end top side nook crossing roundabout junction primary academy
    college hospital surgery station library stadium arms inn hotel tavern towers
    tower building buildings industrial business retail trading shopping plaza marina
    reservoir lake pool ground grounds recreation playing belt ward parish canal
    river market baths cemetery crematorium mosque temple synagogue club pavilion
    mansions heights gardens quarter retail
    """
)

# Words before a capitalised common-word surname that make it a person ("spoke to").
_CUE_WORDS = _words(
    """
    complainant complainants contravener owner owners occupier occupiers neighbour
    neighbours neighbor resident residents tenant tenants landlord landowner agent
    applicant appellant officer caller builder contractor director met called phoned
    rang emailed contacted told informed advised asked visited interviewed named cc
    """
)
_CUE_VERBS = _words(
    """
    spoke spoken speaking talked talking wrote written writing according letter email
    emails call sent reply replied complaint belonging belongs owned occupied reported
    submitted made behalf
    """
)
_CUE_PREPOSITIONS = _words("to with from by of")
_DETERMINERS = _words("the a an this that these those its their our his her my your old new")
# Single-letter labels that are not initials ("Class E Wood yard", "Plot B Green").
_LABEL_WORDS = _words(
    "class use part schedule annex appendix area block zone unit plot phase flat grade "
    "site option type section"
)
_SAINT_WORDS = _words("st saint ste")

# Particles belong to the word after them ("Ní Bhriain", "de la Mare", "O'Brien").
PARTICLES: frozenset[str] = _words(
    "ni nic mac mc o oh de del della der den di du da dos das van von le la ap ab "
    "bin bint ibn al el ter ten ui ua y d"
)
_TITLES = _words(
    "mr mrs ms miss mx dr cllr councillor sir dame lady lord rev revd reverend prof "
    "professor fr father master"
)
_SUFFIXES = _words("jr jnr junior sr snr senior ii iii iv obe mbe cbe kc qc mp esq phd")
_ORG_MARKERS = _words(
    "ltd limited plc llp llc inc co company council borough homes developments "
    "properties estates group trust association services partnership partners "
    "holdings investments construction contractors builders"
)
_ORG_SUFFIXES = _words("ltd limited plc llp llc inc co")

# ---------------------------------------------------------------------------- folding

# ASCII text (the usual case) folds through bytes.translate, which is far faster than
# str.translate: letters to lower case, digits kept, everything else to a space.
_ASCII_FOLD = bytes(
    (b if chr(b).isalnum() and b < 128 else 32) if not 65 <= b <= 90 else b + 32
    for b in range(256)
)


class _FoldTable(dict[int, str]):
    """str.translate table for any code point, filled in lazily: one char to one char."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if not char.isalnum():
            folded = " "
        else:
            base = unicodedata.normalize("NFKD", char.lower())[:1] or char
            folded = base if base.isalnum() else char.lower()[:1]
        self[code] = folded
        return folded


_UNICODE_FOLD = _FoldTable()
# Latin-1 text ("£", "é") is common enough to deserve a bytes table of its own; the
# few Latin-1 characters that fold outside Latin-1 ("µ") send a text the slow way.
_LATIN1_FOLD = _ASCII_FOLD[:128] + bytes(
    ord(_UNICODE_FOLD[b]) if ord(_UNICODE_FOLD[b]) < 256 else 32 for b in range(128, 256)
)
_LATIN1_SLOW = frozenset(chr(b) for b in range(128, 256) if ord(_UNICODE_FOLD[b]) >= 256)


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces; same length as `text`.

    Keeping the length lets an index in the folded copy point into the original.
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
    latin1 = _latin1(text)
    if latin1 is not None and _LATIN1_SLOW.isdisjoint(text):
        return latin1.translate(_LATIN1_FOLD).decode("latin-1")
    return text.translate(_UNICODE_FOLD)


def _latin1(text: str) -> bytes | None:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


# ----------------------------------------------------------------------------- shape


def _shape_char(code: int) -> str:
    char = chr(code)
    if char.isdigit():
        return "9"
    return "a" if char.isalpha() else " "


# Letters as "a", digits as "9", the rest as spaces: cheap substring tests on this
# decide whether the (slower) regexes for NI numbers, registrations, postcodes and
# UPRNs need to run at all.
_LATIN1_SHAPE = bytes(ord(_shape_char(b)) for b in range(256))


class _ShapeTable(dict[int, str]):
    def __missing__(self, code: int) -> str:
        self[code] = _shape_char(code)
        return self[code]


_UNICODE_SHAPE = _ShapeTable()


@dataclass(frozen=True, slots=True)
class _Text:
    """One text with the derived copies every detector shares."""

    raw: str
    folded: str  # same length as raw
    shapes: frozenset[str]  # kinds whose tell-tale shape occurs in the text

    @classmethod
    def of(cls, raw: str) -> _Text:
        folded = fold(raw)
        latin1 = _latin1(folded)
        if latin1 is not None:
            shape = latin1.translate(_LATIN1_SHAPE).decode("ascii")
        else:
            shape = folded.translate(_UNICODE_SHAPE)
        return cls(raw, folded, frozenset(kind for _, kind in _SHAPES.iter(shape)))


def _shape_automaton(shapes: dict[str, tuple[str, ...]]) -> ahocorasick.Automaton:
    """One pass over a text's shape tells which detectors have anything to look at."""
    automaton = ahocorasick.Automaton()
    for kind, needles in shapes.items():
        for needle in needles:
            automaton.add_word(needle, kind)
    automaton.make_automaton()
    return automaton


# ----------------------------------------------------------------------------- spans


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Redaction:
    """The text with markers in place of what was removed, and how many of each kind."""

    text: str
    counts: Counter[str] = field(default_factory=Counter)  # kind -> removals, no values


def _apply(text: str, spans: list[_Span]) -> Redaction:
    """Replace spans by markers; overlapping spans become one, named by PRIORITY."""
    counts: Counter[str] = Counter()
    if not spans:
        return Redaction(text, counts)
    pieces: list[str] = []
    cursor = 0
    for start, end, kind in _merge(spans):
        pieces.append(text[cursor:start])
        pieces.append(MARKERS[kind])
        counts[kind] += 1
        cursor = end
    pieces.append(text[cursor:])
    return Redaction("".join(pieces), counts)


def _merge(spans: list[_Span]) -> Iterator[tuple[int, int, str]]:
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    start, end, kind = ordered[0].start, ordered[0].end, ordered[0].kind
    for span in ordered[1:]:
        if span.start < end:
            end = max(end, span.end)
            if _RANK[span.kind] < _RANK[kind]:
                kind = span.kind
            continue
        yield start, end, kind
        start, end, kind = span.start, span.end, span.kind
    yield start, end, kind


# ----------------------------------------------------------------------------- email

_TLDS = (
    r"com|org|net|uk|co|gov|ac|nhs|sch|ltd|plc|me|io|info|biz|edu|eu|ie|scot|wales|"
    r"cymru|london|email|online"
)
_AT_BRACKETED = r"\s*[\[({<]\s*at\s*[\])}>]\s*"
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
_LOCAL = r"(?<![\w.+'\-])[\w.+'\-]+"  # starts at a word start: no O(n*w) retries
_EMAIL_RE = re.compile(
    rf"{_LOCAL}\s?@\s?[\w\-]+(?:\.[\w\-]+)+"
    # "jane [at] example [dot] com", "jane(at)example.co.uk"
    rf"|{_LOCAL}{_AT_BRACKETED}[\w\-]+(?:{_DOT}[\w\-]+)*{_DOT}[a-z]{{2,6}}\b"
    # "jane.smith at example dot com": the bare word needs a known domain ending
    rf"|{_LOCAL}\s+at\s+[\w\-]+(?:{_DOT}[\w\-]+)*{_DOT}(?:{_TLDS})\b",
    re.IGNORECASE,
)
# Run on the lower-cased text, so it starts with the literal "at" and scans fast.
_EMAIL_HINT_RE = re.compile(r"at\s*[\])}>]|at\s+[\w\-]+(?:\.\w|\s+dot\s)")


def _email_spans(t: _Text) -> Iterator[_Span]:
    if "@" not in t.raw and not _EMAIL_HINT_RE.search(t.raw.lower()):
        return
    for match in _EMAIL_RE.finditer(t.raw):
        yield _Span(match.start(), match.end(), "email")


# ----------------------------------------------------------------------------- phone

# A dialled number: +44 / 0044 (optionally "(0)") or a trunk 0 (optionally in
# brackets), then groups of 2+ digits. Not after a word character, "/", "." or "+",
# and not followed by one, so "23/01234", "0.5", "2024-03-12" and longer digit runs
# are left alone. The digit count is checked in `_uk_phone_end`.
_SEP = r"(?:\s?[\-.]\s?|\s|\)\s?)"
_PHONE_RE = re.compile(
    r"(?<![\w/.+\-])"
    r"(?P<prefix>(?:\+|\b00)\s?44[\s\-.]?(?:\(\s?0\s?\)\s?)?|\(?0)"
    rf"(?P<body>\d{{2,}}(?:{_SEP}\d{{2,}}){{0,4}})"
    r"(?![\w/]|[.\-]\d)"
)
# Every phone number starts with "+", "(" or "0" and has 9+ more digits; only near
# such a run do the regex above and the (slow) phonenumbers matcher run.
_PHONE_HINT_RE = re.compile(r"[+(0](?:[\s().\-]{0,3}\d){8,}")
_MATCHER_MARGIN = 8
_MATCHER_WINDOW = 64
_DIGIT_GROUP_RE = re.compile(r"\d+")


def _phone_spans(t: _Text) -> Iterator[_Span]:
    for hint in _PHONE_HINT_RE.finditer(t.raw):
        found = list(_regex_phones(t.raw, hint.start(), hint.end()))
        yield from found
        if not _covered(t.raw, found, hint.start(), hint.end()):
            yield from _matcher_phones(t.raw, hint.start(), hint.end())


def _covered(text: str, spans: list[_Span], start: int, end: int) -> bool:
    """True when the digits the regex left over are too few to be a phone number."""
    cursor, leftover = start, 0
    for span in spans:
        leftover += sum(c.isdigit() for c in text[cursor : span.start])
        cursor = max(cursor, span.end)
    leftover += sum(c.isdigit() for c in text[cursor:end])
    return leftover < 9


def _regex_phones(text: str, start: int, end: int) -> Iterator[_Span]:
    limit = min(len(text), end + 2)  # the lookahead needs to see past the run
    position = start
    while (match := _PHONE_RE.search(text, position, limit)) is not None:
        phone_end = _uk_phone_end(match)
        if phone_end is not None:
            yield _phone_span(text, match.start(), phone_end)
        # the greedy body may run on into the next number: continue where this one ends
        position = phone_end if phone_end is not None else match.start() + 1


def _uk_phone_end(match: re.Match[str]) -> int | None:
    """End of the longest run of the body's digit groups that is a UK number.

    UK national significant numbers have 9 or 10 digits and never start 0, 4 or 6.
    The regex is greedy, so "07700 900123 12 March" must be cut back to the number.
    """
    body_start = match.start("body")
    if match.string[body_start] in "046":
        return None
    digits, end = 0, None
    for group in _DIGIT_GROUP_RE.finditer(match.string, body_start, match.end("body")):
        digits += len(group.group())
        if digits > 10:
            break
        if digits >= 9:
            end = group.end()
    return end


def _matcher_phones(text: str, start: int, end: int) -> Iterator[_Span]:
    """phonenumbers' matcher around one unexplained digit run.

    A long run (a table of numbers pasted into a summary) is read in overlapping
    windows: the matcher's cost grows fast with its input, and no number is longer
    than the overlap.
    """
    for lo in range(start, max(start + 1, end - _MATCHER_WINDOW // 2), _MATCHER_WINDOW // 2):
        hi = min(end, lo + _MATCHER_WINDOW)
        yield from _matcher_window(text, max(0, lo - _MATCHER_MARGIN), hi + _MATCHER_MARGIN)


def _matcher_window(text: str, lo: int, hi: int) -> Iterator[_Span]:
    matcher = phonenumbers.PhoneNumberMatcher(
        text[lo:hi], "GB", leniency=phonenumbers.Leniency.POSSIBLE
    )
    for match in matcher:
        if _looks_dialled(match.raw_string):
            yield _phone_span(text, lo + match.start, lo + match.end)


def _looks_dialled(raw: str) -> bool:
    # POSSIBLE also accepts "23/01234", "2024-03-12" and eastings: a real number is
    # written with a trunk 0 or a "+" and never with a slash.
    stripped = raw.lstrip("( ")
    digits = sum(c.isdigit() for c in raw)
    return "/" not in raw and digits >= 9 and stripped[:1] in ("0", "+")


def _phone_span(text: str, start: int, end: int) -> _Span:
    # "Jane (07700 900123)": the bracket is the writer's, not the number's "(01632)"
    if text[start] == "(" and ")" not in text[start:end]:
        start += 1
    return _Span(start, end, "phone")


# ----------------------------------------------------------------- NI, UPRN, vehicle

_NI_RE = re.compile(
    r"\b(?:[A-Z]{2}(?:[\s\-]?\d{2}){3}[\s\-]?[A-D]"  # QQ 12 34 56 C, QQ-12-34-56-C
    r"|(?i:[a-z]{2}\d{6}[a-d]))\b"  # qq123456c
)
# AA 99 99 99 A in any spacing (hyphens fold to spaces); "on 12/03/2024 found" is not one.
_NI_SHAPES = tuple(
    "a{}99{}99{}99{}a".format(*gaps) for gaps in itertools.product(("", " "), repeat=4)
)


def _uprn_grouped(tag: str) -> str:
    """12 digits as 4-4-4 or 3-3-3-3, one separator used throughout."""
    four, three = f"g4{tag}", f"g3{tag}"
    return (
        rf"\d{{4}}(?P<{four}>[ \-])\d{{4}}(?P={four})\d{{4}}"
        rf"|\d{{3}}(?P<{three}>[ \-])\d{{3}}(?P={three})\d{{3}}(?P={three})\d{{3}}"
    )


_UPRN_RE = re.compile(
    # labelled: any length, or grouped
    rf"\b(?i:uprn)\b[\s:#.\-]*(?:no\.?\s*)?(?:{_uprn_grouped('l')}|\d{{1,12}})(?!\d)"
    # unlabelled: exactly 12 digits, together or in groups ("1000 2345 6789")
    rf"|(?<![\d+.,])(?:\d{{12}}|{_uprn_grouped('u')})(?!\d)"
)
_UPRN_SHAPES = ("9" * 12, "9999 9999 9999", "999 999 999 999")

# Letter groups that are words or planning codes, not registrations ("A3 USE").
_NOT_REG_LETTERS = _words(
    """
    USE AND THE FOR BUT NOT ARE WAS HAS HAD ALL ANY CAN ITS OUR OFF OUT TWO NEW OLD
    ONE SIX TEN YES ETC VIA PER SEC REF APP ENF FUL TPO LBC HHA REM ADV CON DOC PDE
    TCA LBE CIL HMO LPA GPD SPD DPD ROW PRN AOD GIA GEA SEE NOW HOW WHO WHY GET GOT
    LET PUT SET SAY SAW MAY HER HIS HIM SHE YOU NOR YET OWN FEW BIG LOW TOP END WAY
    DAY AGO AIR CAR VAN BUS ARE USE NEW SUB PDF DWG DOC NNE SSW ESE WSW
    """
)
_VEHICLE_RE = re.compile(
    r"\b(?i:[a-z]{2}\d{2}\s?(?P<current>[a-z]{3}))\b"  # current: AB12 CDE
    r"|\b[A-Z][1-9]\d{0,2}\s?(?P<prefix>[A-Z]{3})\b"  # prefix: A123 BCD
    r"|\b(?P<suffix>[A-Z]{3})\s?[1-9]\d{0,2}[A-Z]\b"  # suffix: ABC 123D
)
_VEHICLE_SHAPES = tuple(
    shape
    for digits in ("9", "99", "999")
    for shape in (f"a{digits} aaa", f"a{digits}aaa", f"aaa {digits}a", f"aaa{digits}a")
)


def _ni_spans(t: _Text) -> Iterator[_Span]:
    if "ni-number" in t.shapes:
        for match in _NI_RE.finditer(t.raw):
            yield _Span(match.start(), match.end(), "ni-number")


def _uprn_spans(t: _Text) -> Iterator[_Span]:
    if "uprn" in t.shapes or "uprn" in t.folded:
        for match in _UPRN_RE.finditer(t.raw):
            yield _Span(match.start(), match.end(), "uprn")


def _vehicle_spans(t: _Text) -> Iterator[_Span]:
    if "vehicle" not in t.shapes:
        return
    for match in _VEHICLE_RE.finditer(t.raw):
        whole = match.group(0)
        letters = (match.group("current") or match.group("prefix") or match.group("suffix")).upper()
        # "policies DM12 and DM13": a registration is written in one case, and its
        # letters are not a word
        if letters not in _NOT_REG_LETTERS and (whole.isupper() or whole.islower()):
            yield _Span(match.start(), match.end(), "vehicle")


# -------------------------------------------------------------------------- postcode

# Inward unit letters never include C, I, K, M, O or V, which keeps "2no." out.
# Up to three spaces between the halves: "NB9  9ZZ" is typed too.
_POSTCODE_RE = re.compile(
    r"\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s{0,3}(?P<inward>\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2})\b"
)
_POSTCODE_SHAPES = tuple(
    f"{outward}{gap}9aa" for outward in ("a9", "a99", "a9a") for gap in ("", " ", "  ", "   ")
)
_ORDINAL_RE = re.compile(r"\d(?:st|nd|rd|th)")


_SHAPES = _shape_automaton(
    {
        "ni-number": _NI_SHAPES,
        "uprn": _UPRN_SHAPES,
        "vehicle": _VEHICLE_SHAPES,
        "postcode": _POSTCODE_SHAPES,
    }
)


def _postcode_spans(t: _Text, own: str) -> Iterator[_Span]:
    if "postcode" not in t.shapes:
        return
    for match in _POSTCODE_RE.finditer(t.raw):
        inward = match.group("inward")
        # "B1 2nd floor": a lower-case inward code must be all lower case, not ordinal.
        if inward.islower() and (_ORDINAL_RE.fullmatch(inward) or not match.group(0).islower()):
            continue
        if own and normalise_postcode(match.group(0)) == own:
            continue
        yield _Span(match.start(), match.end(), "postcode")


# ---------------------------------------------------------------------- titled names

_UPPER = "A-ZÀ-ÖØ-Þ"
_CAPWORD = rf"[{_UPPER}](?:[^\W\d_]|['’](?=[^\W\d_]))*"
_GENERIC_TITLES = (
    "Mr|MR|Mrs|MRS|Ms|Mx|Miss|MISS|Dr|DR|Cllr|CLLR|Councillor|COUNCILLOR|Sir|Dame|"
    "Rev|Revd|Reverend|Prof|Professor"
)
# Matched only where the automaton found a title word, so no scan of its own.
_TITLED_RE = re.compile(
    rf"(?P<title>{_GENERIC_TITLES})\.?[ \t]+"
    rf"(?:[A-Z]\.[ \t]*|[A-Z][ \t]+)*"
    rf"(?P<w1>{_CAPWORD})(?:(?P<sep>[ \t]+|-)(?P<w2>{_CAPWORD}))?"
)
_FUNCTION_WORDS = _words("and or the of to for with from a an")


def _titled_span(text: str, start: int) -> _Span | None:
    """Safety net: "Mrs Doe" is a person even if the export never named her."""
    match = _TITLED_RE.match(text, start)
    if match is None or fold(match.group("w1")).strip() in _FUNCTION_WORDS:
        return None  # "Mr and Mrs Smith": the next title starts the name
    if match.group("title") in ("Dr", "DR") and _before(text, start).capitalised:
        return None  # "Park Dr" is a road
    end = match.end()
    second = match.group("w2")
    if second and match.group("sep") != "-" and _ends_name(second):
        end = match.end("w1")
    return _Span(start, end, "name")


def _ends_name(word: str) -> bool:
    """A capitalised word after a titled name that is not part of it."""
    folded = fold(word).strip()
    return folded in COMMON_WORDS or folded in PLACE_WORDS or folded in _TITLES


# ------------------------------------------------------------- looking around a word

_REACH = 40  # how far back to look for titles, initials and cue words


def _reversed_alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w[::-1]) for w in sorted(words, key=len, reverse=True))


_CASED_TITLES = sorted(
    _words("Councillor Miss Sir Dame Lady Lord Prof Professor Reverend Father Fr")
)
_ANY_CASE_TITLES = sorted(_words("mrs mr ms mx dr cllr revd rev"))
_PARTICLE_WORDS = sorted(PARTICLES | {"ní", "ó", "uí"})

# Python's re cannot search backwards, and an end-anchored search retries at every
# position; matching the *reversed* text before a word is one anchored attempt.
# Read it backwards from the word: particles, initials, then a title.
_REV_PREFIX_RE = re.compile(
    rf"(?P<particles>(?:(?:\s+|['’])(?i:{_reversed_alternation(_PARTICLE_WORDS)})\b)*)"
    r"(?P<initials>(?:\s*\.[A-Z]\b|\s+[B-HJ-Z]\b)*)"
    r"(?P<title>\s+\.?(?:"
    rf"(?i:{_reversed_alternation(_ANY_CASE_TITLES)})"
    rf"|{_reversed_alternation(_CASED_TITLES + [t.upper() for t in _CASED_TITLES])}"
    r")\b)?"
)
_REV_WORDS_RE = re.compile(r"(?P<gap>[^\w]*)(?P<w1>[^\W\d_]+)(?:[^\w]+(?P<w2>[^\W\d_]+))?")


@dataclass(frozen=True, slots=True)
class _Prefix:
    """Title, initials and particles directly in front of a word."""

    start: int  # where the whole prefix starts
    title: bool
    initials_start: int | None
    particles_start: int | None
    particles: str


def _prefix(text: str, start: int) -> _Prefix | None:
    lo = max(0, start - _REACH)
    match = _REV_PREFIX_RE.match(text[lo:start][::-1])
    if match is None or match.end() == 0:
        return None
    initials = match.group("initials")
    particles = match.group("particles")
    return _Prefix(
        start=start - match.end(),
        title=match.group("title") is not None,
        initials_start=start - match.end("initials") if initials else None,
        particles_start=start - match.end("particles") if particles else None,
        particles=particles[::-1],
    )


@dataclass(frozen=True, slots=True)
class _Before:
    """The one or two words before a position, lower-cased."""

    previous: str = ""
    earlier: str = ""
    upper: bool = False  # the previous word starts with a capital
    spaced: bool = False  # only spaces (no punctuation, no line break) between

    @property
    def capitalised(self) -> bool:
        """"Oak Mill's": a capitalised word directly before, in the same phrase."""
        return self.upper and self.spaced


def _before(text: str, start: int) -> _Before:
    lo = max(0, start - _REACH)
    match = _REV_WORDS_RE.match(text[lo:start][::-1])
    if match is None:
        return _Before()
    previous = match.group("w1")[::-1]
    gap = match.group("gap")
    return _Before(
        previous=previous.lower(),
        earlier=(match.group("w2") or "")[::-1].lower(),
        upper=previous[0].isupper(),
        spaced=bool(gap) and gap.isspace() and "\n" not in gap,
    )


def _initials_count(text: str, prefix: _Prefix) -> bool:
    """Initials after a label ("Class E Wood", "Area A. Green") are not initials."""
    if prefix.initials_start is None:
        return False
    return prefix.title or _before(text, prefix.initials_start).previous not in _LABEL_WORDS


def _has_person_prefix(text: str, start: int) -> bool:
    prefix = _prefix(text, start)
    return prefix is not None and (prefix.title or _initials_count(text, prefix))


def _name_start(text: str, start: int) -> int:
    """Where a removed name really starts: its title, initials and particles go too."""
    prefix = _prefix(text, start)
    if prefix is None:
        return start
    if prefix.title or _initials_count(text, prefix):
        return prefix.start
    # a lone lower-case particle is more likely a word: "a van Smith owns"
    particles = prefix.particles.lstrip()
    if prefix.particles_start is not None and (
        particles[:1].isupper() or "'" in particles or "’" in particles
    ):
        return prefix.particles_start
    return start


_NEXT_WORD_RE = re.compile(r"[ \t\-]+([^\W\d_]+)")
_POSSESSIVE_RE = re.compile(r"['’]s?\b")


def _is_place(text: str, start: int, end: int) -> bool:
    """"Smith Street", "Victoria Road", "St John's": a place, not a person."""
    following = _NEXT_WORD_RE.match(text, end)
    word = following.group(1) if following else ""
    if word[:1].isupper() and word.lower() in PLACE_WORDS:
        return True
    before = _before(text, start)
    return before.upper and before.previous in _SAINT_WORDS  # "St John's", not "1st"


def _possessive_name(text: str, start: int, end: int) -> bool:
    """"Green's fence" is a person; "the Mill's roof" and "Oak Mill's" are not."""
    if not _POSSESSIVE_RE.match(text, end):
        return False
    before = _before(text, start)
    return before.previous not in _DETERMINERS and not before.capitalised


def _after_cue(text: str, start: int) -> bool:
    before = _before(text, start)
    if before.previous in _CUE_WORDS:
        return True
    return before.previous in _CUE_PREPOSITIONS and before.earlier in _CUE_VERBS


# ---------------------------------------------------------------------- name tokens

FIRST = 1
SURNAME = 2
COMMON = 4
JOINED = 8  # hyphenated/apostrophe word: must be written without whitespace
PHRASE = 16  # organisation name: removed only as the whole phrase
TITLE = 32  # a title word: where to try the generic "Mrs Doe" rule

# What may stand between two parts of one name: spaces, hyphens, apostrophes,
# particles and middle initials ("Jane A. Smith", "Zoë Ní Bhriain").
_JOIN_GAP_RE = re.compile(
    rf"(?:[\s\-'’]|\b[A-Z]\b\.?|\b(?i:{'|'.join(re.escape(p) for p in _PARTICLE_WORDS)})\b)+"
)
_SURNAME_FIRST_GAP_RE = re.compile(r",\s*")
_INITIAL_WORD_RE = re.compile(r"[^\W\d_]\.?|(?:[^\W\d_]\.){1,3}[^\W\d_]?\.?")
_GENERIC_TITLE_KEYS = _words(fold(_GENERIC_TITLES.replace("|", " ")))


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    flags: int
    key: str
    removed: bool = False

    @property
    def common(self) -> bool:
        return bool(self.flags & COMMON) and not self.flags & (JOINED | PHRASE)

    @property
    def first_part(self) -> str:
        return self.key.split(" ", 1)[0]

    @property
    def last_part(self) -> str:
        return self.key.rsplit(" ", 1)[-1]


@dataclass(frozen=True)
class ParsedName:
    first_names: tuple[str, ...]
    surname: tuple[str, ...]
    organisation: bool = False


def parse_name(raw: str) -> ParsedName | None:
    """Split one name-column value into first names and surname words."""
    text = unicodedata.normalize("NFC", raw).replace("’", "'").strip()
    if "," in text:  # "SMITH, JOHN" / "Smith, Mrs J."
        surname_part, _, rest = text.partition(",")
        text = f"{rest} {surname_part}"
    words = text.split()
    folded = [_fold_word(w) for w in words]
    if any(f in _ORG_MARKERS for f in folded):
        kept = [w for w, f in zip(words, folded, strict=True) if f not in _ORG_SUFFIXES]
        return ParsedName((), tuple(kept), organisation=True) if kept else None
    words = [w for w, f in zip(words, folded, strict=True) if _is_name_word(w, f)]
    if not words:
        return None
    split = len(words) - 1
    while split > 0 and _fold_word(words[split - 1]) in PARTICLES:
        split -= 1  # "Zoë Ní Bhriain": the particle belongs to the surname
    return ParsedName(tuple(words[:split]), tuple(words[split:]))


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    # exports repeat the same few thousand words; folding each once speeds up the build
    return fold(word).strip()


def _is_name_word(word: str, folded: str) -> bool:
    if not folded or folded in _TITLES or folded in _SUFFIXES:
        return False
    return not _INITIAL_WORD_RE.fullmatch(word)


class _NameIndex:
    """Every name token (and title word) in one automaton, plus known name pairs."""

    def __init__(self, names: Iterable[str], common_words: Iterable[str] = ()) -> None:
        self.common_words = frozenset(fold(w).strip() for w in common_words)
        self.keys: dict[str, int] = dict.fromkeys(_GENERIC_TITLE_KEYS, TITLE)
        self.pairs: set[str] = set()
        self._parts: dict[tuple[str, int], list[str]] = {}
        for raw in set(names):
            parsed = parse_name(raw) if raw else None
            if parsed is not None:
                self._add(parsed)
        self.automaton = ahocorasick.Automaton()
        for key, flags in self.keys.items():
            self.automaton.add_word(f" {key} ", (len(key) + 2, flags, key))
        self.automaton.make_automaton()

    def _add(self, parsed: ParsedName) -> None:
        if parsed.organisation:
            phrase = fold(" ".join(parsed.surname)).split()
            if phrase:
                self._key(" ".join(phrase), PHRASE)
            return
        firsts = [self._word(word, FIRST) for word in parsed.first_names]
        surname = [part for word in parsed.surname for part in self._word(word, SURNAME)]
        sequence = [part for parts in firsts for part in parts] + surname
        for left, right in zip(sequence, sequence[1:], strict=False):
            self.pairs.add(f"{left} {right}")
        if surname:  # "Jane Green" for "Jane Mary Green"
            self.pairs.update(f"{parts[-1]} {surname[0]}" for parts in firsts if parts)

    def _word(self, word: str, role: int) -> list[str]:
        """Register one name word; return its token parts in order."""
        cached = self._parts.get((word, role))
        if cached is not None:
            return cached
        pieces = _fold_word(word).split()
        # Particles are tokens too ("Anh Le", "Ní"), but need context like common words.
        parts = [p for p in pieces if len(p) > 1]
        for part in parts:
            common = part in COMMON_WORDS or part in PARTICLES or part in self.common_words
            self._key(part, role | (COMMON if common else 0))
        if len(pieces) > 1:
            self._key(" ".join(pieces), role | JOINED)
            if "'" in word:
                self._key("".join(pieces), role)  # "OBrien" for "O'Brien"
        self._parts[(word, role)] = parts
        return parts

    def _key(self, key: str, flags: int) -> None:
        self.keys[key] = self.keys.get(key, 0) | flags

    # ----------------------------------------------------------------- at redaction

    def spans(self, t: _Text) -> list[_Span]:
        tokens, titles = self._tokens(t)
        spans = [s for s in (_titled_span(t.raw, start) for start in titles) if s]
        if tokens:
            self._decide(t.raw, tokens)
            spans.extend(self._join(t.raw, tokens))
        return spans

    def _tokens(self, t: _Text) -> tuple[list[_Token], list[int]]:
        found: list[_Token] = []
        titles: list[int] = []
        for end, (length, flags, key) in self.automaton.iter(f" {t.folded} "):
            # padded index `end` is the trailing space; original word = [end-length+1, end-1)
            start, stop = end - length + 1, end - 1
            if flags & TITLE:
                titles.append(start)
                flags &= ~TITLE
                if not flags:
                    continue
            if flags & JOINED and any(c.isspace() for c in t.raw[start:stop]):
                continue  # "Mill Wood" is not the hyphenated "Mill-Wood"
            found.append(_Token(start, stop, flags, key))
        return _longest(found), titles

    def _decide(self, text: str, tokens: list[_Token]) -> None:
        for index, token in enumerate(tokens):
            token.removed = self._removable(text, tokens, index)
        # Neighbours of removed tokens: forwards for "Jane Green Rose", backwards for
        # "Rose Green Smith". Two sweeps each way keep it linear on long texts.
        order = list(range(len(tokens)))
        for indices in (order, order[::-1], order, order[::-1]):
            for index in indices:
                if not tokens[index].removed and _joins_neighbour(text, tokens, index):
                    tokens[index].removed = True

    def _removable(self, text: str, tokens: list[_Token], index: int) -> bool:
        token = tokens[index]
        if token.flags & PHRASE:
            return True
        if _has_person_prefix(text, token.start) or self._pairs_with_neighbour(
            text, tokens, index
        ):
            return True
        if _is_place(text, token.start, token.end):
            return False
        if not token.common:
            return True
        if not text[token.start].isupper():
            return False
        return _possessive_name(text, token.start, token.end) or _after_cue(text, token.start)

    def _pairs_with_neighbour(self, text: str, tokens: list[_Token], index: int) -> bool:
        token = tokens[index]
        for left, right in ((index - 1, index), (index, index + 1)):
            if left < 0 or right >= len(tokens):
                continue
            a, b = tokens[left], tokens[right]
            if not _adjacent(text, a, b) or f"{a.last_part} {b.first_part}" not in self.pairs:
                continue
            other = b if a is token else a
            # two common words ("may green") need capitals to count as a name
            if not (token.common and other.common) or (
                text[a.start].isupper() and text[b.start].isupper()
            ):
                return True
        return False

    def _join(self, text: str, tokens: list[_Token]) -> Iterator[_Span]:
        """Adjacent removed tokens become one span, with their title and initials."""
        current: _Span | None = None
        previous: _Token | None = None
        for token in tokens:
            if not token.removed:
                continue
            if current is not None and previous is not None and self._joinable(
                text, previous, token
            ):
                current = _Span(current.start, token.end, "name")
            else:
                if current is not None:
                    yield current
                current = _Span(_name_start(text, token.start), token.end, "name")
            previous = token
        if current is not None:
            yield current

    def _joinable(self, text: str, a: _Token, b: _Token) -> bool:
        if _adjacent(text, a, b):
            return True
        # "SMITH, JOHN" is one name when John Smith is a known name
        gap = text[a.end : b.start]
        reversed_pair = f"{b.last_part} {a.first_part}"
        return bool(_SURNAME_FIRST_GAP_RE.fullmatch(gap)) and reversed_pair in self.pairs


def _longest(found: list[_Token]) -> list[_Token]:
    """Of overlapping tokens ("o brien" and "brien") keep the longest."""
    found.sort(key=lambda t: (t.start, -t.end))
    tokens: list[_Token] = []
    for token in found:
        if not tokens or token.start >= tokens[-1].end:
            tokens.append(token)
    return tokens


def _adjacent(text: str, a: _Token, b: _Token) -> bool:
    gap = text[a.end : b.start]
    return bool(gap) and len(gap) <= 12 and _JOIN_GAP_RE.fullmatch(gap) is not None


def _joins_neighbour(text: str, tokens: list[_Token], index: int) -> bool:
    """A token next to a removed name is part of it, unless it starts a place name."""
    token = tokens[index]
    if token.flags & PHRASE:
        return False
    for other_index in (index - 1, index + 1):
        if not 0 <= other_index < len(tokens) or not tokens[other_index].removed:
            continue
        other = tokens[other_index]
        a, b = (other, token) if other_index < index else (token, other)
        if not _adjacent(text, a, b):
            continue
        if "-" in text[a.end : b.start]:
            return True  # "Green-Smith": one hyphenated surname
        if text[token.start].isupper() and not _is_place(text, token.start, token.end):
            return True
    return False


# -------------------------------------------------------------------------- redactor


class _PhraseIndex:
    """Exact phrases (any case, any accents), as whole words, in one automaton."""

    def __init__(self, phrases: dict[str, Iterable[str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        count = 0
        for kind, values in phrases.items():
            for value in values:
                needle = " ".join(fold(value).split())
                if len(needle) >= 5:
                    self._automaton.add_word(needle, (kind, len(needle)))
                    count += 1
        self._empty = count == 0
        if not self._empty:
            self._automaton.make_automaton()

    def spans(self, t: _Text) -> Iterator[_Span]:
        if self._empty:
            return
        text = t.folded
        for end, (kind, length) in self._automaton.iter(text):
            start = end - length + 1
            before = text[start - 1] if start else " "
            after = text[end + 1] if end + 1 < len(text) else " "
            if not before.isalnum() and not after.isalnum():
                yield _Span(start, end + 1, kind)


class Redactor:
    """Built once per build from every name in the export; reused for every text.

    `common_words` adds local words to the stop-list: pass the council's ward, parish
    and town names so that a complainant called Sale or Trafford does not wipe the
    place from every text (the name is still removed with person context).
    """

    def __init__(self, names: Iterable[str], *, common_words: Iterable[str] = (),
                 addresses: Iterable[str] = (), references: Iterable[str] = ()) -> None:
        self._names = _NameIndex(names, common_words)
        # Known values that must not be published: the street lines of complainants'
        # addresses and of cases that are not on the register, and the references of
        # such cases and of withdrawn or quashed notices.
        self._phrases = _PhraseIndex({"address": addresses, "reference": references})

    def redact(self, text: str, own_postcode: str = "") -> Redaction:
        if not text:
            return Redaction(text or "", Counter())
        if not text.isascii():
            # "Zoe" + combining diaeresis must fold like "Zoë"; the output is NFC too
            text = unicodedata.normalize("NFC", text)
        t = _Text.of(text)
        spans: list[_Span] = []
        spans.extend(_email_spans(t))
        spans.extend(_phone_spans(t))
        spans.extend(_ni_spans(t))
        spans.extend(_uprn_spans(t))
        spans.extend(_vehicle_spans(t))
        spans.extend(_postcode_spans(t, normalise_postcode(own_postcode)))
        spans.extend(self._names.spans(t))
        spans.extend(self._phrases.spans(t))
        return _apply(text, spans)
