"""The values that must never reach the site, gathered from the export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Sensitive:
    """Values that must never appear in the built site. Collected from every row read,
    including rejected and withheld rows, because their values can still turn up in the
    free text of other rows."""

    names: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)  # complainants' and non-register sites'
    postcodes: set[str] = field(default_factory=set)
    uprns: set[str] = field(default_factory=set)
    references: set[str] = field(default_factory=set)  # non-register cases, removed notices

    def add_person_column(self, field_name: str, values: Iterable[str]) -> None:
        """Every value of one personal-data column ('complainant_email', ...)."""
        target = (self.emails if field_name.endswith("_email") else
                  self.phones if field_name.endswith("_phone") else
                  self.addresses if field_name.endswith("_address") else self.names)
        target.update(v.strip() for v in values if v and not v.isspace())
