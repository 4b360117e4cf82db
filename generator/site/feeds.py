"""Stage: Atom feeds of the register: one of the whole register, one for each ward.

Every page advertises the register's feed (theme/main.html, <link rel="alternate">);
each ward's list of entries links its own. An entry's time is the day it was entered
on the register (or served, when the export does not say), so a feed reader shows new
entries first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.config.schema import Config
from generator.core.untrusted import xml_text
from generator.site.opendata import LICENCE
from generator.site.register import Entry

# At the root of the site: Material fetches sitemap.xml from the folder of every
# <link rel="alternate"> a page has (for its language switcher), and the one sitemap
# is at the root.
REGISTER_FEED = "feed.xml"
LATEST = 50  # entries in a feed: enough for a reader that looks once a week


@dataclass(frozen=True)
class Feed:
    """A feed: where it is on the site, its title and the page it is the feed of."""

    path: str
    title: str
    page: str  # the page's address, from the site root


def ward_feed(slug: str, ward_name: str, config: Config) -> Feed:
    return Feed(f"register/ward/{slug}/feed.xml",
                f"{config.council.name}: enforcement register, {ward_name}",
                f"register/ward/{slug}/")


def register_feed(config: Config) -> Feed:
    return Feed(REGISTER_FEED, f"{config.council.name}: enforcement register",
                "register/")


def atom(feed: Feed, entries: list[Entry], config: Config, export_date: dt.date) -> str:
    base = config.site.url or "/"
    latest = sorted(entries, key=lambda e: (e.notice.entered_on_register
                                            or e.notice.event_date or dt.date.min,
                                            e.notice.reference), reverse=True)[:LATEST]
    items = []
    for e in latest:
        n = e.notice
        updated = n.entered_on_register or n.event_date or export_date
        link = f"{base}register/entries/{e.slug}/"
        items.append(
            "<entry>"
            f"<title>{xml_text(n.notice_type.label)} {xml_text(n.reference)}: "
            f"{xml_text(n.address or 'address not recorded')}</title>"
            f'<link href="{xml_text(link)}"/><id>{xml_text(link)}</id>'
            f"<updated>{updated.isoformat()}T00:00:00Z</updated>"
            f"<summary>{xml_text(n.status)}</summary></entry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{xml_text(feed.title)}</title>"
            f'<link href="{xml_text(base + feed.page)}"/>'
            f'<link rel="self" href="{xml_text(base + feed.path)}"/>'
            f"<id>{xml_text(base + feed.path)}</id>"
            f"<updated>{export_date.isoformat()}T00:00:00Z</updated>"
            f"<author><name>{xml_text(config.council.name)}</name></author>"
            f"<rights>{xml_text(LICENCE)}</rights>"
            + "".join(items) + "</feed>\n")
