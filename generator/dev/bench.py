"""`make bench`: build synthetic exports at three scales and print what it costs.

For each scale: total and per-stage time, peak memory, output size and file count, and
the gzipped weight of the pages people load most. Also a plain MkDocs-with-Material
build of the same number of register pages written as Markdown (what a council would
try first), and redaction throughput. Figures are printed and written to
reports/bench.json; nothing here asserts a time.

    python -m generator.dev.bench [--scales small,medium,large] [--out reports/bench.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]  # generator/dev/bench.py -> the repository
SCALES = {"small": (2_000, 200), "medium": (20_000, 2_000), "large": (200_000, 20_000)}


def _project(root: Path, cases: int, notices: int) -> Path:
    """A project folder with a generated export; returns its configuration file."""
    from generator.dev.sample import write_sample

    write_sample(root / "export", seed=1, cases=cases, notices=notices)
    shutil.copy(REPO / "data" / "mapping.yml", root / "mapping.yml")
    config = yaml.safe_load((REPO / "enforcement-site.yml").read_text())
    config["data"].update({"export_dir": "export", "mapping": "mapping.yml",
                           "wards": "export/wards.geojson"})
    (root / "enforcement-site.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    mkdocs = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    mkdocs["docs_dir"] = str(REPO / "site_src")
    mkdocs["theme"]["custom_dir"] = str(REPO / "theme")
    (root / "mkdocs.yml").write_text(yaml.safe_dump(mkdocs, sort_keys=False))
    return root / "enforcement-site.yml"


def _run_child(code: str, cwd: Path,
               timeout: float | None = None) -> tuple[float, float, float, str]:
    """Run Python code in a fresh process: (seconds, peak MB of that process, peak MB of
    it and every process it started together, stdout). The processes it starts are the
    leak scanner (and the workers it forks) and Pagefind; they are measured by
    proportional set size, so memory that forked workers share is counted once."""
    wrapper = ("import resource, sys, time\nstart = time.perf_counter()\n" + code +
               "\nprint('@@', time.perf_counter() - start, "
               "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    process = subprocess.Popen([sys.executable, "-c", wrapper], cwd=cwd, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0.0]
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(0.2):
            peak[0] = max(peak[0], _tree_memory_mb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    finally:
        sampling.set()
        sampler.join()
    if process.returncode != 0:
        raise RuntimeError(err[-2000:])
    last = [line for line in out.splitlines() if line.startswith("@@")][-1]
    _, seconds, rss_kb = last.split()
    own = int(rss_kb) / 1024
    return float(seconds), own, max(peak[0], own), out


def _tree_memory_mb(pid: int) -> float:
    """Memory of `pid` and its descendants now (0 where /proc is not): the resident set
    of `pid` itself, which shares no memory with them (read from its status, which does
    not hold up the build as reading its page map would), and the proportional set size
    of the others, so that the leak scanner's forked workers count what they share
    once. A process younger than a tenth of a second is passed over (its children are
    not): one forked a moment ago that has not yet started its own program still
    reports its parent's memory as its own."""
    total_kb, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            if current == pid:
                total_kb += _status_kb(current, "VmRSS:")
            elif _age_seconds(current) >= 0.1:
                with open(f"/proc/{current}/smaps_rollup") as rollup:
                    total_kb += next((int(line.split()[1]) for line in rollup
                                      if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue  # it has just ended
    return total_kb / 1024


def _status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next((int(line.split()[1]) for line in status if line.startswith(field)), 0)


def _age_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        # The start time is field 22, counted after the ')' that ends the command name.
        started = int(stat.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as uptime:
        return float(uptime.read().split()[0]) - started / os.sysconf("SC_CLK_TCK")


def _gzip_kb(paths: list[Path]) -> float:
    return round(sum(len(gzip.compress(p.read_bytes(), 9)) for p in paths if p.exists())
                 / 1024, 1)


def _page_weights(site: Path) -> dict[str, float]:
    entries = sorted((site / "register" / "entries").iterdir())
    entry = entries[len(entries) // 2] / "index.html" if entries else site / "missing"
    return {
        "home": _gzip_kb([site / "index.html"]),
        "register index": _gzip_kb([site / "register" / "index.html"]),
        "register entry": _gzip_kb([entry]),
        "register map (page + data)": _gzip_kb([site / "maps" / "register" / "index.html",
                                                site / "maps" / "register-map.js"]),
        "statistics": _gzip_kb([site / "statistics" / "index.html"]),
        "search for a reference (page + index)": _gzip_kb(_reference_search_files(site)),
    }


def _reference_search_files(site: Path) -> list[Path]:
    """What the search page loads to find one entry by its reference: the page, its
    script, the index's description, the shards of the reference's words and the
    results' first chunk (pages/register_search.py)."""
    from generator.site.register_search import FOLDER, words

    index = site / FOLDER
    meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    title = json.loads((index / "entries" / "0.json").read_text(encoding="utf-8"))[0][1]
    found = words(title.rsplit(" ", 1)[-1])
    keys = {w[:meta["key_length"]] for w in [*found, "".join(found)]}
    return [site / "search" / "index.html", site / "assets" / "search.js",
            index / "meta.json", index / "entries" / "0.json",
            *(index / "terms" / f"{key}.json" for key in sorted(keys & set(meta["shards"])))]


def _size(site: Path) -> tuple[float, int]:
    files = [p for p in site.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 1024 / 1024, 1), len(files)


# The two plain MkDocs set-ups a council might try instead of this tool, rendering the
# same register entries as Markdown pages with the Material theme. "strong" is the
# fastest sensible one: a short explicit nav (MkDocs' automatic nav puts every page in
# every page's menu, which is quadratic in pages) and no search plugin. "automatic" is
# what a first try gives: automatic nav and the built-in search.
BASELINES = {
    "strong": "nav:\n  - Register: index.md\nplugins: []\n",
    "automatic": "plugins:\n  - search\n",
}


def _plain_docs(root: Path, site: Path) -> tuple[Path, int]:
    """A docs folder with one Markdown page per published register entry, holding the
    entry's fields as the register's open data gives them; the folder and the count."""
    docs = root / "plain" / "docs"
    (docs / "register").mkdir(parents=True)
    (docs / "index.md").write_text("# Register\n")
    entries: list[dict] = []
    for download in sorted((site / "downloads").glob("*.json")):
        data = json.loads(download.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("entries"), list):
            entries.extend(data["entries"])
    for i, entry in enumerate(entries):
        rows = "".join(f"| {k} | {str(v).replace('|', '/')} |\n"
                       for k, v in entry.items() if v not in ("", None))
        (docs / "register" / f"entry-{i:06d}.md").write_text(
            f"# {entry.get('reference', i)}\n\n| Field | Value |\n| --- | --- |\n{rows}",
            encoding="utf-8")
    return docs, len(entries)


def _baseline(root: Path, kind: str, timeout: float) -> float | None:
    """Seconds for plain MkDocs + Material (`kind`, one of BASELINES) over the pages
    `_plain_docs` wrote; None if it had not finished within `timeout` seconds."""
    project = root / "plain"
    (project / "mkdocs.yml").write_text(
        "site_name: Plain\ntheme:\n  name: material\n  font: false\n"
        f"site_dir: site-{kind}\n" + BASELINES[kind])
    try:
        seconds, _, _, _ = _run_child(
            "from mkdocs.config import load_config\nfrom mkdocs.commands.build import "
            "build\nbuild(load_config(config_file='mkdocs.yml'))", project, timeout)
    except subprocess.TimeoutExpired:
        return None
    finally:
        shutil.rmtree(project / f"site-{kind}", ignore_errors=True)
    return seconds


def _content_rebuild(project: Path) -> float:
    """Time to show an edited FAQ while previewing: the data prepared once, one full
    render, then the FAQ changed and the site rendered again, as `serve` does."""
    root = project.parent
    shutil.copytree(REPO / "site_src", root / "site_src")
    mkdocs = yaml.safe_load((root / "mkdocs.yml").read_text())
    mkdocs["docs_dir"] = str(root / "site_src")
    (root / "preview.yml").write_text(yaml.safe_dump(mkdocs, sort_keys=False))
    code = f"""
import datetime as dt, time
from pathlib import Path
from generator.config.schema import load_config
from generator.app.prepare import prepare, prepared_for_plugin
from generator.render.mkdocs import render_site
build = prepare(load_config(Path({str(project)!r})), dt.date.today())
prepared = prepared_for_plugin(build, dt.date.today())
mkdocs_yml, out = Path({str(root / 'preview.yml')!r}), Path({str(root / 'preview')!r})
render_site(prepared, mkdocs_yml, out, preview=True)
faq = Path({str(root / 'site_src' / 'faq.md')!r})
faq.write_text(faq.read_text() + "\\nOne more answer.\\n")
start = time.perf_counter()
render_site(prepared, mkdocs_yml, out, preview=True)
print('REBUILD', time.perf_counter() - start)
"""
    _, _, _, out = _run_child(code, REPO)
    return float(next(line.split()[1] for line in out.splitlines()
                      if line.startswith("REBUILD")))


def bench_scale(name: str, cases: int, notices: int, baseline: bool,
                baseline_timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        root = Path(tmp)
        config = _project(root, cases, notices)
        code = ("from pathlib import Path\nfrom generator.app.build import build\n"
                f"build(Path({str(config)!r}), Path({str(root / 'mkdocs.yml')!r}), "
                f"Path({str(root / 'site')!r}), Path({str(root / 'reports')!r}))")
        seconds, peak_mb, all_mb, _ = _run_child(code, REPO)
        stages = json.loads((root / "reports" / "build.json").read_text())["stage seconds"]
        size_mb, files = _size(root / "site")
        entries = len(list((root / "site" / "register" / "entries").iterdir()))
        result = {
            "cases": cases, "notices": notices, "register pages": entries,
            "total seconds": round(seconds, 1), "stage seconds": stages,
            "peak memory MB": round(peak_mb), "peak memory, all processes MB": round(all_mb),
            "output MB": size_mb, "output files": files,
            "gzipped KB": _page_weights(root / "site"),
        }
        if baseline:  # same run, same pages: ratios hold where absolute times do not
            _, pages = _plain_docs(root, root / "site")
            result["plain MkDocs pages"] = pages
            for kind in BASELINES:
                base = _baseline(root, kind, baseline_timeout)
                key = f"plain MkDocs ({kind}) seconds"
                if base is None:  # a lower bound: it was stopped
                    result[key] = f"> {baseline_timeout:.0f}"
                    result[f"speed-up over plain MkDocs ({kind})"] = \
                        f"> {baseline_timeout / seconds:.1f}"
                else:
                    result[key] = round(base, 1)
                    result[f"speed-up over plain MkDocs ({kind})"] = round(base / seconds, 2)
        result["content-only rebuild seconds"] = round(_content_rebuild(config), 1)
        return result


def redaction() -> dict:
    from generator.dev.bench_redact import run

    return run(names=100_000, texts=100_000)


def print_table(results: dict) -> None:
    for name, r in results.get("scales", {}).items():
        print(f"\n== {name}: {r['cases']:,} cases, {r['notices']:,} notices, "
              f"{r['register pages']:,} register pages ==")
        print(f"  total build           {r['total seconds']:>8} s")
        for stage, s in r["stage seconds"].items():
            print(f"    {stage:<28}{s:>8} s")
        print(f"  peak memory           {r['peak memory MB']:>8} MB (the build process; "
              f"with the leak scanner and Pagefind: {r['peak memory, all processes MB']} MB)")
        print(f"  output                {r['output MB']:>8} MB in {r['output files']:,} files")
        for page, kb in r["gzipped KB"].items():
            print(f"  gzipped {page:<38}{kb:>8} KB")
        for kind in BASELINES:  # the strong one first: it is the one to beat
            if f"plain MkDocs ({kind}) seconds" in r:
                print(f"  plain MkDocs, {kind + ':':<10} {r[f'plain MkDocs ({kind}) seconds']:>7}"
                      f" s for {r['plain MkDocs pages']:,} pages (this build is "
                      f"{r[f'speed-up over plain MkDocs ({kind})']}x faster; target 3x)")
        print(f"  content-only rebuild  {r['content-only rebuild seconds']:>8} s")
    if "redaction" in results:
        red = results["redaction"]
        print(f"\n== redaction: {red['names']:,} names over {red['texts']:,} texts ==")
        print(f"  build automaton {red['build_seconds']:.1f} s, redact "
              f"{red['redact_seconds']:.1f} s ({red['texts_per_second']:,.0f} texts/s)")
        print(f"  planted values left in: {red['leaked']} of {red['planted']:,}; clean "
              f"texts changed (false positives): {red['clean_texts_changed']} of "
              f"{red['clean_texts']:,}, and {red['sample_texts_changed']} of the "
              f"{red['sample_texts']} texts the sample export writes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.dev.bench")
    parser.add_argument("--scales", default="small,medium,large")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--baseline-timeout", type=float, default=1200,
                        help="stop the plain MkDocs build after this many seconds and "
                             "report the speed-up as a lower bound")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "bench.json")
    args = parser.parse_args(argv)
    machine = {"python": platform.python_version(), "machine": platform.machine(),
               "cpus": os.cpu_count(),
               "memory GB": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
                                  / 1024 ** 3)}
    results: dict = {"machine": machine, "scales": {}}
    print(f"Machine: {machine}")
    for name in args.scales.split(","):
        cases, notices = SCALES[name]
        print(f"Building the {name} scale ...", flush=True)
        results["scales"][name] = bench_scale(name, cases, notices, not args.no_baseline,
                                              args.baseline_timeout)
    results["redaction"] = redaction()
    print_table(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
