"""`enforcement-site package`: the published site as one zip for a web team that
cannot run the build or reach GitHub ("hand a zip to the web team").

The zip holds:

    site/...            the site, exactly as published (what the `site` link points at)
    SHA256SUMS          a SHA-256 checksum of every file under site/, for
                        `sha256sum -c SHA256SUMS` after unpacking
    hosting/...         ready-made server configuration (hosting.py)
    README.txt          what to do with it

It is deterministic: the same site gives a byte-identical zip, whenever and wherever
it is made. Entries are in sorted order, dated the day of the export the site was
built from (the build records it; 1980-01-01, the earliest a zip can hold, if not),
with fixed permissions and no extra fields, and compressed at a fixed level. A
`.sha256` file beside the zip holds the zip's own checksum.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from generator.config.schema import Config
from generator.core.errors import UsageError
from generator.publish.folders import SiteFolders, last_published
from generator.publish.hosting import hosting_files

EARLIEST = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--, as unzip on Unix restores it
# Already compressed: deflating them again only costs time.
STORED = frozenset({".gz", ".png", ".jpg", ".jpeg", ".webp", ".woff", ".woff2",
                    ".pf_fragment", ".pf_index", ".pf_meta", ".pagefind", ".zip"})
LEVEL = 6

README = """Planning enforcement site: {name}
Built from the data of {date}.

site/        The whole website. Copy everything in it to the web server's folder for
             the site, replacing what is there (delete files that are no longer in it).
SHA256SUMS   Checksums of every file in site/. To check the copy is complete:
             sha256sum -c SHA256SUMS   (Linux, macOS; on Windows: Get-FileHash)
hosting/     Ready-made server settings: security headers, caching and file types.
             nginx.conf (nginx), .htaccess (Apache), web.config (IIS: put it in the
             site's root folder), staticwebapp.config.json (Azure Static Web Apps),
             _headers (Netlify, Cloudflare Pages), cloudfront-*.json/js and
             s3-upload.sh (Amazon S3 with CloudFront).

The site is plain files: it needs no database, no server-side code and no
third-party service, except the map tiles from {tiles}.
The full guide is docs/publishing.md in the project.
"""


@dataclass(frozen=True)
class Packaged:
    zip_path: Path
    files: int
    sha256: str


def write_package(site_dir: Path, out: Path, config: Config) -> Packaged:
    """Write the zip of the site published in `site_dir` to `out`, atomically."""
    root = site_dir.resolve()
    if not (root / "index.html").is_file():
        raise UsageError(f"there is no built site in {site_dir} (no index.html): run "
                         "'enforcement-site build' first, or give --site-dir")
    files = sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*")
                   if p.is_file())
    when = _date_of(site_dir)
    sums = []
    temporary = out.with_name(out.name + ".partial")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(temporary, "w") as archive:
            for name, path in files:
                data = path.read_bytes()
                sums.append(f"{hashlib.sha256(data).hexdigest()}  site/{name}\n")
                _add(archive, f"site/{name}", data, when)
            _add(archive, "SHA256SUMS", "".join(sums).encode(), when)
            for hosting in hosting_files(config):
                _add(archive, f"hosting/{hosting.name}", hosting.text.encode(), when)
            readme = README.format(name=config.site_name, date=_day(when),
                                   tiles=config.tiles.name or config.tiles.url)
            _add(archive, "README.txt", readme.replace("\n", "\r\n").encode(), when)
        digest = hashlib.sha256(temporary.read_bytes()).hexdigest()
        os.replace(temporary, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    out.with_name(out.name + ".sha256").write_text(f"{digest}  {out.name}\n",
                                                   encoding="utf-8")
    return Packaged(out, len(files), digest)


def _add(archive: zipfile.ZipFile, name: str, data: bytes,
         when: tuple[int, int, int, int, int, int]) -> None:
    info = zipfile.ZipInfo(name, date_time=when)
    info.create_system = 3  # Unix, wherever the zip is made, so the mode is read
    info.external_attr = FILE_MODE
    stored = Path(name).suffix.lower() in STORED
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    archive.writestr(info, data, compresslevel=None if stored else LEVEL)


def _date_of(site_dir: Path) -> tuple[int, int, int, int, int, int]:
    """The export date the published build recorded, as a zip date."""
    recorded = last_published(SiteFolders.beside(site_dir)) or {}
    try:
        day = dt.date.fromisoformat(str(recorded.get("export date")))
    except ValueError:
        return EARLIEST
    return (day.year, day.month, day.day, 0, 0, 0) if day.year >= 1980 else EARLIEST


def _day(when: tuple[int, int, int, int, int, int]) -> str:
    return "an unknown date" if when == EARLIEST else dt.date(*when[:3]).isoformat()
