"""Stage: the statutory register: an entry page per notice, and its indexes.

Entry URLs come from the reference alone (register/entries/enf-2021-0007/), so they
survive rebuilds. Index lists are static HTML split into pages, usable without
JavaScript.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.config.schema import Config
from generator.core.address import street_key
from generator.core.model import (
    APPEAL_DISMISSED,
    APPEAL_OUTCOME_LABELS,
    GENERATED,
    LOCATED_BY,
    SUFFIXED,
    NoticeType,
)
from generator.core.problems import Problems
from generator.core.untrusted import fill_url_template, template_fields
from generator.privacy.anonymise import PublicData, PublicNotice
from generator.site.common import GeneratedSite, longdate, render
from generator.site.register_search import SearchEntry, register_search_index
from generator.site.slugs import glossary_id, page_name, unique_slugs


@dataclass(frozen=True)
class Entry:
    notice: PublicNotice
    slug: str


ENTRIES = "register/entries"  # every published notice's page, register or not


def assign_slugs(notices: list[PublicNotice], problems: Problems | None = None
                 ) -> list[Entry]:
    """Each notice's page address, from its reference (site/slugs.py): unique among all
    the notices published, which share one folder. Of references that give the same
    address ('ENF/21/7' and 'ENF-21-7'), the notice served first keeps it, so a notice
    added later never moves an entry already published; the others get a suffix, and
    each clash is a warning in `problems`."""
    earliest_first = sorted(notices, key=lambda n: (n.event_date or dt.date.max,
                                                    n.reference))
    slugs, clashes = unique_slugs(n.reference for n in earliest_first)
    if problems is not None:
        by_reference = {n.reference: n for n in notices}
        for first, *others in clashes:
            for reference in others:
                source = by_reference[reference].source
                problems.warning(
                    source.file if source else "", source.row if source else None,
                    "reference", reference, "page-address-clash",
                    f"reference '{reference}' gives the same page address as "
                    f"'{first}'; its entry is at {ENTRIES}/{slugs[reference]}/ and "
                    f"'{first}' keeps {ENTRIES}/{slugs[first]}/")
    return [Entry(n, slugs[n.reference]) for n in notices]


def _date(value: dt.date | None) -> str:
    return longdate(value) if value else "Not recorded"


def _text(value: str) -> str:
    return value or "Not recorded"


NOT_RECORDED = "Not recorded"


def _appeal(n: PublicNotice, recorded: frozenset[str]) -> str:
    """The appeal, as far as the export says: "No appeal made" only when it has a
    column for appeals being lodged and this notice's is blank."""
    if not (n.appeal_lodged or n.appeal_decided or n.appeal_outcome):
        return "No appeal made" if "appeal_lodged" in recorded else NOT_RECORDED
    parts = [f"Appeal {n.appeal_reference}" if n.appeal_reference else "Appeal"]
    if n.appeal_lodged:
        parts.append(f"lodged {longdate(n.appeal_lodged)}")
    if n.appeal_decided:
        parts.append(f"decided {longdate(n.appeal_decided)}")
    text = " ".join(parts) if len(parts) > 1 else "Appeal made"
    if n.appeal_outcome:
        text += f". {APPEAL_OUTCOME_LABELS[n.appeal_outcome]}"
    elif n.appeal_decided:
        text += ". Outcome not recorded"
    return text


def date_label(recorded: frozenset[str]) -> str:
    """The heading of the lists' date column: what the date is (event_date is the
    service date, or the issue date where there is none)."""
    if "served" not in recorded and "issued" in recorded:
        return "Date issued"
    return "Date served"


REFERENCE_NOTES = {
    SUFFIXED: "Our records use this reference for more than one notice. The number in "
              "brackets after it tells this notice apart; it is not part of the reference.",
    GENERATED: "Our records hold no reference for this notice. This site gave it the "
               "reference shown, made from its details, so that it can be found and linked "
               "to.",
}


def _address(n: PublicNotice) -> str:
    parts = [p for p in (n.address, n.postcode) if p]
    return ", ".join(parts) if parts else "Not recorded (see the map)"


# The fields the register search indexes (register_search.py): what people look a
# notice up by and what it is about. Dates, periods and boilerplate stay out: they would
# match every entry.
SEARCHED_FIELDS = frozenset({
    "Reference", "Address of the land", "Ward", "Planning permission it relates to",
    "Condition not complied with", "Summary of the alleged breach", "Activity prohibited",
    "Related enforcement notice", "What the notice requires"})


def prescribed_fields(entry: Entry, config: Config, ward_names: dict[str, str],
                      stop_notices: dict[str, list[PublicNotice]],
                      recorded: frozenset[str] = frozenset(), stops_recorded: bool = True
                      ) -> list[tuple[str, str]]:
    """The fields the register must hold for this type of notice, in plain words. A
    field the export does not hold (`recorded`) is "Not recorded", never inferred."""
    n = entry.notice
    fields: list[tuple[str, str]] = [
        ("Reference", n.reference),
        ("Type of notice", f"{n.notice_type.label} ({n.notice_type.info.legislation})"),
        ("Address of the land", _address(n)),
        ("Ward", ward_names.get(n.ward, n.ward or "Not known")),
        ("Issued by", config.council.name),
    ]
    t = n.notice_type
    if t is not NoticeType.BREACH_OF_CONDITION_NOTICE:
        fields.append(("Date of issue", _date(n.issued)))
    fields.append(("Date of service", _date(n.served)))
    if t is NoticeType.BREACH_OF_CONDITION_NOTICE:
        fields.append(("Planning permission it relates to", _text(n.permission_reference)))
        fields.append(("Condition not complied with", _text(n.breach_summary)))
    else:
        fields.append(("Summary of the alleged breach", _text(n.breach_summary)))
    if t in (NoticeType.STOP_NOTICE, NoticeType.CIL_STOP_NOTICE):
        fields.append(("Activity prohibited", _text(n.stop_activity)))
        if n.related_notice:
            fields.append(("Related enforcement notice", n.related_notice))
    fields.append(("What the notice requires", _text(n.requirements)))
    fields.append(("Period for compliance", _text(n.compliance_period)))
    if t is not NoticeType.BREACH_OF_CONDITION_NOTICE:
        fields.append(("Date the notice takes effect", _date(n.effective)))
    fields.append(("Date for compliance", _date(n.compliance_due)))
    if t is not NoticeType.BREACH_OF_CONDITION_NOTICE:
        fields.append(("Appeal", _appeal(n, recorded)))
    if t is NoticeType.ENFORCEMENT_NOTICE:
        stops = stop_notices.get(n.reference.upper(), [])
        fields.append(("Related stop notice", "; ".join(
            f"{s.reference}, served {_date(s.served)}: prohibits {_text(s.stop_activity)}"
            for s in stops) or ("None" if stops_recorded else NOT_RECORDED)))
    fields.append(("Date the council was satisfied the steps were taken",
                   _date(n.complied) if n.complied else
                   "Not yet" if "complied" in recorded else NOT_RECORDED))
    fields.append(("Date entered on the register", _date(n.entered_on_register)))
    return fields


def _links(n: PublicNotice, config: Config) -> list[tuple[str, str]]:
    """The entry's links. The notice's own address was checked when it was read
    (ingest/rows.py); values put into the configured templates are percent-encoded."""
    links = []
    if n.document_url:
        links.append((f"Copy of the notice {n.reference} (PDF)", n.document_url))
    history = config.register.property_history_url
    values = {"uprn": n.uprn, "postcode": n.postcode, "reference": n.reference}
    # Only when every value the template uses is there: '?uprn=' finds nothing.
    if history and all(values.get(name) for name in template_fields(history)):
        links.append(("Planning history of this property", fill_url_template(
            history, **values)))
    if config.register.application_url and n.permission_reference:
        links.append((f"Planning permission {n.permission_reference}", fill_url_template(
            config.register.application_url,
            permission_reference=n.permission_reference)))
    return links


def _property_key(n: PublicNotice) -> str:
    if n.uprn:
        return f"uprn:{n.uprn}"
    return "address:" + " ".join(n.address.upper().replace(",", " ").split())


def entry_pages(site: GeneratedSite, entries: list[Entry], config: Config,
                ward_names: dict[str, str], export_date: dt.date,
                recorded: frozenset[str] = frozenset(), stale: bool = False,
                stops_recorded: bool = True) -> list[SearchEntry]:
    """A page per entry; returns what the register search index needs of each."""
    by_property: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.notice.uprn or e.notice.address:
            by_property[_property_key(e.notice)].append(e)
    stops: dict[str, list[PublicNotice]] = defaultdict(list)
    for e in entries:
        if e.notice.notice_type is NoticeType.STOP_NOTICE and e.notice.related_notice:
            stops[e.notice.related_notice.upper()].append(e.notice)
    searched: list[SearchEntry] = []
    for e in entries:
        n = e.notice
        same = [o for o in by_property.get(_property_key(n), []) if o.slug != e.slug]
        fields = prescribed_fields(e, config, ward_names, stops, recorded, stops_recorded)
        body = render("entry.html", notice=n, export_date=export_date, fields=fields,
                      links=_links(n, config), same_place=same, root="../../../",
                      status_id=glossary_id(n.status.removesuffix(APPEAL_DISMISSED)),
                      stale=stale, reference_note=REFERENCE_NOTES.get(n.reference_note, ""),
                      located=LOCATED_BY.get(n.located_by, ""))
        where = n.address or n.postcode or ward_names.get(n.ward, "")
        name = f"{n.notice_type.label} {n.reference}"
        site.add_fast_page(f"{ENTRIES}/{e.slug}.md",
                           name + (f": {where}" if where else ""),
                           body, description=f"{name}, {_date(n.event_date)}. Status: "
                           f"{n.status}.")
        searched.append(SearchEntry(e.slug, name, _address(n), _date(n.event_date),
                                    n.status, fields))
    return searched


@dataclass(frozen=True)
class ListStyle:
    """What every list page says the same way: the data's date and the date column."""

    export_date: dt.date
    stale: bool = False
    date_label: str = "Date served"


def _list_pages(site: GeneratedSite, path: str, title: str, caption: str, intro: str,
                entries: list[Entry], per_page: int, style: ListStyle,
                feed: str = "") -> None:
    """One list split into pages: path.md, path-2.md, ...; `feed` is the address of
    the list's own feed, from each of its pages."""
    pages = max(1, math.ceil(len(entries) / per_page))
    folder, base = path.rsplit("/", 1)
    for page in range(1, pages + 1):
        page_path = f"{folder}/{page_name(base, page)}.md"
        pager = [(str(k), f"../{page_name(base, k)}/", k == page)
                 for k in range(1, pages + 1)] if pages > 1 else []
        shown = entries[(page - 1) * per_page: page * per_page]
        depth = path.count("/")
        body = render("entry_list.html", intro=intro, entries=entries, shown=shown,
                      caption=caption, export_date=style.export_date, stale=style.stale,
                      date_label=style.date_label, page=page, pages=pages,
                      pager=pager, prefix="../" * depth, feed=feed)
        site.add_fast_page(page_path, title + (f" (page {page})" if page > 1 else ""), body)


def _grouped_index(site: GeneratedSite, folder: str, title: str, intro: str,
                   groups: dict[str, list[Entry]], label_of: Callable[[str], str],
                   config: Config, style: ListStyle, feeds: bool = False
                   ) -> list[Group]:
    """A page of links to one list for each group. With `feeds`, each list links the
    feed at feed.xml in its folder (written by the feeds stage)."""
    links = []
    made = []
    slugs, _ = unique_slugs(groups)
    for key in groups:
        slug = slugs[key]
        label = label_of(key)
        _list_pages(site, f"register/{folder}/{slug}", f"{title}: {label}",
                    f"Register entries: {label}", "", groups[key],
                    config.register.entries_per_index_page, style,
                    feed=f"../{slug}/feed.xml" if feeds else "")
        links.append((label, f"{slug}/", len(groups[key])))
        made.append(Group(slug, label, groups[key]))
    site.add_page(f"register/{folder}/index.md", title,
                  render("link_list.html", intro=intro, links=links))
    return made


@dataclass(frozen=True)
class Group:
    """One list of a grouped index (a ward's entries): its address and name."""

    slug: str
    label: str
    entries: list[Entry]


def _by_address(e: Entry) -> tuple[tuple[str, str, int, str, str], str]:
    """Entries in street order: street, locality, house number (core/address.py)."""
    return (street_key(e.notice.address).sort, e.notice.reference)


LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + ["0-9", "Other"]


@dataclass
class Street:
    label: str  # 'Mill Lane, Kingsmere', or 'Address not recorded'
    letter: str
    anchor: str = ""
    entries: list[Entry] = field(default_factory=list)


def _streets(entries: list[Entry]) -> list[Street]:
    """The entries grouped by street and locality, in street order; within a street,
    by house number."""
    streets: dict[tuple[str, str], Street] = {}
    for e in sorted(entries, key=_by_address):
        key = street_key(e.notice.address)
        group = (key.sort[0], key.sort[1])
        if group not in streets:
            streets[group] = Street(key.group or "Address not recorded", key.letter)
        streets[group].entries.append(e)
    ordered = list(streets.values())
    anchors, _ = unique_slugs(s.label for s in ordered)
    for s in ordered:
        s.anchor = "street-" + anchors[s.label]
    return ordered


def _street_index(site: GeneratedSite, entries: list[Entry], per_page: int,
                  export_date: dt.date) -> None:
    """The statutory index by street: an A to Z of streets (register/address/), and a
    page (or pages) per letter listing each street's entries by house number. A page
    holds whole streets, `per_page` entries or so."""
    streets = _streets(entries)
    by_letter: dict[str, list[Street]] = defaultdict(list)
    for s in streets:
        by_letter[s.letter].append(s)
    slugs = {letter: letter.lower() for letter in LETTERS}

    def letters(current: str | None, prefix: str) -> list[tuple[str, str, bool]]:
        return [(letter, f"{prefix}{slugs[letter]}/" if letter in by_letter else "",
                 letter == current) for letter in LETTERS]

    groups = []
    for letter in LETTERS:
        if letter not in by_letter:
            continue
        pages: list[list[Street]] = [[]]
        for s in by_letter[letter]:
            if pages[-1] and sum(len(x.entries) for x in pages[-1]) + len(s.entries) > per_page:
                pages.append([])
            pages[-1].append(s)
        items = []
        for number, shown in enumerate(pages, start=1):
            name = page_name(slugs[letter], number)
            pager = [(str(k), f"../{page_name(slugs[letter], k)}/", k == number)
                     for k in range(1, len(pages) + 1)] if len(pages) > 1 else []
            body = render("street_index.html", intro="", export_date=export_date,
                          count=sum(len(s.entries) for s in by_letter[letter]),
                          streets=by_letter[letter], shown=shown, page=number,
                          pages=len(pages), pager=pager, letters=letters(letter, "../"),
                          prefix="../../")
            title = f"Register index by street: {letter}"
            site.add_fast_page(f"register/address/{name}.md",
                               title + (f" (page {number})" if number > 1 else ""), body)
            items += [(s.label, f"{name}/#{s.anchor}", len(s.entries)) for s in shown]
        groups.append((letter, f"{slugs[letter]}/", items))
    site.add_page("register/address/index.md", "Register index by street",
                  render("street_a_to_z.html", export_date=export_date, count=len(entries),
                         streets=len(streets), letters=letters(None, ""), groups=groups),
                  description="The statutory index of the enforcement register: every "
                  "entry by street, A to Z.")


def register_pages(site: GeneratedSite, data: PublicData, config: Config,
                   ward_names: dict[str, str], published: list[Entry]
                   ) -> tuple[list[Entry], list[Entry], list[Group]]:
    """All register pages for the `published` notices (`assign_slugs`); returns the
    register entries, the other notices and the register's entries by ward."""
    entries = [e for e in published if e.notice.on_register]
    others = [e for e in published if not e.notice.on_register]
    export_date = data.export_date
    recorded = data.notice_fields
    style = ListStyle(export_date, data.stale, date_label(recorded))
    # "No related stop notice" is known only where the export links stop notices to
    # their enforcement notices.
    stops_recorded = "related_notice" in recorded
    register_search_index(site, entry_pages(site, entries + others, config, ward_names,
                                            export_date, recorded, data.stale,
                                            stops_recorded), SEARCHED_FIELDS)
    per_page = config.register.entries_per_index_page

    _street_index(site, entries, per_page, export_date)

    by_ward: dict[str, list[Entry]] = defaultdict(list)
    for e in sorted(entries, key=_by_address):
        by_ward[e.notice.ward or "unknown"].append(e)
    ward_label = lambda code: ward_names.get(code, "Ward not known")  # noqa: E731
    wards = _grouped_index(site, "ward", "Register by ward", "Register entries in each "
                           "ward. Each ward's list has its own news feed.",
                           dict(sorted(by_ward.items(), key=lambda kv: ward_label(kv[0]))),
                           ward_label, config, style, feeds=True)

    by_year: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_year[str(e.notice.event_date.year) if e.notice.event_date else "unknown"].append(e)
    _grouped_index(site, "year", "Register by year", "Register entries by the year the "
                   "notice was served (or issued, where the date of service is not "
                   "recorded).", dict(sorted(by_year.items(), reverse=True)),
                   lambda k: k if k != "unknown" else "Date not recorded", config, style)

    by_type: dict[str, list[Entry]] = defaultdict(list)
    for e in sorted(entries, key=_by_address):
        by_type[e.notice.notice_type.value].append(e)
    _grouped_index(site, "type", "Register by type of notice", "Register entries by the "
                   "type of notice.", {t.value: by_type[t.value] for t in NoticeType
                                       if t.value in by_type},
                   lambda k: NoticeType(k).label, config, style)

    if others:
        _list_pages(site, "register/other-notices", "Other notices (not on the register)",
                    "Notices that are not part of the statutory register",
                    "These notices are not part of the statutory enforcement register. "
                    "We publish them so that you can see all the formal action we take.",
                    sorted(others, key=_by_address), per_page, style)

    unlocated = [e for e in entries if e.notice.latitude is None]
    if unlocated:  # the register map links here (maps.py)
        _list_pages(site, "register/not-on-map", "Register entries not on the map",
                    "Register entries not on the map",
                    "Our records do not say where these entries are closely enough to put "
                    "them on the register map: they have no coordinates, and we could not "
                    "find their property or their postcode in the address lists we use. "
                    "Each entry gives the address of the land.",
                    sorted(unlocated, key=_by_address), per_page, style)

    latest = entries[:25]
    body = render("register_home.html", export_date=export_date, latest=latest,
                  count=len(entries), others=len(others), council=config.council.name,
                  deadline=config.register.entry_deadline_days, stale=data.stale,
                  date_label=style.date_label, has_notices=data.has_notices,
                  has_cases=data.has_cases)
    site.add_page("register/index.md", "The enforcement register", body,
                  description=f"The statutory planning enforcement register of "
                  f"{config.council.name}: every notice served, with its dates and "
                  "requirements.",
                  extra={"section": "Enforcement register", "order": 100,
                         "menu_title": "The register"})
    return entries, others, wards
