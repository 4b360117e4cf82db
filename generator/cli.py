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
    _say("Rows read and what happened to them:")
    _say(build.ledger.table())
    errors, warnings = len(build.problems.errors), len(build.problems.warnings)
    _say(f"\n{errors} error(s) and {warnings} warning(s). A row with an error is left out; "
         "a warning keeps it.")
    if errors or warnings:
        _say(build.problems.table(limit=20))


def cmd_build(args: argparse.Namespace) -> int:
    from generator.app.build import build
    from generator.app.reports import write_summary
    from generator.app.result import BuildFailed

    try:
        result = build(args.config, args.mkdocs, args.site_dir, args.reports_dir,
                       strict=args.strict, today=args.today, accept_drop=args.accept_drop)
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
    _say(f"\nSite built in {args.site_dir}/; reports in {args.reports_dir}/.")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from generator.app.prepare import validate_export
    from generator.app.result import BuildFailed

    try:
        result = validate_export(args.config, args.reports_dir, args.today or dt.date.today())
    except BuildFailed as exc:  # only the reports could not be written
        _err(f"Validation failed: {exc}")
        return EXIT_DATA
    _summary(result)
    _say(f"\nThe full list is in {args.reports_dir}/issues.csv.")
    return EXIT_DATA if result.problems.errors else EXIT_OK


def cmd_sample(args: argparse.Namespace) -> int:
    from generator.dev.sample import write_sample

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

    load_config(args.config)  # fail early, with every problem listed
    plugin.allow_preview(prepare_for_mkdocs)
    _say(f"Previewing at http://{args.dev_addr}/ (Ctrl+C to stop). Edited pages in "
         "site_src/ show on save.")
    serve(config_file=str(args.mkdocs), dev_addr=args.dev_addr, livereload=True)
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
        p.add_argument("--reports-dir", type=Path, default=Path("reports"),
                       help="where reports are written (default: reports)")
        p.add_argument("--today", type=_date, default=None,
                       help="treat this date as today (for checking dates in the future)")

    p = sub.add_parser("build", help="validate, anonymise and build the whole site",
                       description="Read the export, check it, anonymise it and build the "
                       "site into a staging folder; publish it over the old site only if "
                       "every check passes.")
    common(p)
    p.add_argument("--mkdocs", type=Path, default=Path("mkdocs.yml"))
    p.add_argument("--site-dir", type=Path, default=Path("site"),
                   help="where the site is published (default: site)")
    p.add_argument("--strict", action="store_true",
                   help="fail if any row has an error, instead of leaving the row out")
    p.add_argument("--accept-drop", action="store_true",
                   help="publish even if the register lost many entries or many rows "
                   "have errors (see 'publish' in the configuration)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check the export and report every problem",
                       description="Check the export without building. Prints the "
                       "problems and writes reports/issues.csv. Exits 1 if any row has an "
                       "error.")
    common(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("sample", help="write a synthetic export of a fictional district",
                       description="Write a synthetic back-office export (same seed, same "
                       "bytes) for trying the generator out and for tests.")
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
    p.add_argument("--mkdocs", type=Path, default=Path("mkdocs.yml"))
    p.add_argument("--dev-addr", default="127.0.0.1:8000")
    p.set_defaults(func=cmd_serve)
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
