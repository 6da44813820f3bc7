"""How long does a PDF briefing with 2,000 quotes take? Run by hand: ``python bench/bench_briefing.py``.

Generates a project (seeded, so runs are comparable) with 40 paged documents of synthetic text,
12 actors (some nested), 10 issues (two with custom scales) and 2,000 codings, each on its own
passage, then times ``write_briefing`` with a quote limit high enough to print every passage
(``--max-quotes``, default 1000) and with the default limit of 5. ``--profile`` prints the top
of a cProfile run of the first configuration. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import pstats
import random
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from posmap.model import Actor, Attribution, Coding, CodingKind, Document, Issue, PageSpan, Passage, Scale
from posmap.services.briefing import BriefingOptions, write_briefing
from posmap.store import Project

SEED = 20240611
WORDS = [
    "delegation", "negotiation", "ceasefire", "guarantee", "territory", "withdrawal", "monitoring", "sanctions",
    "treaty", "border", "mission", "referendum", "amnesty", "reconstruction", "sovereignty", "corridor",
    "observers", "timetable", "verification", "Aydınlık", "Perinçek", "Київ", "Москва", "Ειρήνη",
]
KINDS = [CodingKind.POSITION] * 5 + [CodingKind.DEMAND, CodingKind.RED_LINE, CodingKind.CONCESSION,
                                     CodingKind.PROPOSAL]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 45))]
    return " ".join(words).capitalize() + "."


def build(path: Path, codings: int) -> Project:
    rng = random.Random(SEED)
    project = Project.create(path, title="Synthetic talks")
    actor_ids = []
    for n in range(12):
        parent = actor_ids[0] if n in (4, 5) else None
        actor_ids.append(project.actors.add(Actor(name=f"Delegation {n:02d}", parent_id=parent)))
    issue_ids = []
    for n in range(10):
        scale = (Scale.from_labels(";".join(f"outcome {k}" for k in range(6))) if n in (3, 7)
                 else Scale.agreement())
        issue_ids.append(project.issues.add(Issue(name=f"Issue {n:02d}", proposition=f"Proposition {n}.",
                                                  scale=scale)))
    scales = {i: project.issues.scale(i) for i in issue_ids}
    per_document = codings // 40 + 1
    passages: list[tuple[int, int, int, str]] = []
    for d in range(40):
        sentences = [sentence(rng) for _ in range(per_document)]
        pages, text, position = [], "", 0
        for k, s in enumerate(sentences):
            piece = s + " "
            if k % 6 == 0:
                pages.append(position)
            passages.append((d, position, position + len(s), s))
            text += piece
            position += len(piece)
        spans = [PageSpan(number=n + 1, start=start, end=(pages[n + 1] if n + 1 < len(pages) else len(text)))
                 for n, start in enumerate(pages)]
        document_id = project.documents.add(Document(
            title=f"Synthetic source {d:02d}", author=f"Author {d % 7}",
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            text=text, character_count=len(text), pages=spans, date=dt.date(2024, 1, 1) + dt.timedelta(days=9 * d),
            kind="statement",
        ))
        passages[-per_document:] = [(document_id, s, e, q) for _, s, e, q in passages[-per_document:]]
    with project.transaction():
        for n in range(codings):
            document_id, start, end, quote = passages[n]
            issue_id = rng.choice(issue_ids)
            scale = scales[issue_id]
            project.codings.add(
                Passage(document_id=document_id, start=start, end=end, quote=quote),
                Coding(actor_id=rng.choice(actor_ids), issue_id=issue_id,
                       position=rng.choice([p.value for p in scale.points]), kind=rng.choice(KINDS),
                       attribution=rng.choice(list(Attribution))),
            )
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codings", type=int, default=2_000)
    parser.add_argument("--max-quotes", type=int, default=1_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        project = build(folder / "bench.posmap", args.codings)
        print(f"project with {project.codings.count()} codings built in {time.perf_counter() - started:.1f} s")
        with project:
            for limit in (args.max_quotes, 5):
                options = BriefingOptions(output=folder / f"bench-{limit}.pdf", title="Benchmark briefing",
                                          marking="RESTRICTED", max_quotes=limit)
                profiler = cProfile.Profile() if args.profile and limit == args.max_quotes else None
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                result = write_briefing(project, options)
                if profiler:
                    profiler.disable()
                seconds = time.perf_counter() - started
                size = result.path.stat().st_size / 1e6
                print(f"max quotes {limit}: {result.quotes} quotes, {len(PdfReader(result.path).pages)} pages, "
                      f"{size:.1f} MB in {seconds:.1f} s")
                if profiler:
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
