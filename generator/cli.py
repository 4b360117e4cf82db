"""The `enforcement-site` command.

Exit codes: 0 success; 1 the data, the built site or the machine failed (bad rows with
--strict, unreadable export files, a privacy leak, a full disk); 2 a usage or
configuration error, or another build of the same site running. Every failure the
command explains is a GeneratorError that carries its exit code (core/errors.py); no
traceback reaches the user unless --debug is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from generator.config.schema import load_config
from generator.core.errors import EXIT_DATA, EXIT_OK, EXIT_USAGE, GeneratorError, UsageError


def _say(message: str = "") -> None:
    print(message, file=sys.stdout)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-09-30") from None


def _summary(build: object) -> None:
    from generator.app.result import Build

    assert isinstance(build, Build)
    _say("Data from the export. Rows read and what happened to them:")
    _say(build.ledger.table())
    errors, warnings = len(build.problems.errors), len(build.problems.warnings)
    _say(f"\n{errors} error(s) and {warnings} warning(s). A row with an error is left out; "
         "a warning keeps it.")
    if errors or warnings:
        _say(build.problems.grouped(limit=20))


def _beside_config(args: argparse.Namespace) -> None:
    """Paths not given on the command line are beside the configuration file, so that a
    council's own folder builds from anywhere (and the repository's root, where the
    configuration is ./enforcement-site.yml, as before)."""
    folder = args.config.parent
    for name, default in (("mkdocs", "mkdocs.yml"), ("site_dir", "site"),
                          ("reports_dir", "reports")):
        if getattr(args, name, "absent") is None:
            setattr(args, name, folder / default)
    if getattr(args, "mkdocs", None) is not None and not args.mkdocs.exists() \
            and args.mkdocs == folder / "mkdocs.yml":
        # A folder with only a configuration and a mapping: the tool's own pages and
        # theme (the site is still written beside the configuration).
        from generator.app.init_project import tool_root

        if (tool_root() / "mkdocs.yml").exists():
            args.mkdocs = tool_root() / "mkdocs.yml"
            _say(f"No mkdocs.yml in {folder}/: using the tool's own pages and theme "
                 "('enforcement-site init' makes a folder with pages of your own).")


def cmd_init(args: argparse.Namespace) -> int:
    from generator.app.init_project import init_project
    from generator.dev.sample import write_sample

    written = init_project(args.folder, force=args.force)
    export = args.folder / "data" / "export"
    if not any(export.glob("*.csv")) and not any(export.glob("*.xlsx")):
        write_sample(export, cases=400, notices=40)  # so that the folder builds at once
    _say(f"Made a project folder in {args.folder}/ ({len(written)} files and folders, and "
         "a sample export in data/export/). Next: put your export in data/export/, "
         "change data/mapping.yml to match it, then run 'enforcement-site validate' and "
         "'enforcement-site build' in that folder. See its README.md.")
    return EXIT_OK


def _content_summary(build: object, reports_dir: Path) -> None:
    """The pages comms staff write: a section of its own, after the data's."""
    from generator.app.reports import content_table
    from generator.app.result import Build

    assert isinstance(build, Build)
    content = build.content
    _say(f"\nPages in site_src/: {len(content.errors)} error(s) and "
         f"{len(content.warnings)} warning(s).")
    if len(content):
        _say(content_table(content, limit=50))
        _say(f"The list, with what to do about each, is in {reports_dir}/content.csv.")


def cmd_build(args: argparse.Namespace) -> int:
    from generator.app.build import build
    from generator.app.reports import write_summary
    from generator.app.result import BuildFailed
    from generator.app.tracker_key import load_tracker_key

    _beside_config(args)
    key = load_tracker_key(args.tracker_key_file, args.config.absolute().parent)
    try:
        result = build(args.config, args.mkdocs, args.site_dir, args.reports_dir,
                       strict=args.strict, today=args.today, accept_drop=args.accept_drop,
                       tracker_key=key)
    except BuildFailed as exc:  # the build wrote reports/summary.md itself
        _err(f"Build failed: {exc}")
        if exc.published:
            _err(f"The new site was published in {args.site_dir}/.")
        else:
            _err(f"The previous site in {args.site_dir}/ was left as it was. "
                 f"Reports are in {args.reports_dir}/.")
        return EXIT_DATA
    except GeneratorError as exc:  # the configuration, or another build running
        write_summary(args.reports_dir.absolute(), None, exc)
        raise
    _summary(result)
    _content_summary(result, args.reports_dir)
    if key is None:
        _say("\nThe case tracker is off: no key was given (docs/tracker.md).")
    else:
        _say(f"\nThe case tracker follows {len(result.tracker_codes):,} cases; the codes "
             f"for letters are in {args.reports_dir}/tracker-codes.csv (keep it private).")
    _say(f"\nSite built in {args.site_dir}/; reports in {args.reports_dir}/.")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from generator.app.prepare import validate_export
    from generator.app.result import BuildFailed

    _beside_config(args)
    try:
        result = validate_export(args.config, args.reports_dir, args.today or dt.date.today())
    except BuildFailed as exc:  # only the reports could not be written
        _err(f"Validation failed: {exc}")
        return EXIT_DATA
    _summary(result)
    _say(f"\nThe full list is in {args.reports_dir}/issues.csv.")
    return EXIT_DATA if result.problems.errors else EXIT_OK


def cmd_tracker_codes(args: argparse.Namespace) -> int:
    from generator.app.prepare import codes_for_letters
    from generator.app.result import BuildFailed
    from generator.app.tracker_key import ENVIRONMENT_VARIABLE, load_tracker_key

    key = load_tracker_key(args.tracker_key_file, args.config.absolute().parent)
    if key is None:
        raise UsageError(f"no tracker key: set {ENVIRONMENT_VARIABLE} or give "
                         "--tracker-key-file (docs/tracker.md)")
    try:
        result = codes_for_letters(args.config, args.reports_dir,
                                   args.today or dt.date.today(), key)
    except BuildFailed as exc:
        _err(f"The codes could not be made: {exc}")
        return EXIT_DATA
    _say(f"Wrote the access codes of {len(result.tracker_codes):,} cases to "
         f"{args.reports_dir}/tracker-codes.csv (keep it private).")
    return EXIT_OK


def cmd_sample(args: argparse.Namespace) -> int:
    from generator.dev.sample import write_sample

    if args.profile == "register-archive":
        from generator.dev.archive import write_archive

        if args.rows < 20:
            raise UsageError("--rows must be at least 20")
        archive = write_archive(args.out, seed=args.seed, rows=args.rows)
        _say(f"Wrote a register archive to {args.out}/: {archive}")
        return EXIT_OK

    if args.cases < 1 or args.notices < 0:
        raise UsageError("--cases must be at least 1 and --notices at least 0")
    if args.wards and not args.wards.is_file():
        raise UsageError(f"--wards: file {args.wards} not found")
    summary = write_sample(args.out, seed=args.seed, cases=args.cases, notices=args.notices,
                           wards_file=args.wards, until=args.until,
                           ward_code_property=args.ward_code_property,
                           ward_name_property=args.ward_name_property)
    _say(f"Wrote a sample export to {args.out}/: {summary}")
    return EXIT_OK


def cmd_package(args: argparse.Namespace) -> int:
    from generator.publish.package import write_package

    packaged = write_package(args.site_dir, args.out, load_config(args.config))
    _say(f"Wrote {packaged.zip_path} ({packaged.files:,} files of the site in "
         f"{args.site_dir}/, with SHA256SUMS, hosting/ and README.txt).")
    _say(f"Its SHA-256 checksum, {packaged.sha256}, is in {packaged.zip_path}.sha256.")
    return EXIT_OK


def cmd_hosting(args: argparse.Namespace) -> int:
    from generator.publish.hosting import hosting_files

    config = load_config(args.config)
    args.out.mkdir(parents=True, exist_ok=True)
    for hosting in hosting_files(config):
        (args.out / hosting.name).write_text(hosting.text, encoding="utf-8")
        _say(f"{args.out / hosting.name}: {hosting.purpose}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve

    from generator.app.prepare import prepare_for_mkdocs
    from generator.render import plugin

    _beside_config(args)
    load_config(args.config)  # fail early, with every problem listed
    today = args.today
    plugin.allow_preview(lambda path: prepare_for_mkdocs(path, today))
    _say(f"Previewing at http://{args.dev_addr}/ (Ctrl+C to stop). Edited pages in "
         "site_src/ show on save; a page that cannot be built shows what to fix, and "
         "each page shows its warnings at the top.")
    serve(config_file=str(args.mkdocs), dev_addr=args.dev_addr, livereload=True)
    return EXIT_OK


def cmd_check_links(args: argparse.Namespace) -> int:
    from generator.app.check_links import REPORT, check_links

    config = load_config(args.config)
    if not args.pages.is_dir():
        raise UsageError(f"--pages: folder {args.pages} not found")
    report = check_links(args.pages, config, args.reports_dir, args.today or dt.date.today())
    _say(f"{len(report.rows)} link(s) to other websites; {len(report.broken)} broken.")
    for link, answer in report.broken:
        _say(f"BROKEN  site_src/{link.page}, line {link.line}: {link.url}: {answer.reason}")
    if report.broken:
        _say("Correct or remove each broken link; if a site refuses checks but works in a "
             "browser, add the address to 'content.ignore_links' in the configuration.")
    _say(f"The list is in {args.reports_dir}/{REPORT}.")
    return EXIT_DATA if report.broken else EXIT_OK


def cmd_usage(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from generator.app.usage import REPORT, count, write_report

    config = load_config(args.config)
    if not config.usage.server_log_counts:
        raise UsageError("page counts are off: set 'usage: server_log_counts: true' in "
                         f"{args.config} first, so that the privacy notice says the "
                         "site counts page views, then build the site")
    missing = [str(log) for log in args.logs if not log.is_file()]
    if missing:
        raise UsageError("log file(s) not found: " + ", ".join(missing))
    base_path = urlsplit(config.site.url).path or "/"
    usage = count(args.logs, base_path)
    rows = write_report(usage, args.pages, args.reports_dir)
    if usage.first and usage.last:
        _say(f"Page views from {usage.first:%-d %B %Y} to {usage.last:%-d %B %Y} "
             f"({sum(usage.views.values()):,} views of {len(rows):,} pages):")
    else:
        _say("No page views found in the logs.")
    for address, views, source, reviewed in rows[:args.top]:
        detail = f"  ({source}, last reviewed {reviewed})" if source else ""
        _say(f"{int(views):>8,}  {address}{detail}")
    if usage.unreadable:
        _say(f"{usage.unreadable:,} of {usage.lines:,} lines were not in the Common or "
             "Combined Log Format and were not counted.")
    _say(f"The full list is in {args.reports_dir}/{REPORT}.")
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enforcement-site",
        description="Build a council's planning enforcement transparency site from its "
                    "back-office export.")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback when something goes wrong")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", type=Path, default=Path("enforcement-site.yml"),
                       help="site configuration (default: enforcement-site.yml)")
        p.add_argument("--reports-dir", type=Path, default=None,
                       help="where reports are written (default: reports, beside the "
                       "configuration file)")
        p.add_argument("--today", type=_date, default=None,
                       help="treat this date as today (for checking dates in the future)")

    def tracker_key_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--tracker-key-file", type=Path, default=None,
                       help="file holding the case tracker's secret key, outside the "
                       "project folder (instead of the ENFORCEMENT_SITE_TRACKER_KEY "
                       "environment variable); without a key the tracker is off. See "
                       "docs/tracker.md")

    p = sub.add_parser("build", help="validate, anonymise and build the whole site",
                       description="Read the export, check it, anonymise it and build the "
                       "site into a staging folder; publish it over the old site only if "
                       "every check passes.")
    common(p)
    p.add_argument("--mkdocs", type=Path, default=None,
                   help="MkDocs configuration (default: mkdocs.yml beside the "
                   "configuration file)")
    p.add_argument("--site-dir", type=Path, default=None,
                   help="where the site is published (default: site, beside the "
                   "configuration file)")
    p.add_argument("--strict", action="store_true",
                   help="fail if any row has an error, instead of leaving the row out")
    p.add_argument("--accept-drop", action="store_true",
                   help="publish even if the register lost many entries or many rows "
                   "have errors (see 'publish' in the configuration)")
    tracker_key_option(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check the export and report every problem",
                       description="Check the export without building. Prints the "
                       "problems and writes reports/issues.csv. Exits 1 if any row has an "
                       "error.")
    common(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("tracker-codes", help="write the case tracker's access codes for "
                       "letters, without building the site",
                       description="Read the export and write reports/tracker-codes.csv: "
                       "each tracked case's access code, for the letters the council "
                       "sends. Needs the same key as the build (docs/tracker.md).")
    common(p)
    tracker_key_option(p)
    p.set_defaults(func=cmd_tracker_codes)

    p = sub.add_parser("sample", help="write a synthetic export of a fictional district",
                       description="Write a synthetic back-office export (same seed, same "
                       "bytes) for trying the generator out and for tests.")
    p.add_argument("--profile", choices=("northbrook", "register-archive"),
                   default="northbrook",
                   help="northbrook: a nightly cases and notices export (the default); "
                   "register-archive: one file of scanned register documents, 1951 to "
                   "2019, with a gazetteer and a postcode file (docs/mapping.md)")
    p.add_argument("--rows", type=int, default=1172,
                   help="rows of the register archive (default: 1172)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cases", type=int, default=3000)
    p.add_argument("--notices", type=int, default=150)
    p.add_argument("--out", type=Path, required=True, help="folder to write into")
    p.add_argument("--wards", type=Path, default=None,
                   help="place cases inside the wards of this GeoJSON file instead of "
                   "synthetic wards")
    p.add_argument("--ward-code-property", default="code")
    p.add_argument("--ward-name-property", default="name")
    p.add_argument("--until", type=_date, default=dt.date(2026, 9, 30),
                   help="last date in the sample (default: 2026-09-30)")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("init", help="make a council's own project folder",
                       description="Make a folder with the council's own configuration, "
                       "mapping, Markdown pages, theme overrides and nightly workflow, "
                       "which builds with the installed tool; every path in it is "
                       "relative to its configuration file.")
    p.add_argument("folder", type=Path, help="the folder to make")
    p.add_argument("--force", action="store_true",
                   help="overwrite the tool's files in a folder made before")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("package", help="write the built site as a zip for a web team",
                       description="Write the published site, a SHA256SUMS file of its "
                       "files, ready-made server configuration and a README into one "
                       "zip. The same site always gives a byte-identical zip.")
    p.add_argument("--config", type=Path, default=Path("enforcement-site.yml"),
                   help="site configuration (default: enforcement-site.yml)")
    p.add_argument("--site-dir", type=Path, default=Path("site"),
                   help="the built site (default: site)")
    p.add_argument("--out", type=Path, default=Path("site.zip"),
                   help="the zip to write (default: site.zip); its checksum goes in "
                   "the same name with .sha256")
    p.set_defaults(func=cmd_package)

    p = sub.add_parser("hosting", help="write server configuration for the site",
                       description="Write the security headers, caching rules and file "
                       "types for nginx, Apache, IIS, Azure Static Web Apps, Netlify or "
                       "Cloudflare Pages and Amazon S3 with CloudFront "
                       "(docs/publishing.md says where each goes).")
    p.add_argument("--config", type=Path, default=Path("enforcement-site.yml"),
                   help="site configuration (default: enforcement-site.yml)")
    p.add_argument("--out", type=Path, default=Path("hosting"),
                   help="folder to write into (default: hosting)")
    p.set_defaults(func=cmd_hosting)

    p = sub.add_parser("serve", help="preview the site while editing pages",
                       description="Build the data once, then preview the site; edited "
                       "Markdown pages show on save.")
    common(p)
    p.add_argument("--mkdocs", type=Path, default=None)
    p.add_argument("--dev-addr", default="127.0.0.1:8000")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("check-links", help="check the links to other websites",
                       description="Request every link from the pages in site_src/ to "
                       "another website, and write reports/links.csv. Needs the network: "
                       "the build checks links between the site's own pages, this checks "
                       "the rest. Exits 1 if a link is broken.")
    common(p)
    p.add_argument("--pages", type=Path, default=Path("site_src"),
                   help="the pages to check (default: site_src)")
    p.set_defaults(func=cmd_check_links)

    p = sub.add_parser("usage", help="count page views from the web server's logs",
                       description="Count how often each page was read, from the web "
                       "server's own access logs (Common or Combined Log Format, .gz "
                       "allowed). Keeps a count per page, nothing about who read it; "
                       "writes reports/usage.csv. Needs 'usage: server_log_counts: true' "
                       "in the configuration.")
    common(p)
    p.add_argument("logs", type=Path, nargs="+", metavar="LOG",
                   help="access log files, such as /var/log/nginx/access.log*")
    p.add_argument("--pages", type=Path, default=Path("site_src"),
                   help="the comms pages, to name each page's file (default: site_src)")
    p.add_argument("--top", type=int, default=20, help="how many pages to print")
    p.set_defaults(func=cmd_usage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # --help, or a usage error argparse has explained
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        _err("Stopped.")
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the one place errors become messages
        if args.debug:
            traceback.print_exc()
        if isinstance(exc, GeneratorError):
            _err(exc.explain())
            return exc.exit_code
        if isinstance(exc, OSError):
            # Reading or writing a file the command needs (not the export: that is a
            # data error with its own message) failed: a full disk, a read-only folder.
            where = f"{exc.filename} " if exc.filename else ""
            _err(f"A file could not be read or written: {where}{exc.strerror or exc}")
            return EXIT_DATA
        _err(f"Unexpected error: {type(exc).__name__}: {exc}. Run again with --debug "
             "to see the details, and please report it.")
        return EXIT_DATA


def run() -> NoReturn:
    """The `enforcement-site` command: `main`, then the process ends at once. Python
    would otherwise free every object the build made, one at a time, before exiting;
    everything the build wrote is closed by then, its leak scan's process is shut
    down, and what remains to flush (logging, standard output) is flushed here. This is
    the one place the program skips Python's own exit."""
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
