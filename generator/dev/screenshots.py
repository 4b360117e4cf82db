"""`make screenshots`: every page type of a built site, photographed at phone and
desktop widths, for people to look at (what no automatic check sees: is it readable,
does it look like the council's service).

    python -m generator.dev.screenshots [--site site] [--out screenshots] [--widths 390,1280]

Writes `<page type>-<width>.png` (the whole page) into --out, a folder outside the
site that git ignores. Pages are served from 127.0.0.1; map tiles get a blank grey
square and any other host is refused, so nothing leaves the machine. Uses Debian's
chromium (`make browser`), as the browser tests do.
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import json
import threading
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# A 1x1 light grey PNG, served for every map tile.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mN4+vQpAAWkAsSxw0GlAAAAAElFTkSuQmCC")


def page_types(site: Path) -> dict[str, str]:
    """One URL path of each type of page, found in the built site."""
    letters = sorted(p.name for p in (site / "register" / "address").iterdir() if p.is_dir()
                     and (p / "index.html").is_file())
    entries = json.loads((site / "downloads" / "register.json").read_text("utf-8"))["entries"]
    entry_pages = sorted(p.parent.name for p in (site / "register" / "entries").glob(
        "*/index.html"))
    with_point = next((e["reference"] for e in entries if e.get("point")), None)
    entry = entry_pages[0] if entry_pages else ""
    if with_point:
        squeezed = "".join(c for c in with_point.lower() if c.isalnum())
        entry = next((s for s in entry_pages if s.replace("-", "") == squeezed), entry)
    return {
        "home": "/", "content-faq": "/faq/", "content-buying": "/buying-a-property/",
        "register": "/register/", "register-streets": "/register/address/",
        "register-address": f"/register/address/{letters[0]}/" if letters else "/register/",
        "register-entry": f"/register/entries/{entry}/", "map-register": "/maps/register/",
        "map-cases": "/maps/cases/", "statistics": "/statistics/",
        "quarterly-report": "/statistics/quarterly-report/",
        "search": "/search/?q=" + (entries[0]["reference"] if entries else "notice"),
        "not-found": "/no-such-page/",
    }


class _Site(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(str(self.directory)) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def shoot(site: Path, out: Path, widths: list[int]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Site, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    out.mkdir(parents=True, exist_ok=True)
    written = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(base) or url.startswith(("data:", "blob:")):
            route.continue_()
        elif url.endswith(".png"):
            route.fulfill(status=200, content_type="image/png", body=TILE)
        else:
            route.abort("blockedbyclient")

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--no-sandbox", "--disable-gpu"])
            for width in widths:
                context = browser.new_context(viewport={"width": width, "height": 900})
                context.route("**/*", route)
                page = context.new_page()
                for name, path in page_types(site).items():
                    page.goto(base + path, wait_until="networkidle")
                    page.wait_for_timeout(300)  # maps and search draw after loading
                    target = out / f"{name}-{width}.png"
                    page.screenshot(path=target, full_page=True)
                    written.append(target)
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPO / "site")
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    parser.add_argument("--widths", default="390,1280")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"no built site in {args.site}: run `make site` first")
    widths = [int(w) for w in args.widths.split(",")]
    for path in shoot(args.site.resolve(), args.out, widths):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
