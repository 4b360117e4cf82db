"""Redaction of personal data from published free text (DOMAIN.md section 5).

Tables are (text, names, expected). A row in a removal table documents a spelling that
must not reach the public site; a row in the keep table documents planning text that
must come through unchanged.
"""

from __future__ import annotations

import string
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.dev.bench_redact import run as run_benchmark
from generator.privacy.redact import MARKERS, Redaction, Redactor, fold, parse_name

N = MARKERS["name"]
E = MARKERS["email"]
P = MARKERS["phone"]
NI = MARKERS["ni-number"]
V = MARKERS["vehicle"]
PC = MARKERS["postcode"]
U = MARKERS["uprn"]

SMITH = ["Mrs Jane Smith"]
HYPHEN = ["Jane Smith-Jones"]
OBRIEN = ["J. O'Brien"]
IRISH = ["Zoë Ní Bhriain"]
MILL = ["John Mill"]
GREEN = ["Jane Green"]

_REDACTORS: dict[tuple[str, ...], Redactor] = {}


def redact(text: str, names: list[str], own_postcode: str = "") -> str:
    return redactor(names).redact(text, own_postcode).text


def redactor(names: list[str]) -> Redactor:
    key = tuple(names)
    if key not in _REDACTORS:
        _REDACTORS[key] = Redactor(names)
    return _REDACTORS[key]


# ------------------------------------------------------------------------------ names

NAME_CASES = [
    # full names in any case
    ("Complainant Jane Smith reports noise.", SMITH, f"Complainant {N} reports noise."),
    ("JANE SMITH reports noise.", SMITH, f"{N} reports noise."),
    ("jane smith reports noise.", SMITH, f"{N} reports noise."),
    ("Jane SMITH reports noise.", SMITH, f"{N} reports noise."),
    # titles and initials go with the name
    ("Mrs Smith reports noise.", SMITH, f"{N} reports noise."),
    ("MRS. SMITH reports noise.", SMITH, f"{N} reports noise."),
    ("Mrs Jane Smith reports noise.", SMITH, f"{N} reports noise."),
    ("Letter from Mr J. Smith today.", SMITH, f"Letter from {N} today."),
    ("J Smith visited.", SMITH, f"{N} visited."),
    ("J.A. Smith visited.", SMITH, f"{N} visited."),
    ("Jane A. Smith visited.", SMITH, f"{N} visited."),
    ("Jane A Smith visited.", SMITH, f"{N} visited."),
    ("Cllr Smith asked.", SMITH, f"{N} asked."),
    ("Dr Smith and Rev Smith.", SMITH, f"{N} and {N}."),
    ("Sir Jane Smith.", SMITH, f"{N}."),
    # surname alone, possessives straight and curly
    ("The officer spoke to Smith.", SMITH, f"The officer spoke to {N}."),
    ("SMITH's fence is too high.", SMITH, f"{N}'s fence is too high."),
    ("Smith’s fence is too high.", SMITH, f"{N}’s fence is too high."),
    ("smith said so", SMITH, f"{N} said so"),
    # a first name on its own identifies a neighbour too
    ("Jane said the works started.", SMITH, f"{N} said the works started."),
    # surname first, as exports write it
    ("SMITH, JOHN called.", ["SMITH, JOHN"], f"{N} called."),
    ("John Smith called.", ["SMITH, JOHN"], f"{N} called."),
    # hyphenated surnames: whole, parts, and with a title
    ("Mrs Smith-Jones objected.", HYPHEN, f"{N} objected."),
    ("Jane Smith-Jones's shed.", HYPHEN, f"{N}'s shed."),
    ("SMITH-JONES objected.", HYPHEN, f"{N} objected."),
    ("Ms Jones objected.", HYPHEN, f"{N} objected."),
    # apostrophes
    ("Mr O'Brien objected.", OBRIEN, f"{N} objected."),
    ("O’Brien objected.", OBRIEN, f"{N} objected."),
    ("OBrien objected.", OBRIEN, f"{N} objected."),
    ("o'brien objected.", OBRIEN, f"{N} objected."),
    ("O'Brien's dog.", OBRIEN, f"{N}'s dog."),
    ("J O'Brien objected.", OBRIEN, f"{N} objected."),
    # accents and particles, with or without the accents
    ("Zoë Ní Bhriain objected.", IRISH, f"{N} objected."),
    ("ZOE NI BHRIAIN objected.", IRISH, f"{N} objected."),
    ("Ms Ní Bhriain objected.", IRISH, f"{N} objected."),
    ("Zoe objected.", IRISH, f"{N} objected."),
    ("Zoe\u0308 Ni\u0301 Bhriain objected.", IRISH, f"{N} objected."),  # decomposed
    # punctuation around names stays
    ("(Jane Smith)", SMITH, f"({N})"),
    ('"Smith" said.', SMITH, f'"{N}" said.'),
    ("Jane Smith, 3 The Close.", SMITH, f"{N}, 3 The Close."),
    ("Smith/Jones", ["Jane Smith", "Ann Jones"], f"{N}/{N}"),
    ("Smith:", SMITH, f"{N}:"),
    # common-word surnames need person context...
    ("John Mill reported it.", MILL, f"{N} reported it."),
    ("JOHN MILL reported it.", MILL, f"{N} reported it."),
    ("john mill reported it.", MILL, f"{N} reported it."),
    ("Mr Mill reported it.", MILL, f"{N} reported it."),
    ("J. Mill reported it.", MILL, f"{N} reported it."),
    ("The officer spoke to Mill.", MILL, f"The officer spoke to {N}."),
    ("Complainant: Mill.", MILL, f"Complainant: {N}."),
    ("Mill's shed is unauthorised.", MILL, f"{N}'s shed is unauthorised."),
    ("Jane Green objected.", GREEN, f"{N} objected."),
    ("jane green objected.", GREEN, f"{N} objected."),
    ("Green's fence.", GREEN, f"{N}'s fence."),
    ("Owned by Green.", GREEN, f"Owned by {N}."),
    ("May Green objected.", ["May Green"], f"{N} objected."),
    ("MAY GREEN objected.", ["May Green"], f"{N} objected."),
    ("Rose Walker and Mrs Walker.", ["Rose Walker"], f"{N} and {N}."),
    # ...and a hyphen or a neighbouring name is context enough
    ("Jane Green-Smith objected.", ["Jane Green-Smith"], f"{N} objected."),
    ("Mill-Wood objected.", ["Ann Mill-Wood"], f"{N} objected."),
    # a titled name is removed even when the export does not name the person
    ("Mrs Doe complained.", [], f"{N} complained."),
    ("Cllr O'Hara attended.", [], f"{N} attended."),
    ("Mr and Mrs Doe complained.", [], f"Mr and {N} complained."),
    # particles that are surnames in their own right
    ("Anh Le objected; Mrs Le; spoke to Le.", ["Anh Le"], f"{N} objected; {N}; spoke to {N}."),
    ("Ludwig van Beethoven; Mr van Beethoven.", ["Ludwig van Beethoven"], f"{N}; {N}."),
    # organisations are removed only as the whole name
    ("Acme Homes Ltd built it.", ["Acme Homes Ltd"], f"{N} Ltd built it."),
    # several kinds at once
    (
        "Complainant Jane Smith (07700 900123) reports works continuing.",
        SMITH,
        f"Complainant {N} ({P}) reports works continuing.",
    ),
]


@pytest.mark.parametrize(("text", "names", "expected"), NAME_CASES)
def test_names_are_removed(text: str, names: list[str], expected: str) -> None:
    assert redact(text, names) == expected


# ---------------------------------------------------------------- other kinds of data

OTHER_CASES = [
    # email, plain and obfuscated
    ("Email jane.smith@example.com today.", f"Email {E} today."),
    ("Email: JANE@EXAMPLE.CO.UK.", f"Email: {E}."),
    ("<jane_smith+x@mail.example.org>", f"<{E}>"),
    ("write to jane @ example.com now", f"write to {E} now"),
    ("jane.smith at example dot com", E),
    ("jane [at] example [dot] com", E),
    ("jane(at)example.co.uk", E),
    ("jane {at} example {dot} org", E),
    ("JANE AT EXAMPLE DOT COM", E),
    # UK phones in every layout
    ("Tel 07700 900123.", f"Tel {P}."),
    ("Tel 07700900123.", f"Tel {P}."),
    ("Tel 07700 900 123.", f"Tel {P}."),
    ("Tel 07700-900-123.", f"Tel {P}."),
    ("Tel +44 7700 900123.", f"Tel {P}."),
    ("Tel +447700900123.", f"Tel {P}."),
    ("Tel +44 (0)7700 900123.", f"Tel {P}."),
    ("Tel 0044 7700 900123.", f"Tel {P}."),
    ("Tel (01632) 960123.", f"Tel {P}."),
    ("Tel 01632 960123.", f"Tel {P}."),
    ("Tel 01632-960-123.", f"Tel {P}."),
    ("Tel 0113 496 0123.", f"Tel {P}."),
    ("Tel (0113) 496 0123.", f"Tel {P}."),
    ("Tel 020 7946 0123.", f"Tel {P}."),
    ("Tel +44 20 7946 0123.", f"Tel {P}."),
    ("Tel 0800 123 4567.", f"Tel {P}."),
    ("Tel +33 1 42 68 53 00.", f"Tel {P}."),
    ("Call 07700 900123 12 March.", f"Call {P} 12 March."),
    ("Jane (07700 900123)", f"{N} ({P})"),
    # National Insurance numbers
    ("NI QQ 12 34 56 C.", f"NI {NI}."),
    ("NI QQ123456C.", f"NI {NI}."),
    ("NI qq123456c.", f"NI {NI}."),
    ("NI AB 123456 D.", f"NI {NI}."),
    ("NI QQ-12-34-56-C.", f"NI {NI}."),
    # vehicle registrations, current, prefix and suffix
    ("Van AB12 CDE parked.", f"Van {V} parked."),
    ("Van AB12CDE parked.", f"Van {V} parked."),
    ("Van ab12 cde parked.", f"Van {V} parked."),
    ("Car A123 BCD parked.", f"Car {V} parked."),
    ("Car ABC 123D parked.", f"Car {V} parked."),
    ("Car ABC123D parked.", f"Car {V} parked."),
    # postcodes other than the notice's own
    ("Complainant at NB3 4QT.", f"Complainant at {PC}."),
    ("Complainant at M32 0XX.", f"Complainant at {PC}."),
    ("Complainant at SW1A 1AA.", f"Complainant at {PC}."),
    ("Complainant at nb3 4qt.", f"Complainant at {PC}."),
    ("Complainant at NB34QT.", f"Complainant at {PC}."),
    ("Complainant at NB9  9ZZ.", f"Complainant at {PC}."),
    ("Complainant at NB9\n9ZZ.", f"Complainant at {PC}."),
    # UPRNs
    ("UPRN 100023456789.", f"{U}."),
    ("UPRN: 10023456789.", f"{U}."),
    ("Property 100023456789 next door.", f"Property {U} next door."),
    ("Land 1000 2345 6789 next door.", f"Land {U} next door."),
    ("UPRN 100 023 456 789.", f"{U}."),
    ("UPRN: 1000-2345-6789.", f"{U}."),
]


@pytest.mark.parametrize(("text", "expected"), OTHER_CASES)
def test_contact_details_and_identifiers_are_removed(text: str, expected: str) -> None:
    assert redact(text, ["Jane Doe"], own_postcode="NB1 1AA") == expected


# ------------------------------------------------------------------------ keep intact

# Surnames that are ordinary words, places or planning terms, all on the deny-list.
COLLIDING_NAMES = [
    "John Mill",
    "Jane Green",
    "Peter Street",
    "Ann Walker",
    "Tom Park",
    "Sue Field",
    "May Rose",
    "Victoria Smith",
    "Bill Ward",
    "Mark Case",
    "Ray Hall",
]

KEEP_CASES = [
    "Enforcement notice 23/01234/ENF issued 12/03/2024 under section 172.",
    "NB/2019/0456/ENF: appeal against 19/00231/FUL dismissed on 2024-03-12.",
    "Permission 22/00001/HHA, condition 3; in 2024 and 1990.",
    "Cease the A3 use and revert to Class E within 3 months.",
    "Class B8 storage, B1 use, C3 dwelling, C4 HMO, E(g) offices, sui generis.",
    "A3 USE, C3 HMO, B2 AND B8 IN CAPITALS.",
    "Site near the A34, the M62, the M6 and the B1234.",
    "Remove the 3.5 metres high fence; fine of £20,000 and costs of £1,250,000.",
    "Works restricted to 08:00 to 18:00 Monday to Friday, 09.00-13.00 Saturdays.",
    "Grid reference 430512, 295311 (430512 295311).",
    "The land edged red on the plan, 1,250 square metres, 0.5 hectares.",
    "Unit 12A, Block B; 2no. dwellings; 1st floor; 2nd floor of B1 2nd block.",
    "Outward code NB3 only.",
    "Site at Mill Lane, Green Lane and Park Road; the old mill and the village green.",
    "Mill House, Walker Court and Field Farm are listed buildings.",
    "The Mill's waterwheel and the Green's edge.",
    "Oak Mill's yard.",
    "Green roof to be installed; a Green roof is proposed.",
    "A Green roof; Class E Wood yard; Area A. Green space.",
    "Street lighting and field drainage.",
    "St John's Church and Victoria Road.",
    "Park Dr Entrance.",
    "The ward councillor asked for a case review.",
    "Land at the rear of 12 Mill Lane.",
    "Meeting at 10.30 at the site.",
    "Works at rear.The fence remains.",
    "TPO 12A protects the oak; SEC 172A applies.",
    "Telephone the council on the number on the notice.",
    "A van parked on the drive.",
    "Contrary to policies DM12 and DM13; POLICY DM12 AND DM13.",
    "Plant a laurel hedge and a lime tree; fit a satellite dish.",
    "Land at NB1 1AA and nb1 1aa.",
    "",
]


@pytest.mark.parametrize("text", KEEP_CASES)
def test_ordinary_planning_text_is_kept(text: str) -> None:
    result = redactor(COLLIDING_NAMES).redact(text, own_postcode="NB1 1AA")
    assert result.text == text
    assert not result.counts


def test_bare_common_word_surname_is_kept_by_design() -> None:
    # The documented trade-off: with no title, initial, first name, cue or
    # possessive, "Green" is read as the colour.
    assert redact("Green objected to the fence.", GREEN) == "Green objected to the fence."


def test_common_words_that_form_a_known_name_need_capitals() -> None:
    assert redact("in may green shoots appear", ["May Green"]) == "in may green shoots appear"


def test_local_common_words_protect_place_names() -> None:
    local = Redactor(["Jane Trafford"], common_words=["Trafford"])
    text = "Trafford Council and Old Trafford; Jane Trafford objected; Ms Trafford too."
    assert local.redact(text).text == (
        f"Trafford Council and Old Trafford; {N} objected; {N} too."
    )


def test_smith_street_is_a_place_but_mr_smith_is_not() -> None:
    assert redact("Smith Street and Mr Smith.", SMITH) == f"Smith Street and {N}."


# ------------------------------------------------------------------------- counting


def test_counts_one_per_kind() -> None:
    text = (
        "Jane Smith (07700 900123, jane@example.com) at NB3 4QT, car AB12 CDE, "
        "NI QQ123456C, UPRN 100023456789."
    )
    result = redactor(SMITH).redact(text, own_postcode="NB1 1AA")
    assert result.counts == Counter(
        {"name": 1, "phone": 1, "email": 1, "postcode": 1, "vehicle": 1, "ni-number": 1, "uprn": 1}
    )
    assert result.text == f"{N} ({P}, {E}) at {PC}, car {V}, NI {NI}, {U}."


def test_an_email_containing_a_name_is_one_email() -> None:
    result = redactor(SMITH).redact("Write to jane.smith@example.com.")
    assert result == Redaction(f"Write to {E}.", Counter({"email": 1}))


def test_own_postcode_is_compared_without_spaces_or_case() -> None:
    assert redact("At NB1 1AA.", [], own_postcode="nb11aa") == "At NB1 1AA."
    assert redact("At NB11AA.", [], own_postcode="NB1 1AA") == "At NB11AA."
    assert redact("At NB1 1AB.", [], own_postcode="NB1 1AA") == f"At {PC}."


def test_empty_and_placeholder_names_are_ignored() -> None:
    result = redactor(["", "   ", "Mr", "J.", "-", "'"]).redact("Mr and Mrs went out.")
    assert result.text == "Mr and Mrs went out."


# ---------------------------------------------------------------------- name parsing


@pytest.mark.parametrize(
    ("raw", "first", "surname"),
    [
        ("Mrs Jane Smith", ("Jane",), ("Smith",)),
        ("J. O'Brien", (), ("O'Brien",)),
        ("Jane Smith-Jones", ("Jane",), ("Smith-Jones",)),
        ("SMITH, JOHN", ("JOHN",), ("SMITH",)),
        ("Smith, Mrs J.A.", (), ("Smith",)),
        ("Zoë Ní Bhriain", ("Zoë",), ("Ní", "Bhriain")),
        ("Dr Ludwig van Beethoven", ("Ludwig",), ("van", "Beethoven")),
        ("John Smith Jr", ("John",), ("Smith",)),
    ],
)
def test_parse_name(raw: str, first: tuple[str, ...], surname: tuple[str, ...]) -> None:
    parsed = parse_name(raw)
    assert parsed is not None
    assert (parsed.first_names, parsed.surname) == (first, surname)


def test_fold_keeps_length() -> None:
    for text in ("Zoë Ní Bhriain", "İstanbul ß ﬁ", "O’Brien — “quoted”", "plain"):
        assert len(fold(text)) == len(text)
    assert fold("Zoë O’Brien-Ní") == "zoe o brien ni"


# ------------------------------------------------------------------- property tests

PLANTED_NAMES = ["Jane Smith", "Ann Smith-Jones", "Zoë Ní Bhriain", "J. O'Brien", "John Mill"]
PLANTED = [
    "Jane Smith",
    "JANE SMITH",
    "jane smith",
    "Mrs Smith",
    "J. Smith",
    "Smith-Jones",
    "Ms Jones",
    "O'Brien",
    "O’Brien",
    "Zoë Ní Bhriain",
    "ZOE NI BHRIAIN",
    "John Mill",
    "Mr Mill",
    "jane.smith@example.com",
    "jane [at] example [dot] com",
    "jane(at)example.co.uk",
    "07700 900123",
    "+44 (0)7700 900123",
    "(01632) 960123",
    "020 7946 0123",
    "0113 496 0123",
]
# Lower-case filler only: a capitalised place word straight after a name ("O'Brien
# Lane") is read as a place by design, so it is not random noise for this test.
FILLER = st.one_of(
    st.sampled_from(
        [
            *("the", "a", "of", "to", "on", "at", "and", "was", "by", "without"),
            *("rear", "side", "fence", "shed", "use", "works", "notice", "land", "site"),
            *("planning", "permission", "complainant", "reports", "neighbour", "owner"),
        ]
    ),
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8),
)
SEPARATORS = st.sampled_from([" ", ", ", " (", ") ", ": ", "; ", " - ", ". ", "\n", " \""])


@settings(max_examples=300, deadline=None)
@given(
    before=st.lists(FILLER, max_size=12),
    after=st.lists(FILLER, max_size=12),
    planted=st.sampled_from(PLANTED),
    left=SEPARATORS,
    right=SEPARATORS,
)
def test_planted_values_never_survive(
    before: list[str], after: list[str], planted: str, left: str, right: str
) -> None:
    text = " ".join(before) + left + planted + right + " ".join(after)
    result = redactor(PLANTED_NAMES).redact(text)
    assert planted.lower() not in result.text.lower()
    assert sum(result.counts.values()) >= 1


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=300),
    names=st.lists(st.text(max_size=30), max_size=5),
    own=st.text(max_size=10),
)
def test_redact_never_raises(text: str, names: list[str], own: str) -> None:
    result = Redactor(names).redact(text, own)
    assert isinstance(result.text, str)
    assert all(kind in MARKERS for kind in result.counts)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from(KEEP_CASES[:-1]), min_size=1, max_size=4))
def test_keep_cases_combined_stay_intact(words: list[str]) -> None:
    text = " ".join(words)
    assert redactor(COLLIDING_NAMES).redact(text, own_postcode="NB1 1AA").text == text


# ------------------------------------------------------------------------ benchmark


def test_benchmark_runs_small_and_leaks_nothing() -> None:
    figures = run_benchmark(names=2_000, texts=2_000)
    assert figures["names"] == 2_000
    assert figures["texts"] == 2_000
    assert figures["planted"] > 0
    assert figures["leaked"] == 0
    assert figures["texts_per_second"] > 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The occupier of 7 Canary Row complained.",
         "The occupier of [address removed] complained."),
        ("as at 41 ZEPHYR PASTURES, and", "as at [address removed], and"),
        ("Keep 17 Canary Rowley intact.", "Keep 17 Canary Rowley intact."),
        ("Replaces 25/09901/ENF and ENF-2025-0904.",
         "Replaces [reference removed] and [reference removed]."),
        ("Unknown reference 23/01234/ENF stays.", "Unknown reference 23/01234/ENF stays."),
    ],
)
def test_known_private_addresses_and_references_are_removed(text, expected):
    redactor = Redactor([], addresses=["7 Canary Row", "41 Zephyr Pastures"],
                        references=["25/09901/ENF", "ENF/2025/0904"])
    assert redactor.redact(text).text == expected


def test_clean_planning_text_is_not_redacted_by_a_large_name_list():
    """False positives: every description and requirement the sample export writes
    ('Former A3 use', 'the A34', 'Mill Lane', 'Green Belt' ...) passes unchanged
    through a redactor holding 20,000 names."""
    from generator.dev.bench_redact import _sample_false_positives, make_names

    found = _sample_false_positives(Redactor(make_names(20_000)))
    assert found["sample_texts"] > 50
    assert found["sample_texts_changed"] == 0
