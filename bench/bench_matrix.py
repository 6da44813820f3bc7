"""How fast is the position matrix at 100,000 codings? Run by hand: ``python bench/bench_matrix.py``.

Generates 100,000 codings over 30 actors (some nested), 20 issues (some with custom scales, some
nested) and 2,000 documents, deterministically (seeded), then times, as the median of 5 runs:

- ``position_matrix`` actors × issues, with and without roll-up;
- documents × actors (normalised cells);
- the full ``matrix_report`` (matrix + agreement + contested cells);
- one bare SQL ``GROUP BY actor_id, issue_id`` (count, avg, min, max) over the same rows in an
  in-memory sqlite3 database, as the floor any SQL-side aggregation would start from.

No timing is asserted anywhere; the figures go into reports.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from collections.abc import Callable

from posmap.analysis import Axis, Catalogue, DocumentRef, matrix_report, position_matrix
from posmap.model import Actor, CodingRecord, Issue, Scale

SEED = 20240601
ACTORS, ISSUES, DOCUMENTS = 30, 20, 2_000
KINDS = ("position", "demand", "red_line", "concession", "proposal")
ATTRIBUTIONS = ("own_words", "reported", "assessment")


def generate(codings: int = 100_000, seed: int = SEED) -> tuple[list[CodingRecord], Catalogue]:
    rng = random.Random(seed)
    actors = [
        Actor(id=a, name=f"Actor {a:02d}", parent_id=(a - 1) // 5 * 5 + 1 if a % 5 != 1 else None)
        for a in range(1, ACTORS + 1)
    ]
    issues: list[Issue] = []
    for i in range(1, ISSUES + 1):
        if i % 4 == 0:
            scale = Scale.from_labels(";".join(f"outcome {k}" for k in range(7)))  # 0…6
        elif i % 7 == 0:
            scale = Scale.from_labels("none=0;some=10;most=20;all=30")
        else:
            scale = Scale.agreement()
        issues.append(Issue(id=i, name=f"Issue {i:02d}", parent_id=1 if i in (2, 3, 4) else None, scale=scale))
    start = 738_000  # a proleptic ordinal around 2021
    documents = [
        DocumentRef(
            id=d, title=f"Document {d}", author=f"Author {d % 40}",
            date=None if d % 50 == 0 else _iso(start + rng.randrange(1_200)), kind=rng.choice(("study", "statement")),
        )
        for d in range(1, DOCUMENTS + 1)
    ]
    values = {i.id: [p.value for p in i.scale.points] for i in issues}
    records = []
    for n in range(1, codings + 1):
        actor = rng.choice(actors)
        issue = rng.choice(issues)
        document = documents[rng.randrange(DOCUMENTS)]
        position = rng.choice(values[issue.id])
        records.append(CodingRecord(
            id=n, document_id=document.id, document_title=document.title, document_author=document.author,
            document_date=document.date, passage_id=n, start=0, end=10, quote="0123456789", page=None,
            actor_id=actor.id, actor=actor.name, issue_id=issue.id, issue=issue.name, position=position,
            position_label=issue.scale.label_for(position) or "", kind=rng.choice(KINDS),
            attribution=rng.choice(ATTRIBUTIONS), confidence=1.0, note="", coder="bench",
            created_at=f"2024-01-01T00:00:{n % 60:02d}", updated_at="2024-01-01T00:00:00",
        ))
    records.sort(key=lambda r: (r.document_id, r.id))
    return records, Catalogue(tuple(actors), tuple(issues), tuple(documents))


def _iso(ordinal: int) -> str:
    import datetime as dt

    return dt.date.fromordinal(ordinal).isoformat()


def median_seconds(action: Callable[[], object], runs: int = 5) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def sql_group_by(records: list[CodingRecord]) -> Callable[[], object]:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE codings (id INTEGER PRIMARY KEY, actor_id INT, issue_id INT, position INT)")
    connection.executemany(
        "INSERT INTO codings VALUES (?, ?, ?, ?)", [(r.id, r.actor_id, r.issue_id, r.position) for r in records]
    )
    connection.commit()

    def run() -> list[tuple]:
        return connection.execute(
            "SELECT actor_id, issue_id, count(*), avg(position), min(position), max(position) "
            "FROM codings GROUP BY actor_id, issue_id"
        ).fetchall()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    began = time.perf_counter()
    records, catalogue = generate(args.codings)
    print(f"generated {len(records):,} codings in {time.perf_counter() - began:.2f} s "
          f"({ACTORS} actors, {ISSUES} issues, {DOCUMENTS} documents)")
    cases: dict[str, Callable[[], object]] = {
        "position_matrix actors × issues": lambda: position_matrix(records, catalogue),
        "position_matrix actors × issues, roll-up": lambda: position_matrix(records, catalogue, rollup=True),
        "position_matrix documents × actors": lambda: position_matrix(
            records, catalogue, rows=Axis.DOCUMENTS, columns=Axis.ACTORS),
        "matrix_report (matrix, agreement, contested)": lambda: matrix_report(records, catalogue),
        "SQL GROUP BY actor, issue (in-memory sqlite3)": sql_group_by(records),
    }
    for name, action in cases.items():
        print(f"{name:<48} {median_seconds(action, args.runs) * 1000:8.1f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
