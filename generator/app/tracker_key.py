"""The case tracker's key, from where it may come: the ENFORCEMENT_SITE_TRACKER_KEY
environment variable, or a file outside the project (`--tracker-key-file`). Never the
configuration, which is in the repository (config/schema.py refuses one there)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from generator.core.errors import UsageError
from generator.privacy.tracker_codes import MIN_KEY_BYTES, TrackerKey

ENVIRONMENT_VARIABLE = "ENFORCEMENT_SITE_TRACKER_KEY"
HOW = ("make one with: python3 -c \"import secrets; print(secrets.token_urlsafe(32))\" "
       "(docs/tracker.md)")


def load_tracker_key(key_file: Path | None, project: Path,
                     environ: Mapping[str, str] = os.environ) -> TrackerKey | None:
    """The key, or None when the council has not opted in (no file given and the
    variable unset or empty). `project` is the folder of the configuration: a key file
    inside it could be committed with it, so is refused."""
    if key_file is not None:
        path = key_file.expanduser().resolve()
        if path.is_relative_to(project.resolve()):
            raise UsageError(f"--tracker-key-file: {key_file} is inside the project folder "
                             f"{project}, where it could be committed and published; keep "
                             "the key outside it (for example in the CI system's secrets)")
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise UsageError(f"--tracker-key-file: cannot read {key_file}: "
                             f"{exc.strerror or exc}") from None
        where = f"the file {key_file}"
    else:
        secret = environ.get(ENVIRONMENT_VARIABLE, "").strip().encode("utf-8")
        if not secret:
            return None
        where = f"{ENVIRONMENT_VARIABLE}"
    if len(secret) < MIN_KEY_BYTES:
        # The message never quotes the key, nor says how long it is.
        raise UsageError(f"the tracker key in {where} is too short: it must be at least "
                         f"{MIN_KEY_BYTES} characters; {HOW}")
    return TrackerKey(secret)
