"""The site configuration (`enforcement-site.yml`), declared as a typed schema.

Each option is a dataclass field made with `option(default, doc)`; the doc string is the
documentation (`docs/configuration.md` is checked against it by the tests). Loading
collects every problem in the file, reports them all, and then aborts once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.config.policy import policy_problems
from generator.core.contrast import AA_NORMAL_TEXT, contrast_ratio
from generator.core.errors import UsageError
from generator.core.suggest import did_you_mean
from generator.core.untrusted import (
    attribution_html,
    tile_source,
    url_template_problem,
    web_address,
)


class ConfigError(UsageError):
    """The configuration cannot be used. `problems` lists every reason at once."""

    def __init__(self, file: str, problems: list[str]):
        self.file = file
        self.problems = problems
        super().__init__(f"{file}: " + "; ".join(problems))

    def explain(self) -> str:
        return (f"Configuration problems in {self.file}:\n"
                + "\n".join(f"  - {p}" for p in self.problems))


def option(default: Any, doc: str) -> Any:
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata={"doc": doc})
    if dataclasses.is_dataclass(default):
        factory = type(default)
        return field(default_factory=factory, metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


REQUIRED: Any = object()  # marks an option with no default


@dataclass
class Council:
    name: str = option(REQUIRED, "Full name of the council, e.g. 'Northbrook District "
                       "Council'. Shown on every page and named as the issuing authority "
                       "on every register entry.")
    short_name: str = option("", "Short name used in page titles; defaults to `name`.")
    organisation: str = option("", "Planning Data organisation identifier, e.g. "
                               "'local-authority:NBK', written to the open data.")
    website: str = option("", "The council's main website address (https: or http:, or a "
                          "path on this site).")
    email: str = option("", "Contact email for the planning enforcement team.")
    phone: str = option("", "Contact telephone number for the planning enforcement team.")
    address: str = option("", "Postal address of the planning enforcement team.")
    report_url: str = option("", "Web address of the council's online form to report a "
                             "breach (https: or http:, or a path on this site).")
    logo: str = option("", "Path (relative to the config file) of a logo image; empty for "
                       "none.")
    primary_colour: str = option("#1d4f91", "Header colour as #rrggbb. White text must meet "
                                 "WCAG AA contrast on it; the build checks.")
    accent_colour: str = option("#1d70b8", "Link and accent colour as #rrggbb. Must meet "
                                "WCAG AA contrast on white; the build checks.")


@dataclass
class Site:
    url: str = option("", "Public address the site is published at (https: or http:), "
                      "ending in '/'. Used for the sitemap, the feed and canonical links.")
    language: str = option("en", "Language code of the pages.")
    title: str = option("Planning enforcement", "Title of the site, after the council "
                        "name.")
    update_schedule: str = option("every night", "How often the site and its open data "
                                  "are rebuilt, in words ('every night', 'every "
                                  "weekday'): the open data page and the data package "
                                  "say so.")


@dataclass
class Data:
    export_dir: str = option("data/export", "Folder holding the back-office export, "
                             "relative to this file.")
    mapping: str = option("data/mapping.yml", "Mapping file that says how the export's "
                          "columns and codes map to the canonical model.")
    wards: str = option("data/wards.geojson", "Ward boundaries as GeoJSON (WGS84).")
    ward_code_property: str = option("code", "Property of each ward feature holding its "
                                     "code.")
    ward_name_property: str = option("name", "Property of each ward feature holding its "
                                     "name.")
    boundary: str = option("", "Authority boundary as GeoJSON; empty means the union of "
                           "the wards.")


@dataclass
class Register:
    show_non_register: bool = option(True, "Also publish notices that are not on the "
                                     "statutory register (e.g. section 215 notices), in a "
                                     "clearly labelled separate section.")
    property_history_url: str = option("", "URL template for a property's history in the "
                                       "council's planning portal; may use {uprn}, "
                                       "{postcode} and {reference}, which are filled in "
                                       "percent-encoded.")
    application_url: str = option("", "URL template for a planning application; may use "
                                  "{permission_reference}, which is filled in "
                                  "percent-encoded.")
    entries_per_index_page: int = option(100, "Entries per page of the static register "
                                         "index lists.")
    entry_deadline_days: int = option(14, "Days within which an event must reach the "
                                      "register; later entries are reported.")


@dataclass
class Privacy:
    suppression_threshold: int = option(5, "Counts about non-register cases below this "
                                        "number, zeros included, are hidden ([c]), with "
                                        "others until the intruder audit shows none can be "
                                        "worked out (docs/statistics.md). 0 turns hiding "
                                        "and the audit off.")
    grid_cell_metres: int = option(0, "If at least 1000, the statistics page also counts "
                                   "the cases received in the last complete quarter per "
                                   "grid square of this size, listing every square of "
                                   "the area (hidden like the ward table); 0 turns grid "
                                   "counts off.")
    field_policy: dict[str, dict[str, str]] = option({}, "Overrides of the default field "
                                                     "policy, by record class ('register' "
                                                     "or 'case') and canonical field: "
                                                     "publish, drop, generalise or "
                                                     "redact-text. An unknown class or "
                                                     "field is an error.")
    extra_names: str = option("", "Optional file of extra names (one per line) to redact "
                              "from published text, besides those in the export.")


@dataclass
class PriorityTarget:
    code: str = option(REQUIRED, "Priority code in the canonical model: high, medium or "
                       "low.")
    label: str = option(REQUIRED, "Name of the priority shown to the public.")
    first_visit_working_days: int = option(REQUIRED, "Target for the first site visit, in "
                                           "working days from receipt.")
    description: str = option("", "What kind of breach gets this priority, in plain "
                              "words.")


@dataclass
class Charter:
    acknowledge_working_days: int = option(3, "Target to acknowledge (log) a report, in "
                                           "working days.")
    priorities: list[PriorityTarget] = option([], "The priority bands and their site-visit "
                                              "targets.")
    target_percent: int = option(80, "Share of cases that should meet each target, as a "
                                 "percentage.")
    resolve_weeks: int = option(13, "Target time to resolve (close) a case, in weeks.")
    resolve_percent: int = option(75, "Share of cases to resolve within `resolve_weeks`.")


@dataclass
class Statistics:
    age_bands_months: list[int] = option([3, 6, 12], "Upper limits, in months, of the "
                                         "age bands for open cases; a final 'over' band is "
                                         "added.")
    years: int = option(5, "How many financial years of statistics to publish.")


@dataclass
class Tiles:
    name: str = option("OpenStreetMap", "Name of the map tile provider, shown on the "
                       "privacy page.")
    url: str = option("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "Tile URL "
                      "template (https: or http:) with Leaflet's {s}, {z}, {x}, {y}, {-y} "
                      "and {r}; {s} may be the first part of the host. This is the only "
                      "third-party request the site makes, and the only host the pages' "
                      "Content Security Policy allows images from.")
    attribution: str = option("&copy; OpenStreetMap contributors", "Attribution shown on "
                              "the map: text, with links written as <a href=\"https://..."
                              "\">...</a> (no other HTML).")
    privacy_url: str = option("https://osmfoundation.org/wiki/Privacy_Policy", "The tile "
                              "provider's privacy notice.")


@dataclass
class Overlay:
    name: str = option(REQUIRED, "Name of the layer, shown in the map's layer switcher.")
    file: str = option(REQUIRED, "GeoJSON file (WGS84), relative to this file.")
    colour: str = option("#6a3d9a", "Outline colour as #rrggbb.")
    shown: bool = option(False, "Whether the layer is switched on when the map opens.")


@dataclass
class Maps:
    overlays: list[Overlay] = option([], "Extra layers people can switch on over the "
                                     "register and case maps, such as conservation "
                                     "areas or article 4 areas.")


@dataclass
class Content:
    review_interval_days: int = option(365, "A page whose `last_reviewed` date is older "
                                       "than this gives a warning.")
    reading_ease_target: int = option(50, "Paragraphs with a Flesch reading ease below "
                                      "this give a warning.")
    ignore_links: list[str] = option([], "Links to other websites that `enforcement-site "
                                     "check-links` lists as ignored and never requests: "
                                     "each entry is the start of the addresses to ignore, "
                                     "such as 'https://intranet.example.gov.uk/'.")
    link_cache_days: int = option(7, "A link to another website that worked is not "
                                  "checked again for this many days "
                                  "(reports/link-cache.json); a broken one is checked "
                                  "every time.")


@dataclass
class Usage:
    server_log_counts: bool = option(False, "Count how often each page is read from the "
                                     "web server's own access logs, with `enforcement-site "
                                     "usage LOG...` (reports/usage.csv; no script, no "
                                     "cookie, nothing about who read a page is kept). The "
                                     "privacy notice says so when this is true; the "
                                     "command refuses to count while it is false.")


@dataclass
class Publish:
    max_register_drop_percent: int = option(10, "The build fails, keeping the site "
                                            "published now, if the register would lose "
                                            "more than this share of its entries since the "
                                            "last published build (often a renamed column "
                                            "or a truncated export). Run once with "
                                            "`--accept-drop` to publish a real fall.")
    max_rejected_percent: int = option(10, "The build fails, keeping the site published "
                                       "now, if more than this share of the rows of any "
                                       "export file have errors. `--accept-drop` publishes "
                                       "anyway.")


@dataclass
class Tracker:
    closed_within_days: int = option(90, "How long after a case closes its tracker file "
                                     "stays, in days (open cases always have one). The "
                                     "tracker is on only when the build is given its key "
                                     "(docs/tracker.md); the key is never an option here.")


@dataclass
class Config:
    council: Council = option(REQUIRED, "Who publishes the site.")
    site: Site = option(Site(), "Where and how the site is published.")
    data: Data = option(Data(), "Where the export and the boundaries are.")
    register: Register = option(Register(), "The statutory register.")
    privacy: Privacy = option(Privacy(), "What may be published, and how counts are "
                              "protected.")
    charter: Charter = option(Charter(), "Service standards, quoted on the charter page "
                              "and measured in the statistics.")
    statistics: Statistics = option(Statistics(), "Published statistics.")
    tiles: Tiles = option(Tiles(), "The map tile provider.")
    maps: Maps = option(Maps(), "Layers on the maps.")
    content: Content = option(Content(), "Checks on the pages comms staff edit.")
    usage: Usage = option(Usage(), "Page counts from the web server's logs.")
    publish: Publish = option(Publish(), "Safeguards before a build replaces the "
                              "published site.")
    tracker: Tracker = option(Tracker(), "'Track your report': case progress for the "
                              "person who reported it (docs/tracker.md).")
    # Set by the loader, not by the file: the folder paths are relative to.
    base_dir: Path = field(default=Path("."), metadata={"internal": True})

    def path(self, relative: str) -> Path:
        return (self.base_dir / relative).resolve()

    @property
    def site_name(self) -> str:
        return f"{self.council.short_name or self.council.name}: {self.site.title}"


_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _convert(value: Any, annotation: Any, where: str, problems: list[str]) -> Any:
    """Check and convert one value against its annotation, noting problems."""
    origin = typing.get_origin(annotation)
    if dataclasses.is_dataclass(annotation):
        if not isinstance(value, dict):
            problems.append(f"'{where}' must be a section of options, not {value!r}")
            return None
        return _build(annotation, value, f"{where}.", problems)  # type: ignore[arg-type]
    if origin is list:
        (item_type,) = typing.get_args(annotation)
        if not isinstance(value, list):
            problems.append(f"'{where}' must be a list")
            return []
        return [_convert(v, item_type, f"{where}[{i}]", problems) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(f"'{where}' must be a mapping")
            return {}
        return value
    if origin in (types.UnionType, typing.Union):
        return value
    if annotation is bool:
        if not isinstance(value, bool):
            problems.append(f"'{where}' must be true or false, not {value!r}")
        return value
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"'{where}' must be a whole number, not {value!r}")
        return value
    if annotation is str:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            problems.append(f"'{where}' must be text, not {value!r}")
        return value
    return value


def _build(cls: type, raw: dict[str, Any], prefix: str, problems: list[str]) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    for key in raw:
        if key not in known:
            problems.append(f"unknown option '{prefix}{key}'{did_you_mean(key, known)}")
    kwargs: dict[str, Any] = {}
    for name, f in known.items():
        where = f"{prefix}{name}"
        if name in raw:
            kwargs[name] = _convert(raw[name], hints[name], where, problems)
        elif f.default is REQUIRED:
            problems.append(f"missing required option '{where}'")
            kwargs[name] = None
    return cls(**kwargs)


def _check(config: Config, problems: list[str]) -> None:
    """Checks that need more than one option's type."""
    council = config.council
    if council is None:
        return
    for name in ("primary_colour", "accent_colour"):
        value = getattr(council, name)
        if isinstance(value, str) and not _COLOUR.match(value):
            problems.append(f"'council.{name}' must be a colour like '#1d4f91', not {value!r}")
            continue
        # The header shows white text on the primary colour; links use the accent colour
        # on a white page. Both must meet WCAG AA for normal text.
        ratio = contrast_ratio(value, "#ffffff")
        if ratio < AA_NORMAL_TEXT:
            problems.append(f"'council.{name}' {value} has a contrast ratio of {ratio:.2f}:1 "
                            f"with white; WCAG AA needs at least {AA_NORMAL_TEXT}:1. Choose "
                            "a darker colour")
    if council.logo and not config.path(council.logo).is_file():
        problems.append(f"'council.logo': file {council.logo} does not exist")
    elif council.logo.lower().endswith(".svg") and _SVG_ACTIVE.search(
            config.path(council.logo).read_text(encoding="utf-8", errors="replace")):
        problems.append(f"'council.logo': {council.logo} holds script, an event handler or "
                        "embedded content; save the logo as a plain SVG or a PNG")
    for name in ("max_register_drop_percent", "max_rejected_percent"):
        value = getattr(config.publish, name)
        if isinstance(value, int) and not 0 <= value <= 100:
            problems.append(f"'publish.{name}' must be a percentage from 0 to 100")
    if config.tracker.closed_within_days < 0:
        problems.append("'tracker.closed_within_days' cannot be negative")
    if config.privacy.suppression_threshold < 0:
        problems.append("'privacy.suppression_threshold' cannot be negative")
    cell = config.privacy.grid_cell_metres
    if cell and cell < 1000:
        problems.append("'privacy.grid_cell_metres' must be 0 (off) or at least 1000: "
                        "smaller cells can point at a single house")
    for i, p in enumerate(config.charter.priorities):
        if p is not None and p.code not in ("high", "medium", "low"):
            problems.append(f"'charter.priorities[{i}].code' must be high, medium or low, "
                            f"not {p.code!r}")
    bands = config.statistics.age_bands_months
    if bands != sorted(bands) or len(set(bands)) != len(bands):
        problems.append("'statistics.age_bands_months' must be increasing")
    if config.site.url and not config.site.url.endswith("/"):
        problems.append("'site.url' must end with '/'")
    _check_addresses(config, problems)
    if not _LANGUAGE.match(config.site.language):
        problems.append(f"'site.language' must be a language code such as 'en' or 'cy', "
                        f"not {config.site.language!r}")
    for option_name in ("mapping", "wards"):
        relative = getattr(config.data, option_name)
        if relative and not config.path(relative).exists():
            problems.append(f"'data.{option_name}': file {relative} does not exist")
    for i, overlay in enumerate(config.maps.overlays):
        if overlay is None:
            continue
        if not config.path(overlay.file).is_file():
            problems.append(f"'maps.overlays[{i}].file': file {overlay.file} does not exist")
        if not _COLOUR.match(overlay.colour):
            problems.append(f"'maps.overlays[{i}].colour' must be a colour like '#6a3d9a'")
    if config.data.boundary and not config.path(config.data.boundary).exists():
        problems.append(f"'data.boundary': file {config.data.boundary} does not exist")
    if not config.path(config.data.export_dir).is_dir():
        problems.append(f"'data.export_dir': folder {config.data.export_dir} does not exist")


# Web addresses in the configuration: (option, whether a path on this site will do).
_ADDRESSES = (("council.website", True), ("council.report_url", True),
              ("site.url", False), ("tiles.privacy_url", True))
# URL templates the register fills with values from the export, and their placeholders.
_URL_TEMPLATES = (("register.property_history_url", ("uprn", "postcode", "reference")),
                  ("register.application_url", ("permission_reference",)))
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# What makes an SVG file a program rather than a picture when it is opened on its own.
_SVG_ACTIVE = re.compile(r"<\s*script|<\s*foreignObject|\son[a-z]+\s*=|javascript:", re.I)


def _option(config: Config, dotted: str) -> Any:
    section, name = dotted.split(".")
    return getattr(getattr(config, section), name)


def _check_addresses(config: Config, problems: list[str]) -> None:
    """Every address the site links to or loads from is checked here, once: only
    https: and http: (or, where it makes sense, a path on this site). A good one is
    kept as a browser would send it (spaces written %20)."""
    for name, relative in _ADDRESSES:
        value = _option(config, name)
        address = web_address(value, relative=relative) if value else value
        if address is None:
            what = "an https: or http: address" + (", or a path on this site"
                                                   if relative else "")
            problems.append(f"'{name}' must be {what}, not {value!r}")
        else:
            section, option = name.split(".")
            setattr(getattr(config, section), option, address)
    for name, allowed in _URL_TEMPLATES:
        value = _option(config, name)
        problem = url_template_problem(value, allowed) if value else None
        if problem:
            problems.append(f"'{name}' cannot be used: {problem}")
    try:
        tile_source(config.tiles.url)
    except ValueError as exc:
        problems.append(f"'tiles.url' cannot be used: {exc}")
    _, attribution_problems = attribution_html(config.tiles.attribution)
    problems.extend(f"'tiles.attribution': {p}" for p in attribution_problems)


def load_config(path: Path) -> Config:
    """Read and check the configuration; raise ConfigError listing every problem."""
    name = str(path)
    if not path.is_file():
        raise ConfigError(name, [f"configuration file {path} not found"])
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(name, [f"not valid YAML{where}: {getattr(exc, 'problem', exc)}"]) \
            from None
    except UnicodeDecodeError:
        raise ConfigError(name, ["the file is not UTF-8 text"]) from None
    if not isinstance(raw, dict):
        raise ConfigError(name, ["the file must be a mapping of sections"])
    problems: list[str] = []
    tracker = raw.get("tracker")
    if isinstance(tracker, dict) and any("key" in str(k).lower() for k in tracker):
        # Said plainly: this file is in the repository, and the key must never be.
        problems.append("'tracker': the tracker's key is never written in the "
                        "configuration (it is in the repository). Remove it, make a new "
                        "key (this one is no longer secret) and give it to the build in "
                        "the ENFORCEMENT_SITE_TRACKER_KEY environment variable or with "
                        "--tracker-key-file; see docs/tracker.md")
        tracker.pop(next(k for k in tracker if "key" in str(k).lower()))
    config: Config = _build(Config, raw, "", problems)
    config.base_dir = path.parent.resolve()
    if config.privacy is not None:  # (None when 'privacy' is not a section)
        problems.extend(policy_problems(config.privacy.field_policy))
    if not problems:
        _check(config, problems)
    if problems:
        raise ConfigError(name, problems)
    return config


def iter_options(cls: type = Config, prefix: str = "") -> list[tuple[str, str, Any]]:
    """Every option as (dotted name, doc, default) for the documentation."""
    rows: list[tuple[str, str, Any]] = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        name = f"{prefix}{f.name}"
        doc = f.metadata.get("doc", "")
        annotation = hints[f.name]
        if dataclasses.is_dataclass(annotation):
            rows.append((name, doc, None))
            rows.extend(iter_options(annotation, f"{name}."))  # type: ignore[arg-type]
            continue
        default = f.default
        if default is dataclasses.MISSING and f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        rows.append((name, doc, default))
    return rows
