"""Benchmark the redactor at export scale: a large deny-list over many texts.

    python -m generator.dev.bench_redact [NAMES] [TEXTS]

Names are made deterministically from first names x surnames (surnames from syllable
pairs, so the deny-list has thousands of distinct tokens, as a real export does);
texts are planning-style breach summaries, some with a planted name, phone number,
email address or postcode.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter

from generator.privacy.redact import Redactor


def _list(block: str) -> list[str]:
    return block.split()


_FIRST_NAMES = _list(
    "Aaron Abigail Adam Aisha Alan Alice Amir Amy Andrew Anna Arjun Barbara Ben Bethan "
    "Carl Catherine Chloe Chris Claire Daniel David Deborah Dylan Eleanor Emily Emma "
    "Fatima Fiona Gareth Gemma George Hannah Harry Helen Ian Imran Isla James Jane "
    "Jasmine Jennifer John Joseph Julie Karen Kevin Laura Liam Lucy Mandeep Maria "
    "Matthew Megan Michael Mohammed Nadia Natalie Nicola Oliver Olivia Owen Patrick "
    "Paul Peter Philip Priya Rachel Rebecca Richard Robert Ruth Ryan Samuel Sarah "
    "Simon Sophie Stephen Susan Thomas Tom Victoria Wendy William Yusuf Zara Zoë"
)
_FIRST_SUFFIXES = ("", "a", "ie", "o", "ina", "el")
_SURNAME_HEADS = _list(
    "Ash Brad Carr Dal Ell Farn Gold Hart Ing Kel Lang Marl Nor Oak Pen Rad Sel Thorn "
    "Up Whit Ald Bram Chel Dun Ever Fel Grim Hal Kirk Lind Mor Nettle Ock Pick Ros "
    "Stan Tal Wal Yar Bex Cran Dray Eg Frod Glen Holm Ken Lox Mick"
)
_SURNAME_TAILS = _list(
    "worth ley ton field ford by ham well stone more wood hurst croft shaw dale cliffe "
    "bury wick thorpe combe"
)
_REAL_SURNAMES = [
    *_list("Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Khan O'Brien"),
    *_list("Smith-Jones Green Mill Wood Walker Baker Hall Bell Mason Cook"),
    "Ní Bhriain",
]

_TEMPLATES = (
    "Alleged unauthorised erection of a two storey rear extension exceeding {m} metres "
    "in depth at the property, contrary to condition {c} of permission {ref}. {plant}"
    "The owner has been advised that a retrospective application is required by {date} "
    "and that the council will consider formal action if none is received.",
    "Material change of use of the land from Class E to a mixed use including the "
    "storage of vehicles and scrap. Site visit on {date} found works continuing between "
    "08:00 and 18:00. {plant}Enforcement notice {ref} requires cessation of the use and "
    "removal of all vehicles and scrap from the land within {n} months.",
    "Breach of condition {c} (hours of operation) of {ref}: deliveries observed outside "
    "permitted hours on {date}. {plant}The requirements are to comply with the "
    "condition in full; period for compliance {n} days from the date the notice takes "
    "effect. Site within the conservation area.",
    "Construction of a timber fence over 2 metres high adjacent to the highway on Mill "
    "Lane without planning permission. {plant}Reduce the height of the fence to 1 metre "
    "or remove it entirely within {n} weeks; grid reference 430512, 295311; fee £{fee}. "
    "An appeal against the notice was dismissed.",
)


def _first_names() -> list[str]:
    return [stem + suffix for suffix in _FIRST_SUFFIXES for stem in _FIRST_NAMES]


def _surnames() -> list[str]:
    made_up = [head + tail for head in _SURNAME_HEADS for tail in _SURNAME_TAILS]
    return _REAL_SURNAMES + made_up


def make_names(count: int, seed: int = 1) -> list[str]:
    """`count` distinct names, in the spellings exports use."""
    firsts, surnames = _first_names(), _surnames()
    total = len(firsts) * len(surnames)
    if count > total:
        raise ValueError(f"at most {total} distinct names")
    rng = random.Random(seed)
    names: list[str] = []
    for index in rng.sample(range(total), count):
        first, surname = firsts[index % len(firsts)], surnames[index // len(firsts)]
        names.append(_spell(rng, first, surname))
    return names


def _spell(rng: random.Random, first: str, surname: str) -> str:
    form = rng.randrange(10)
    if form == 0:
        return f"{surname.upper()}, {first.upper()}"
    if form == 1:
        return f"{rng.choice(('Mr', 'Mrs', 'Ms', 'Dr'))} {first} {surname}"
    if form == 2:  # a middle initial; "J. Smith" alone would not stay distinct
        return f"{first} {rng.choice('ABCDEFGHJKLMNPRST')}. {surname}"
    return f"{first} {surname}"


def make_texts(count: int, names: list[str], seed: int = 1) -> list[tuple[str, str]]:
    """`count` texts, each with the value planted in it ("" when nothing was)."""
    rng = random.Random(seed + 1)
    return [_text(rng, names) for _ in range(count)]


def _text(rng: random.Random, names: list[str]) -> tuple[str, str]:
    sentence, planted = _plant(rng, names)
    text = rng.choice(_TEMPLATES).format(
        m=rng.choice(("3", "3.5", "4", "6")),
        c=rng.randint(1, 12),
        ref=f"{rng.randint(10, 24)}/{rng.randint(0, 99999):05d}/{rng.choice(('ENF', 'FUL'))}",
        date=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/20{rng.randint(15, 24)}",
        n=rng.randint(1, 12),
        fee=f"{rng.randint(1, 99)},000",
        plant=sentence,
    )
    return text, planted


def _plant(rng: random.Random, names: list[str]) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.2:
        name = rng.choice(names)
        return f"Complainant {name} reports noise. ", name
    if roll < 0.3:
        phone = f"07700 {rng.randint(900000, 900999)}"
        return f"Contact on {phone} after six. ", phone
    if roll < 0.35:
        email = f"j.{rng.randint(1, 999)}@example.com"
        return f"Email {email} was copied in. ", email
    if roll < 0.45:
        postcode = f"NB{rng.randint(2, 9)} {rng.randint(1, 9)}QT"
        return f"Neighbour at {postcode} objects. ", postcode
    return "", ""


def run(names: int = 100_000, texts: int = 100_000, seed: int = 1) -> dict[str, float]:
    deny_list = make_names(names, seed)
    corpus = make_texts(texts, deny_list, seed)
    cpu_started = time.process_time()  # CPU time as well: wall time suffers on a busy box
    started = time.perf_counter()
    redactor = Redactor(deny_list)
    built = time.perf_counter()
    results = [redactor.redact(text, own_postcode="NB1 1AA") for text, _ in corpus]
    finished = time.perf_counter()
    cpu_seconds = time.process_time() - cpu_started
    counts: Counter[str] = Counter()
    for result in results:
        counts.update(result.counts)
    redact_seconds = finished - built
    return {
        "names": names,
        "texts": texts,
        "mean_text_chars": round(sum(len(text) for text, _ in corpus) / max(1, texts), 1),
        "build_seconds": round(built - started, 3),
        "redact_seconds": round(redact_seconds, 3),
        "texts_per_second": round(texts / redact_seconds) if redact_seconds else 0.0,
        "cpu_seconds": round(cpu_seconds, 3),
        "planted": sum(1 for _, planted in corpus if planted),
        # the point of the exercise: a planted value still in the output is a leak
        "leaked": sum(
            1
            for (_, planted), result in zip(corpus, results, strict=True)
            if planted and planted.lower() in result.text.lower()
        ),
        # the other side: clean text changed is a false positive, which costs readers
        "clean_texts": sum(1 for _, planted in corpus if not planted),
        "clean_texts_changed": sum(
            1 for (text, planted), result in zip(corpus, results, strict=True)
            if not planted and result.text != text),
        **_sample_false_positives(redactor),
        **{f"removed_{kind}": n for kind, n in sorted(counts.items())},
    }


def _sample_false_positives(redactor: Redactor) -> dict[str, int]:
    """Every breach description and requirement the sample export writes, without the
    personal data it sometimes adds: none of them should change."""
    from generator.dev import sample

    values = {"app": "24/01234/FUL", "cond": "3", "road": "A34"}
    texts = sorted({template.format(**values)
                    for pool in (sample._DESCRIPTIONS, sample._ENF_REQUIREMENTS,
                                 sample._REQUIREMENTS)
                    for options in pool.values() for template in options})
    changed = [t for t in texts if redactor.redact(t, own_postcode="NB1 1AA").text != t]
    return {"sample_texts": len(texts), "sample_texts_changed": len(changed)}


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    for key, value in run(*arguments).items():
        print(f"{key}: {value}")
