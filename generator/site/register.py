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
from dataclasses import dataclass

from anyascii import anyascii

from generator.privacy.anonymise import PublicData, PublicNotice
from generator.config.schema import Config
from generator.core.model import APPEAL_OUTCOME_LABELS, NoticeType
from generator.core.problems import Problems
from generator.core.untrusted import fill_url_template
from generator.site.common import GeneratedSite, longdate, render
from generator.site.register_search import SearchEntry, register_search_index
from generator.site.slugs import page_name, unique_slugs


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


def _appeal(n: PublicNotice) -> str:
    if not n.appeal_lodged:
        return "No appeal made"
    text = f"Appeal lodged {longdate(n.appeal_lodged)}"
    if n.appeal_outcome:
        text += f". {APPEAL_OUTCOME_LABELS[n.appeal_outcome]}"
    if n.appeal_decided:
        text += f", decided {longdate(n.appeal_decided)}"
    return text


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
                      stop_notices: dict[str, list[PublicNotice]]) -> list[tuple[str, str]]:
    """The fields the register must hold for this type of notice, in plain words."""
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
        fields.append(("Appeal", _appeal(n)))
    if t is NoticeType.ENFORCEMENT_NOTICE:
        stops = stop_notices.get(n.reference.upper(), [])
        fields.append(("Related stop notice", "; ".join(
            f"{s.reference}, served {_date(s.served)}: prohibits {_text(s.stop_activity)}"
            for s in stops) or "None"))
    fields.append(("Date the council was satisfied the steps were taken",
                   _date(n.complied) if n.complied else "Not yet"))
    fields.append(("Date entered on the register", _date(n.entered_on_register)))
    return fields


def _links(n: PublicNotice, config: Config) -> list[tuple[str, str]]:
    """The entry's links. The notice's own address was checked when it was read
    (ingest/rows.py); values put into the configured templates are percent-encoded."""
    links = []
    if n.document_url:
        links.append((f"Copy of the notice {n.reference} (PDF)", n.document_url))
    if config.register.property_history_url and (n.uprn or n.postcode):
        links.append(("Planning history of this property", fill_url_template(
            config.register.property_history_url, uprn=n.uprn, postcode=n.postcode,
            reference=n.reference)))
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
                ward_names: dict[str, str], export_date: dt.date) -> list[SearchEntry]:
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
        fields = prescribed_fields(e, config, ward_names, stops)
        body = render("entry.html", notice=n, export_date=export_date, fields=fields,
                      links=_links(n, config), same_place=same, root="../../../")
        where = n.address or n.postcode or ward_names.get(n.ward, "")
        name = f"{n.notice_type.label} {n.reference}"
        site.add_fast_page(f"{ENTRIES}/{e.slug}.md",
                           name + (f": {where}" if where else ""),
                           body, description=f"{name}, {_date(n.event_date)}. Status: "
                           f"{n.status}.")
        searched.append(SearchEntry(e.slug, name, _address(n), _date(n.event_date),
                                    n.status, fields))
    return searched


def _list_pages(site: GeneratedSite, path: str, title: str, caption: str, intro: str,
                entries: list[Entry], per_page: int, export_date: dt.date,
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
                      caption=caption, export_date=export_date, page=page, pages=pages,
                      pager=pager, prefix="../" * depth, feed=feed)
        site.add_fast_page(page_path, title + (f" (page {page})" if page > 1 else ""), body)


def _grouped_index(site: GeneratedSite, folder: str, title: str, intro: str,
                   groups: dict[str, list[Entry]], label_of: Callable[[str], str],
                   config: Config, export_date: dt.date, feeds: bool = False
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
                    config.register.entries_per_index_page, export_date,
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


def _by_address(e: Entry) -> tuple[str, str]:
    return (" ".join(e.notice.address.upper().split()) or "~", e.notice.reference)


def _index_letter(address: str) -> str:
    """The letter of the address index an address is under: its first character, in
    the Latin alphabet ('Élan Court' is under E), '0-9' or 'Other'."""
    first = anyascii(address.lstrip()[:1]).upper()[:1]
    return first if first.isalpha() else "0-9" if first.isdigit() else "Other"


def register_pages(site: GeneratedSite, data: PublicData, config: Config,
                   ward_names: dict[str, str], published: list[Entry]
                   ) -> tuple[list[Entry], list[Entry], list[Group]]:
    """All register pages for the `published` notices (`assign_slugs`); returns the
    register entries, the other notices and the register's entries by ward."""
    entries = [e for e in published if e.notice.on_register]
    others = [e for e in published if not e.notice.on_register]
    export_date = data.export_date
    register_search_index(site, entry_pages(site, entries + others, config, ward_names,
                                            export_date), SEARCHED_FIELDS)
    per_page = config.register.entries_per_index_page

    by_letter: dict[str, list[Entry]] = defaultdict(list)
    for e in sorted(entries, key=_by_address):
        by_letter[_index_letter(e.notice.address)].append(e)
    _grouped_index(site, "address", "Register index by address",
                   "The statutory index of the register, by the address of the land.",
                   dict(sorted(by_letter.items(), key=lambda kv: (kv[0] == "Other", kv[0]))),
                   lambda k: k, config, export_date)

    by_ward: dict[str, list[Entry]] = defaultdict(list)
    for e in sorted(entries, key=_by_address):
        by_ward[e.notice.ward or "unknown"].append(e)
    ward_label = lambda code: ward_names.get(code, "Ward not known")  # noqa: E731
    wards = _grouped_index(site, "ward", "Register by ward", "Register entries in each "
                           "ward. Each ward's list has its own news feed.",
                           dict(sorted(by_ward.items(), key=lambda kv: ward_label(kv[0]))),
                           ward_label, config, export_date, feeds=True)

    by_year: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_year[str(e.notice.event_date.year) if e.notice.event_date else "unknown"].append(e)
    _grouped_index(site, "year", "Register by year", "Register entries by the year the "
                   "notice was served.", dict(sorted(by_year.items(), reverse=True)),
                   lambda k: k if k != "unknown" else "Date not recorded", config,
                   export_date)

    by_type: dict[str, list[Entry]] = defaultdict(list)
    for e in sorted(entries, key=_by_address):
        by_type[e.notice.notice_type.value].append(e)
    _grouped_index(site, "type", "Register by type of notice", "Register entries by the "
                   "type of notice.", {t.value: by_type[t.value] for t in NoticeType
                                       if t.value in by_type},
                   lambda k: NoticeType(k).label, config, export_date)

    if others:
        _list_pages(site, "register/other-notices", "Other notices (not on the register)",
                    "Notices that are not part of the statutory register",
                    "These notices are not part of the statutory enforcement register. "
                    "We publish them so that you can see all the formal action we take.",
                    sorted(others, key=_by_address), per_page, export_date)

    latest = entries[:25]
    body = render("register_home.html", export_date=export_date, latest=latest,
                  count=len(entries), others=len(others), council=config.council.name,
                  deadline=config.register.entry_deadline_days)
    site.add_page("register/index.md", "The enforcement register", body,
                  description=f"The statutory planning enforcement register of "
                  f"{config.council.name}: every notice served, with its dates and "
                  "requirements.")
    return entries, others, wards
