"""Check that two commits write byte-identical feeds: the proof a behaviour-preserving change needs.

    python benchmarks/same_feeds.py --ref 86029d8 [--new HEAD] [--sizes 1000,10000] [--jobs 2]
        [--new-flags "--referrer-policy="]

The reference commit's ``src`` is taken with ``git archive`` into a temporary folder and run
with ``PYTHONPATH`` pointing at it (same interpreter, same dependencies); the working tree's
``src`` is run the same way. Each posts folder — ``examples/posts`` and the benchmark corpora
(``generate.py``, laojia layout) — is built in every mode below by both, and every file of the
two output folders is compared byte for byte. Exit status 0 when everything is identical, 1
with the list of differing files otherwise.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run import SITE_FLAGS, corpus_for  # noqa: E402

#: The modes each folder is built in: default settings, everything (no budget, every item),
#: and each of those with category, tag and archive feeds.
MODES: dict[str, tuple[str, ...]] = {
    "default": (),
    "everything": ("--budget", "none", "--limit", "0"),
    "default+collections": ("--category-feeds", "--tag-feeds", "--archives"),
    "everything+collections": (
        "--budget",
        "none",
        "--limit",
        "0",
        "--category-feeds",
        "--tag-feeds",
        "--archives",
    ),
}


def extract_src(ref: str, into: Path) -> Path:
    """The ``src`` folder of commit ``ref``, extracted under ``into``."""
    archive = into / "src.tar"
    with archive.open("wb") as sink:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], stdout=sink, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def build(src: Path, posts: Path, out: Path, flags: Sequence[str], jobs: str) -> int:
    """Run ``laojia-feed build`` from ``src``; its exit status."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    argv = [sys.executable, "-m", "laojia_feed", "build", str(posts), "--out", str(out)]
    argv += [*SITE_FLAGS, "--jobs", jobs, "-q", *flags]
    return subprocess.run(argv, env=env, check=False, stdout=subprocess.DEVNULL).returncode


def differences(left: Path, right: Path) -> list[str]:
    """Relative paths that are in only one folder or differ in content."""
    missing = [str(folder) for folder in (left, right) if not folder.is_dir()]
    if missing:
        return [f"(no output folder: {', '.join(missing)})"]
    found: list[str] = []
    compared = filecmp.dircmp(left, right)
    stack = [(compared, "")]
    while stack:
        node, prefix = stack.pop()
        found += [prefix + name for name in node.left_only + node.right_only]
        _, mismatch, errors = filecmp.cmpfiles(
            node.left, node.right, node.common_files, shallow=False
        )
        found += [prefix + name for name in mismatch + errors]
        stack += [(sub, f"{prefix}{name}/") for name, sub in node.subdirs.items()]
    return sorted(found)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ref", required=True, help="the commit to compare with")
    parser.add_argument("--new", help="a commit to check instead of the working tree")
    parser.add_argument("--sizes", default="1000,10000", help="benchmark corpora sizes")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--jobs", default="2", help="--jobs for both builds")
    parser.add_argument(
        "--new-flags",
        default="",
        help="extra flags for the new build only (split on spaces), e.g. a setting the "
        'reference does not know: --new-flags="--referrer-policy="',
    )
    args = parser.parse_args(argv)
    folders = [ROOT / "examples" / "posts"]
    folders += [
        corpus_for(int(size), args.seed) / "laojia" for size in args.sizes.split(",") if size
    ]
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "ref").mkdir()
        ref_src = extract_src(args.ref, work / "ref")
        new_src = ROOT / "src"
        if args.new:
            (work / "new").mkdir()
            new_src = extract_src(args.new, work / "new")
        for posts in folders:
            for mode, flags in MODES.items():
                outs = [work / "ref-out", work / "new-out"]
                new_flags = (*flags, *args.new_flags.split())
                codes = [
                    build(src, posts, out, mode_flags, args.jobs)
                    for src, out, mode_flags in zip(
                        (ref_src, new_src), outs, (flags, new_flags), strict=True
                    )
                ]
                diff = differences(*outs)
                if codes[0] != codes[1]:
                    diff.insert(0, f"(exit {codes[0]} vs {codes[1]})")
                label = f"{posts.relative_to(ROOT)} [{mode}]"
                print(f"{'same' if not diff else 'DIFFERENT'}: {label}", flush=True)
                failed += [f"{label}: {name}" for name in diff]
                for out in outs:
                    subprocess.run(["rm", "-rf", str(out)], check=True)
    for line in failed[:50]:
        print("  " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
