"""Build a briefing PDF from the two real sample documents in shared/corpus/.

    .venv/bin/python scripts/corpus_briefing.py [CORPUS_DIR] [-o corpus-briefing.pdf] [--project FILE.posmap]

The documents are imported into a temporary project (or ``--project``), a small codebook is
written, and a few dozen passages are coded. The passages are found at run time: each coding rule
names keywords, and the first sentence of the document holding all of them is coded. The script
therefore carries no text of the documents, only the analyst's reading of them (actor, issue,
position, kind, attribution). A rule whose sentence is not found is reported and skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from posmap.model import Actor, ActorKind, Attribution, CodingKind, Issue, Scale
from posmap.services.briefing import BriefingOptions, write_briefing
from posmap.services.coding import CodingRequest, code_span
from posmap.services.importing import MetadataOverrides, import_files
from posmap.store import Project

ROOT = Path(__file__).resolve().parents[1]
STUDY = "000_a6af4acaf8566da9.txt"
INTERVIEW = "003_8d5c19e75ababd7c.txt"

DOCUMENTS = {
    STUDY: MetadataOverrides(
        title="Negotiating a peace treaty between Ukraine and Russia? Let’s be fair about it",
        author="Plamen Pantev", outlet="Institute for Security and International Studies (ISIS), Sofia",
        date=dt.date(2025, 3, 1), kind="study", language="en",
    ),
    # The interview is from late 2025 (its exact day is not given); the end of December is assumed.
    INTERVIEW: MetadataOverrides(
        title="“The flashpoint will be the issue of security guarantees”: interview with Mehmet Perinçek",
        author="Aydınlık Europe", outlet="Aydınlık Europe", date=dt.date(2025, 12, 31), kind="interview",
        language="en",
    ),
}

ACTORS = [
    ("Ukraine", ActorKind.STATE, None, "#4C72B0"),
    ("Russia", ActorKind.STATE, None, "#C44E52"),
    ("United States", ActorKind.STATE, None, "#8172B3"),
    ("European Union", ActorKind.ORGANISATION, None, "#55A868"),
    ("United Kingdom", ActorKind.STATE, None, "#937860"),
    ("China", ActorKind.STATE, None, "#DA8BC3"),
    ("NATO", ActorKind.ORGANISATION, None, "#64B5CD"),
    ("Zelenskyy", ActorKind.PERSON, "Ukraine", "#4C72B0"),
    ("Putin", ActorKind.PERSON, "Russia", "#C44E52"),
    ("Trump", ActorKind.PERSON, "United States", "#8172B3"),
]

TERRITORY_SCALE = Scale.from_labels(
    "full restoration of the 1991 borders;return to the lines of February 2022;freeze on the current line of "
    "contact;recognition of the occupied territories;cessions beyond the current line"
)
ISSUES = [
    ("Territory", "", TERRITORY_SCALE),
    ("Security guarantees", "Ukraine receives binding security guarantees from Western states.", None),
    ("NATO membership", "Ukraine joins NATO.", None),
    ("Foreign troops", "Western troops are stationed in Ukraine after a settlement.", None),
    ("Ceasefire", "An immediate ceasefire along the current line of contact.", None),
    ("Reparations", "Russia pays reparations for the damage of the war.", None),
    ("Accountability", "Those responsible for the aggression and for war crimes are brought to justice.", None),
    ("Sanctions", "Sanctions on Russia stay in place until a just settlement.", None),
    ("EU accession", "Ukraine joins the European Union.", None),
]


@dataclass(frozen=True)
class Rule:
    """Code the first sentence of ``document`` that contains every keyword (case-insensitive)."""

    document: str
    keywords: tuple[str, ...]
    actor: str
    issue: str
    position: int
    kind: CodingKind = CodingKind.POSITION
    attribution: Attribution = Attribution.ASSESSMENT
    confidence: float = 1.0
    note: str = ""


P, D, RL, C, PR = (CodingKind.POSITION, CodingKind.DEMAND, CodingKind.RED_LINE, CodingKind.CONCESSION,
                   CodingKind.PROPOSAL)
OWN, REP, ASSESS = Attribution.OWN_WORDS, Attribution.REPORTED, Attribution.ASSESSMENT

RULES = [
    # The ISIS study (March 2025): the author's assessments, and what he reports of others.
    Rule(STUDY, ("no NATO membership for Ukraine",), "United States", "NATO membership", -1, P, REP),
    Rule(STUDY, ("no NATO membership for Ukraine",), "United States", "Territory", 3, P, REP),
    Rule(STUDY, ("Trump pushed Ukraine", "partly occupied territories"), "Trump", "Territory", 3),
    Rule(STUDY, ("Trump pushed Ukraine", "partly occupied territories"), "Putin", "Territory", 4),
    Rule(STUDY, ("Full return of Ukrainian territory",), "Ukraine", "Territory", 0, D),
    Rule(STUDY, ("unacceptable by Ukrainian society",), "Ukraine", "Territory", 1, RL),
    Rule(STUDY, ("internationally recognized territories before 2014",), "Ukraine", "Territory", 0),
    Rule(STUDY, ("internationally recognized territories before 2014",), "Ukraine", "Reparations", 2, D),
    Rule(STUDY, ("never give up voluntarily the occupied territories",), "Russia", "Territory", 2, RL),
    Rule(STUDY, ("adding the territory", "demographic power"), "Russia", "Territory", 4),
    Rule(STUDY, ("unacceptable for the European countries",), "European Union", "Territory", 2, RL,
         note="Putin's terms (recognition) are unacceptable; read as a red line short of recognition"),
    Rule(STUDY, ("territorial issue is not solved according to the international legal",), "European Union",
         "Territory", 0),
    Rule(STUDY, ("to the invaded country",), "Ukraine", "Security guarantees", 2, D),
    Rule(STUDY, ("most effective one would have been NATO membership",), "Ukraine", "NATO membership", 2),
    Rule(STUDY, ("gradual engineering by the European members of NATO",), "European Union",
         "Security guarantees", 1),
    Rule(STUDY, ("gradual engineering by the European members of NATO",), "NATO", "Security guarantees", 1),
    Rule(STUDY, ("not delivering on its solemn promises",), "United States", "Security guarantees", -1),
    Rule(STUDY, ("not providing key effective security guarantees",), "Trump", "Security guarantees", -1),
    Rule(STUDY, ("focus of President Trump on ceasefire",), "Trump", "Ceasefire", 2),
    Rule(STUDY, ("completely compromised negotiation reputation",), "Russia", "Ceasefire", -1),
    Rule(STUDY, ("sanctions against the Russian aggressor must be preserved",), "Ukraine", "Sanctions", 2, D,
         note="the study's prescription, read as Ukraine's demand"),
    Rule(STUDY, ("bringing to justice those who decided to begin the aggression",), "Ukraine", "Accountability",
         2, D),
    Rule(STUDY, ("cannot be a peace agreement until the war criminals",), "Ukraine", "Accountability", 2, RL),
    Rule(STUDY, ("negotiating its integration in the EU",), "Ukraine", "EU accession", 2),
    Rule(STUDY, ("negotiating its integration in the EU",), "European Union", "EU accession", 1),
    Rule(STUDY, ("supported since the beginning of the aggression by China",), "China", "Territory", 3,
         confidence=0.5, note="support for the aggressor read as acceptance of its gains; weak evidence"),
    # The Aydınlık interview (late 2025): Mehmet Perinçek's assessments and reports.
    Rule(INTERVIEW, ("Zelensky, visiting the US",), "Zelenskyy", "Ceasefire", 1, PR, REP),
    Rule(INTERVIEW, ("will have to make territorial concessions",), "Ukraine", "Territory", 2, RL),
    Rule(INTERVIEW, ("will have to make territorial concessions",), "Ukraine", "Territory", 2, C),
    Rule(INTERVIEW, ("fully insistent on the presence of military force",), "European Union", "Foreign troops", 2),
    Rule(INTERVIEW, ("fully insistent on the presence of military force",), "United Kingdom", "Foreign troops", 2,
         confidence=0.7, note="'the European side' read as including Britain"),
    Rule(INTERVIEW, ("Trump is not opposed to this",), "United States", "Security guarantees", 1),
    Rule(INTERVIEW, ("US troops will not be deployed",), "Trump", "Foreign troops", 1, P, REP),
    Rule(INTERVIEW, ("absolutely not accept an agreement that would allow NATO troops",), "Russia",
         "Foreign troops", -2, RL),
    Rule(INTERVIEW, ("Russian officials state this very clearly",), "Russia", "Foreign troops", -2, P, REP),
    Rule(INTERVIEW, ("at the very core of why Russia launched",), "Russia", "NATO membership", -2),
    Rule(INTERVIEW, ("efforts by Russia and the US for peace",), "Russia", "Ceasefire", 1),
    Rule(INTERVIEW, ("efforts by Russia and the US for peace",), "United States", "Ceasefire", 1),
    Rule(INTERVIEW, ("hawks in Europe are trying to sabotage",), "European Union", "Ceasefire", -1),
    Rule(INTERVIEW, ("fundamental changes in how Russia views any future negotiations",), "Putin", "Ceasefire",
         -1, P, REP),
    Rule(INTERVIEW, ("Britain adopted a much harder line",), "United Kingdom", "Ceasefire", -1),
]

_SENTENCE = re.compile(r"[^\s][^.!?\n]*(?:[.!?]+[\"”’»)]*|(?=\n)|$)")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) code-point spans of the sentences of ``text``; line breaks end a sentence too."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.start(), match.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start >= 12:
            spans.append((start, end))
    return spans


def find_sentence(text: str, spans: list[tuple[int, int]], keywords: tuple[str, ...]) -> tuple[int, int] | None:
    wanted = [k.casefold() for k in keywords]
    for start, end in spans:
        sentence = text[start:end].casefold()
        if all(k in sentence for k in wanted):
            return start, end
    return None


def build_project(corpus: Path, target: Path) -> tuple[Project, int]:
    project = Project.create(target, title="Ukraine–Russia peace talks (sample corpus)")
    for name, kind, parent, colour in ACTORS:
        parent_id = project.actors.by_name(parent).id if parent else None
        project.actors.add(Actor(name=name, kind=kind, parent_id=parent_id, color=colour))
    for name, proposition, scale in ISSUES:
        project.issues.add(Issue(name=name, proposition=proposition, scale=scale or Scale.agreement()))
    ids: dict[str, int] = {}
    for file_name, overrides in DOCUMENTS.items():
        report = import_files(project, [corpus / file_name], overrides)
        if report.failures:
            raise SystemExit(f"{file_name}: {report.failures[0].reason}")
        ids[file_name] = (report.imported or report.duplicates)[0].document_id
    texts = {name: project.documents.text(doc_id) for name, doc_id in ids.items()}
    spans = {name: sentences(text) for name, text in texts.items()}
    coded = 0
    with project.transaction():
        for rule in RULES:
            found = find_sentence(texts[rule.document], spans[rule.document], rule.keywords)
            if found is None:
                print(f"not found, skipped: {rule.keywords} in {rule.document}", file=sys.stderr)
                continue
            code_span(project, ids[rule.document], *found, CodingRequest(
                actor=rule.actor, issue=rule.issue, position=rule.position, kind=rule.kind,
                attribution=rule.attribution, confidence=rule.confidence, note=rule.note, coder="corpus script",
            ))
            coded += 1
    return project, coded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT / ".." / "shared" / "corpus")
    parser.add_argument("-o", "--output", type=Path, default=Path("corpus-briefing.pdf"))
    parser.add_argument("--project", type=Path, help="keep the coded project here (default: a temporary file)")
    parser.add_argument("--paper", choices=["a4", "letter"], default="a4")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        target = args.project or Path(scratch) / "corpus.posmap"
        project, coded = build_project(args.corpus.resolve(), target)
        with project:
            started = time.perf_counter()
            result = write_briefing(project, BriefingOptions(
                output=args.output.resolve(),
                title="Ukraine–Russia peace talks: positions in two sources",
                subtitle="Territory, security guarantees and the room for agreement",
                author="Negotiation Analysis Unit",
                marking="RESTRICTED",
                paper=args.paper,
            ))
            seconds = time.perf_counter() - started
    print(f"{coded} codings from {len(DOCUMENTS)} documents; {result.pages} pages in {seconds:.2f} s")
    print(result.path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
