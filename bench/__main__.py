"""``python -m bench``: generate the corpus, run the operations, print the results table.

    python -m bench run --size large              # every operation; the table at the end
    python -m bench run --size small --only search,matrix
    python -m bench run --size large --markdown   # the table as Markdown (for bench/README.md)
    python -m bench profile matrix --size large   # pyinstrument profile of one operation's timed part
    python -m bench generate --size large         # only build (or find) the cached corpus

Each operation runs in its own subprocess (``python -m bench op NAME``), which reports its rows and
its own peak resident memory (``ru_maxrss``) as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bench import corpus as corpus_module
from bench.operations import INTERNAL_OPERATIONS, OPERATIONS, Context, Row

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_operation(name: str, size: str, seed: int, runs: int | None, profile: Path | None) -> dict:
    """Run one operation in this process and return its rows and peak memory."""
    corpus = corpus_module.load(size, seed)
    if corpus is None:
        raise SystemExit(f"the {size} corpus is not generated; run 'python -m bench generate --size {size}'")
    scratch = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=corpus.folder))
    # Safety copies made when the GUI opens a project go to the scratch folder, not the user's data folder.
    os.environ["POSMAP_BACKUP_DIR"] = os.environ.get("BENCH_BACKUPS") or str(scratch / "backups")
    operation = OPERATIONS.get(name) or INTERNAL_OPERATIONS[name]
    try:
        rows = operation(Context(corpus, runs, scratch, profile))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    peak = _peak_mb()
    for row in rows:
        row.peak_mb = max(peak, row.peak_mb or 0)
    return {"operation": name, "peak_mb": peak, "rows": [asdict(row) for row in rows]}


def _subprocess(name: str, args: argparse.Namespace, profile: Path | None = None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        output = Path(handle.name)
    command = [sys.executable, "-m", "bench", "op", name, "--size", args.size, "--seed", str(args.seed),
               "--json", str(output)]
    if args.runs is not None:
        command += ["--runs", str(args.runs)]
    if profile is not None:
        command += ["--profile", str(profile)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUTF8": "1"}
    try:
        finished = subprocess.run(command, cwd=ROOT, env=env)
        if finished.returncode != 0:
            raise SystemExit(f"operation {name} failed (exit code {finished.returncode})")
        return json.loads(output.read_text(encoding="utf-8"))
    finally:
        output.unlink(missing_ok=True)


def _format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


TARGET_SIZE = "large"
"""The targets are set for this size; smaller corpora show them but are not judged against them."""


def _verdict(row: Row, judged: bool) -> str:
    met = row.met if judged else None
    return "" if met is None else ("yes" if met else "NO")


def table(rows: list[Row], *, markdown: bool = False, size: str = TARGET_SIZE) -> str:
    """The results as an aligned text table, or as Markdown; "met" is filled in for the target size only."""
    header = ("operation", "median", "runs", "target", "met", "ratio", "peak RSS", "notes")
    judged = size == TARGET_SIZE
    lines = []
    for row in rows:
        ratio = f"{row.ratio:.2f}× ({row.baseline})" if row.ratio is not None else ""
        peak = f"{row.peak_mb:.0f} MB" if row.peak_mb is not None else ""
        lines.append((row.operation, _format_seconds(row.seconds), str(row.runs), row.target,
                      _verdict(row, judged), ratio, peak, row.note))
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(header[k]), *(len(line[k]) for line in lines)) for k in range(len(header))]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines]
    return "\n".join(out)


def machine_note() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return (f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
            f"load average before the run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def command_run(args: argparse.Namespace) -> int:
    names = list(OPERATIONS) if not args.only else [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in OPERATIONS]
    if unknown:
        raise SystemExit(f"unknown operation(s): {', '.join(unknown)}; known: {', '.join(OPERATIONS)}")
    note = machine_note()
    began = time.perf_counter()
    corpus_module.ensure(args.size, args.seed)
    print(f"corpus ready in {time.perf_counter() - began:.1f} s", flush=True)
    rows: list[Row] = []
    for name in names:
        started = time.perf_counter()
        print(f"running {name} …", flush=True)
        result = _subprocess(name, args)
        rows.extend(Row(**row) for row in result["rows"])
        print(f"  {name} done in {time.perf_counter() - started:.1f} s (peak {result['peak_mb']:.0f} MB)", flush=True)
    print()
    print(f"posmap benchmarks, size {args.size}, seed {args.seed}; {note}")
    print(f"total {time.perf_counter() - began:.0f} s")
    print()
    if args.size != TARGET_SIZE:
        print(f"(the targets are set for the {TARGET_SIZE} corpus; the 'met' column is left empty for {args.size})")
    print(table(rows, markdown=args.markdown, size=args.size))
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")
    return 0


def command_op(args: argparse.Namespace) -> int:
    result = run_operation(args.name, args.size, args.seed, args.runs, Path(args.profile) if args.profile else None)
    if args.json:
        Path(args.json).write_text(json.dumps(result), encoding="utf-8")
    else:
        print(table([Row(**row) for row in result["rows"]], size=args.size))
    return 0


def command_profile(args: argparse.Namespace) -> int:
    corpus = corpus_module.ensure(args.size, args.seed)
    target = corpus.folder / "profiles" / f"{args.name}.txt"
    target.unlink(missing_ok=True)
    args.runs = args.runs or 1
    result = _subprocess(args.name, args, profile=target)
    print(target.read_text(encoding="utf-8") if target.exists() else "(nothing was profiled)")
    print(table([Row(**row) for row in result["rows"]], size=args.size))
    print(f"HTML profile: {target.with_suffix('.html')}")
    return 0


def command_generate(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    corpus = corpus_module.ensure(args.size, args.seed)
    print(f"{args.size} corpus in {corpus.folder} ({len(corpus.files)} files) ready in "
          f"{time.perf_counter() - began:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="posmap benchmarks at analyst scale")
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--size", choices=sorted(corpus_module.SIZES), default="small")
        sub.add_argument("--seed", type=int, default=corpus_module.DEFAULT_SEED)
        sub.add_argument("--runs", type=int, default=None, help="runs per operation (default: 3 slow, 7 fast)")

    run = commands.add_parser("run", help="run the operations and print the results table")
    common(run)
    run.add_argument("--only", default="", help=f"comma-separated operations ({', '.join(OPERATIONS)})")
    run.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    run.add_argument("--json", default="", help="also write the rows to this JSON file")
    run.set_defaults(handler=command_run)

    op = commands.add_parser("op", help="run one operation in this process (used by 'run')")
    common(op)
    op.add_argument("name", choices=[*OPERATIONS, *INTERNAL_OPERATIONS])
    op.add_argument("--json", default="")
    op.add_argument("--profile", default="")
    op.set_defaults(handler=command_op)

    profile = commands.add_parser("profile", help="profile one operation with pyinstrument")
    common(profile)
    profile.add_argument("name", choices=list(OPERATIONS))
    profile.set_defaults(handler=command_profile)

    generate = commands.add_parser("generate", help="generate (or find) the cached corpus")
    common(generate)
    generate.set_defaults(handler=command_generate)

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
