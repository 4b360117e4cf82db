"""The Content Security Policy every page carries, as a <meta http-equiv> in its head.

A static site has no server headers to rely on (GitHub Pages sets none), so the policy
travels in the page: theme/main.html writes a placeholder, and the MkDocs plugin
replaces it once the page is final, with the hashes of the page's own inline scripts
(Material's two small ones). Scripts, styles, fonts and fetches come from the site
only; images from the site, `data:` and the configured map tile host.

`header_policy` is the header docs/publishing.md gives for a server that can send one:
it adds what a <meta> cannot carry (frame-ancestors), and it also governs the files a
page's <meta> does not, such as Pagefind's worker, which compiles WebAssembly
('wasm-unsafe-eval' allows that, not JavaScript's eval).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

PLACEHOLDER = 'content="CONTENT-SECURITY-POLICY"'
_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SRC = re.compile(r"\ssrc\s*=", re.I)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]*)""", re.I)
_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
def inline_script_hashes(page: str) -> list[str]:
    """The CSP hash sources of the scripts written into `page` itself, in order, once
    each. Data blocks (type="application/json") are not run, so need none."""
    hashes: list[str] = []
    for match in _INLINE_SCRIPT.finditer(page):
        attributes, body = match.groups()
        kind = _TYPE.search(attributes)
        if _SRC.search(attributes) or (kind and kind.group(1).lower() not in _SCRIPT_TYPES):
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def _directives(tiles: str, scripts: list[str]) -> list[str]:
    images = ["'self'", "data:", *([tiles] if tiles else [])]
    return [
        "default-src 'none'",
        "script-src " + " ".join(scripts),
        "style-src 'self'",
        "img-src " + " ".join(images),
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]


def policy(tiles: str, script_hashes: Iterable[str], *, preview: bool = False) -> str:
    """The policy for one page. `preview` (`enforcement-site serve`) allows inline
    scripts instead of listing hashes: MkDocs' live reload adds one to every page as it
    serves it."""
    scripts = ["'self'", *(["'unsafe-inline'"] if preview else script_hashes)]
    return "; ".join(_directives(tiles, scripts))


def header_policy(tiles: str) -> str:
    """The Content-Security-Policy header for a server. A browser enforces it and each
    page's own policy together, so 'unsafe-inline' here still lets only the inline
    scripts a page's policy lists by hash run; a header cannot list them, as they
    differ from page to page."""
    scripts = ["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'"]
    return "; ".join([*_directives(tiles, scripts), "frame-ancestors 'none'"])


def with_policy(page: str, tiles: str, *, preview: bool = False) -> str:
    """`page` with its placeholder replaced by its policy; ValueError when the page has
    no placeholder (every page must carry the policy)."""
    if PLACEHOLDER not in page:
        raise ValueError("the page has no Content-Security-Policy placeholder "
                         "(theme/main.html writes it into every page's head)")
    value = policy(tiles, inline_script_hashes(page), preview=preview)
    return page.replace(PLACEHOLDER, f'content="{value}"', 1)
