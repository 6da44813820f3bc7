"""A deterministic synthetic corpus and project for the benchmarks, cached under ``bench/out/<size>/``.

Everything is generated from a seeded RNG and a small built-in vocabulary (no external data):

- document files on disk — plain text (a few in legacy cp1252), HTML pages with navigation,
  scripts and tables, Word files, and multi-page PDFs (reportlab, DejaVu Sans) — of mixed length
  (most a few kilobytes, a long tail up to about 1 MB; the first document is the longest);
- a project file: every file imported with :func:`posmap.services.importing.import_files`, a
  codebook of nested actors and issues (some with custom scales) and the codings, one or a few
  sentences each, some passages carrying several codings. The first document gets
  ``SizeSpec.big_document_codings`` of them (the viewer benchmark); ``SizeSpec.brief_quotes`` are
  made by the coder ``reviewer``, each on its own passage (the briefing benchmark).

The cache is keyed by size, seed and :data:`GENERATOR_VERSION`: a folder whose manifest does
not match is generated again; the manifest is written last, so an interrupted run never leaves
a folder that looks complete.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import json
import os
import random
import re
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

GENERATOR_VERSION = 4  # 4: projects in format 2 (the covering codings index)
DEFAULT_SEED = 20250301
# Where generated corpora are cached; POSMAP_BENCH_OUT moves it (the smoke test uses a temporary folder).
OUT = Path(os.environ.get("POSMAP_BENCH_OUT") or Path(__file__).resolve().parent / "out")
FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
REVIEWER = "reviewer"
CODERS = ("analyst-a", "analyst-b", "analyst-c")


@dataclass(frozen=True)
class SizeSpec:
    """How big a generated corpus is."""

    name: str
    documents: int
    """All documents, PDFs included."""
    pdfs: int
    codings: int
    actors: int
    issues: int
    max_chars: int
    """Length of the first (longest) document, in characters."""
    big_document_codings: int
    brief_quotes: int
    pdf_max_chars: int = 300_000


SIZES: dict[str, SizeSpec] = {
    "tiny": SizeSpec("tiny", documents=16, pdfs=3, codings=400, actors=8, issues=6, max_chars=60_000,
                     big_document_codings=150, brief_quotes=60, pdf_max_chars=20_000),
    "small": SizeSpec("small", documents=50, pdfs=6, codings=2_000, actors=12, issues=8, max_chars=200_000,
                      big_document_codings=500, brief_quotes=300, pdf_max_chars=60_000),
    "medium": SizeSpec("medium", documents=500, pdfs=50, codings=20_000, actors=30, issues=20,
                       max_chars=1_000_000, big_document_codings=5_000, brief_quotes=2_000),
    "large": SizeSpec("large", documents=2_000, pdfs=200, codings=100_000, actors=30, issues=20,
                      max_chars=1_000_000, big_document_codings=5_000, brief_quotes=2_000),
}

# -- vocabulary ------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


_FUNCTION_WORDS = _words(
    "the of and to in a that on for is with as by be this it at from are will not or which its have their "
    "has was but an would all any other should been more these must than also were such into both there "
    "only may can they after before under between over about what while those could each most where"
)
_DOMAIN_WORDS = _words(
    "ceasefire negotiations delegation talks agreement security guarantee territory withdrawal "
    "sovereignty sanctions troops border government minister president parliament treaty memorandum "
    "referendum monitoring verification observers mission corridor humanitarian prisoners exchange "
    "reparations accountability tribunal accession membership alliance neutrality status elections "
    "constitution autonomy region occupation reconstruction investment energy grain exports ports "
    "shipping navigation mediation mediator envoy summit framework roadmap timetable sequencing "
    "demilitarised zone buffer line contact front offensive artillery drones air defence assistance "
    "loans budget assets frozen compensation refugees return displaced persons amnesty justice "
    "investigation evidence crimes statement interview study report analysis position proposal "
    "concession demand principle compromise deadline draft clause article annex protocol signature "
    "ratification implementation compliance violation incident escalation deterrence guarantor "
    "partners allies coalition council commission union bloc neighbours community diplomats officials "
    "spokesperson adviser delegates capital negotiators parties sides leadership cabinet opposition"
)
_RARE_WORDS = _words(
    "quartermaster palimpsest isthmus ombudsman plenipotentiary démarche rapprochement détente "
    "Aydınlık Perinçek Київ Москва Ειρήνη Genève Zürich Dnipró Łódź Bratislava Tbilisi Chişinău "
    "condominium suzerainty irredentism cartography hydrology lithium tariff quota moratorium "
    "embargo arbitration adjudication rapporteur secretariat consulate chargé attaché"
)
_PHRASES = ("security guarantees", "prisoner exchange", "line of contact", "peace talks", "frozen assets",
            "nuclear power plant", "grain corridor", "territorial integrity")
_PLACES = ("Valdoria", "Kestria", "Morvania", "Tessaly", "Ostrand", "Lirenia", "Dravia", "Callun")


def _vocabulary() -> tuple[list[str], list[float]]:
    """Words with Zipf-like cumulative weights: function words commonest, rare words in the tail."""
    words = _FUNCTION_WORDS + _DOMAIN_WORDS + list(_PHRASES) + list(_PLACES) + _RARE_WORDS
    weights = [1.0 / (rank + 8) ** 1.05 for rank in range(len(words))]
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return words, cumulative


_WORDS, _CUMULATIVE = _vocabulary()


def paragraphs(rng: random.Random, characters: int) -> list[str]:
    """Paragraphs of synthetic prose adding up to about ``characters`` characters."""
    out: list[str] = []
    size = 0
    while size < characters:
        words = rng.choices(_WORDS, cum_weights=_CUMULATIVE, k=rng.randint(40, 220))
        sentences, start = [], 0
        while start < len(words):
            length = rng.randint(6, 28)
            chunk = words[start:start + length]
            start += length
            sentence = " ".join(chunk)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        paragraph = " ".join(sentences)
        out.append(paragraph)
        size += len(paragraph) + 2
    return out


def _length(rng: random.Random, spec: SizeSpec, index: int, *, pdf: bool) -> int:
    """Mixed lengths: most documents short, a long tail, the first one the longest."""
    if index == 0:
        return spec.max_chars
    tier = rng.random()
    if tier < 0.70:
        chars = rng.randint(2_000, 16_000)
    elif tier < 0.95:
        chars = rng.randint(16_000, 80_000)
    elif tier < 0.995:
        chars = rng.randint(80_000, 400_000)
    else:
        chars = rng.randint(400_000, spec.max_chars)
    if pdf:
        chars = max(8_000, min(chars, spec.pdf_max_chars))  # at least two pages
    return min(chars, spec.max_chars)


# -- writing files -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileJob:
    index: int
    kind: str  # txt, txt-cp1252, html, docx, pdf
    characters: int
    seed: int
    path: str


def _title(rng: random.Random, index: int) -> str:
    words = rng.choices(_DOMAIN_WORDS, k=rng.randint(3, 7))
    return f"{' '.join(words).capitalize()} ({index})"


def _date(rng: random.Random) -> dt.date | None:
    if rng.random() < 0.05:
        return None
    return dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))


def write_file(job: FileJob) -> tuple[int, str, int]:
    """Write one document file; returns (index, path, size in bytes)."""
    rng = random.Random(job.seed)
    title = _title(rng, job.index)
    author = f"{rng.choice(('A.', 'B.', 'C.', 'D.', 'E.'))} {rng.choice(_PLACES)}son"
    date = _date(rng)
    body = paragraphs(rng, job.characters)
    path = Path(job.path)
    if job.kind == "txt":
        path.write_text(title + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    elif job.kind == "txt-cp1252":
        text = title + "\r\n\r\n" + "\r\n\r\n".join(body) + "\r\n"
        path.write_bytes(text.encode("cp1252", errors="replace"))
    elif job.kind == "html":
        _write_html(path, rng, title, author, date, body)
    elif job.kind == "docx":
        _write_docx(path, rng, title, author, date, body)
    elif job.kind == "pdf":
        _write_pdf(path, title, author, body)
    else:
        raise ValueError(job.kind)
    return job.index, str(path), path.stat().st_size


def _write_html(path: Path, rng: random.Random, title: str, author: str, date: dt.date | None,
                body: list[str]) -> None:
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>{html.escape(title)}</title><meta name=\"author\" content=\"{html.escape(author)}\">",
        f"<meta name=\"date\" content=\"{date.isoformat()}\">" if date else "",
        "<meta property=\"og:site_name\" content=\"The Synthetic Observer\">",
        "<style>body { font-family: serif; } nav a { margin: 0 1em; }</style>",
        "<script>window.dataLayer = window.dataLayer || []; function track() { return 1 < 2; }</script>",
        "</head><body><nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/world\">World</a></li>"
        "<li><a href=\"/analysis\">Analysis</a></li></ul></nav><main><article>",
        f"<h1>{html.escape(title)}</h1><p class=\"byline\">By <a href=\"/a\">{html.escape(author)}</a></p>",
    ]
    for number, paragraph in enumerate(body):
        if number and number % 9 == 0:
            parts.append(f"<h2>{html.escape(paragraph[:60].rsplit(' ', 1)[0])}</h2>")
        if number % 13 == 5:
            items = paragraph.split(". ")
            parts.append("<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>")
        elif number % 17 == 7:
            cells = paragraph.split(" ")
            rows = [cells[k:k + 4] for k in range(0, min(len(cells), 24), 4)]
            parts.append("<table>" + "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
            ) + "</table>")
            parts.append(f"<p>{html.escape(paragraph)}</p>")
        else:
            words = paragraph.split(" ")
            if len(words) > 12 and rng.random() < 0.5:
                k = rng.randrange(2, len(words) - 4)
                words[k] = f"<em>{html.escape(words[k])}</em>"
                words[k + 2] = f"<a href=\"/ref/{k}\">{html.escape(words[k + 2])}</a>"
                parts.append("<p>" + " ".join(w if w.startswith("<") else html.escape(w) for w in words) + "</p>")
            else:
                parts.append(f"<p>{html.escape(paragraph)}</p>")
    parts.append("</article></main><footer><p>© The Synthetic Observer</p>"
                 "<script>track();</script></footer></body></html>\n")
    path.write_text("".join(parts), encoding="utf-8")


def _write_docx(path: Path, rng: random.Random, title: str, author: str, date: dt.date | None,
                body: list[str]) -> None:
    import docx

    document = docx.Document()
    properties = document.core_properties
    properties.title = title
    properties.author = author
    if date:
        properties.created = dt.datetime(date.year, date.month, date.day, 12, 0)
    document.add_heading(title, level=1)
    for number, paragraph in enumerate(body):
        if number and number % 11 == 0:
            document.add_heading(paragraph[:50].rsplit(" ", 1)[0], level=2)
        if number % 19 == 9:
            cells = paragraph.split(" ")[:12]
            table = document.add_table(rows=3, cols=4)
            for k, cell_text in enumerate(cells):
                table.cell(k // 4, k % 4).text = cell_text
        document.add_paragraph(paragraph)
    document.save(str(path))


_FONT_REGISTERED = False


def _write_pdf(path: Path, title: str, author: str, body: list[str]) -> None:
    import textwrap

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    global _FONT_REGISTERED
    if not _FONT_REGISTERED:
        pdfmetrics.registerFont(TTFont("BenchSans", str(FONT_DIR / "DejaVuSans.ttf")))
        _FONT_REGISTERED = True
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    width, height = A4
    margin, leading, size = 64, 13, 9.5
    lines = [title, ""]
    for paragraph in body:
        lines.extend(textwrap.wrap(paragraph, 88))
        lines.append("")
    per_page = int((height - 2 * margin) // leading)
    for page, first in enumerate(range(0, len(lines), per_page), start=1):
        text = canvas.beginText(margin, height - margin)
        text.setFont("BenchSans", size, leading)
        for line in lines[first:first + per_page]:
            text.textLine(line)
        canvas.drawText(text)
        canvas.setFont("BenchSans", 8)
        canvas.drawCentredString(width / 2, margin / 2, str(page))
        canvas.showPage()
    canvas.save()


def file_jobs(spec: SizeSpec, seed: int, folder: Path) -> list[FileJob]:
    """Which files to write: the first is the longest plain-text document; PDFs spread through the list."""
    rng = random.Random(seed)
    pdf_every = spec.documents / spec.pdfs if spec.pdfs else 0
    pdf_slots = {int(1 + k * pdf_every) for k in range(spec.pdfs)} if spec.pdfs else set()
    jobs = []
    for index in range(spec.documents):
        if index in pdf_slots:
            kind = "pdf"
        elif index == 0:
            kind = "txt"
        else:
            roll = rng.random()
            kind = "txt" if roll < 0.40 else "html" if roll < 0.72 else "docx"
        characters = _length(rng, spec, index, pdf=kind == "pdf")
        if kind == "txt" and index > 0 and characters < 16_000 and rng.random() < 0.05:
            kind = "txt-cp1252"
        suffix = {"txt": "txt", "txt-cp1252": "txt", "html": "html", "docx": "docx", "pdf": "pdf"}[kind]
        sub = "pdf" if kind == "pdf" else "text"
        path = folder / sub / f"doc{index:05d}.{suffix}"
        jobs.append(FileJob(index, kind, characters, rng.randrange(1 << 62), str(path)))
    return jobs


# -- the project ------------------------------------------------------------------------------------------------


def _codebook(project, spec: SizeSpec) -> dict:
    """Nested actors and issues (some with custom scales); their ids and each issue's scale values."""
    from posmap.model import Actor, ActorKind, Issue, Scale

    palette = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C",
               "#CCB974", "#64B5CD")
    actor_ids: list[int] = []
    for n in range(spec.actors):
        # Every fifth actor is a state; the four after it are its ministries and envoys.
        parent = None if n % 5 == 0 else actor_ids[n - n % 5]
        name = (f"{_PLACES[n // 5 % len(_PLACES)]}" + (f" {n // 5 // len(_PLACES) + 1}" if n >= 40 else "")
                if n % 5 == 0 else f"{_PLACES[n // 5 % len(_PLACES)]} envoy {n}")
        kind = ActorKind.STATE if n % 5 == 0 else ActorKind.PERSON
        actor_ids.append(project.actors.add(Actor(name=name, parent_id=parent, kind=kind,
                                                  color=palette[n % len(palette)])))
    issue_ids: list[int] = []
    scales: dict[int, list[int]] = {}
    topics = ("Territory", "Security guarantees", "NATO membership", "Ceasefire", "Reparations", "Accountability",
              "Sanctions", "EU accession", "Prisoner exchange", "Nuclear safety", "Grain exports", "Language rights",
              "Elections", "Demilitarised zone", "Frozen assets", "Refugee return", "Energy transit", "Navigation",
              "Monitoring mission", "Amnesty")
    for n in range(spec.issues):
        if n % 6 == 3:
            scale = Scale.from_labels(";".join(f"outcome {k}" for k in range(6)))
        elif n % 7 == 5:
            scale = Scale.from_labels("none=0;some=10;most=20;all=30")
        else:
            scale = Scale.agreement()
        parent = issue_ids[0] if n in (1, 2) and issue_ids else None
        issue_id = project.issues.add(Issue(name=topics[n % len(topics)] + (f" {n}" if n >= len(topics) else ""),
                                            parent_id=parent, proposition=f"Proposition {n}.",
                                            color=palette[(n + 3) % len(palette)], scale=scale))
        issue_ids.append(issue_id)
        scales[issue_id] = [p.value for p in scale.points]
    return {"actors": actor_ids, "issues": issue_ids, "scales": scales}


_SENTENCE = re.compile(r"[^\s.][^.\n]*\.")


def _add_codings(project, spec: SizeSpec, rng: random.Random, codebook: dict, document_ids: list[int]) -> None:
    """Codings on sentences: ``big_document_codings`` on the first document, the rest spread by length."""
    from posmap.model import Attribution, Coding, CodingKind, Passage

    actors, issues, scales = codebook["actors"], codebook["issues"], codebook["scales"]
    kinds = [CodingKind.POSITION] * 6 + [CodingKind.DEMAND, CodingKind.RED_LINE, CodingKind.CONCESSION,
                                         CodingKind.PROPOSAL]
    attributions = [Attribution.OWN_WORDS] * 3 + [Attribution.REPORTED, Attribution.ASSESSMENT]
    lengths = {d: project.documents.get(d, with_text=False).character_count for d in document_ids}
    big = document_ids[0]
    others = document_ids[1:]
    weights, total = [], 0.0
    for d in others:
        total += lengths[d] ** 0.6
        weights.append(total)
    per_document: dict[int, int] = {big: spec.big_document_codings}
    for _ in range(spec.codings - spec.big_document_codings):
        d = others[bisect.bisect_left(weights, rng.random() * total)]
        per_document[d] = per_document.get(d, 0) + 1
    reviewer_left = spec.brief_quotes
    stamp = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)
    made = 0
    with project.transaction():
        for document_id in document_ids:
            count = per_document.get(document_id, 0)
            if not count:
                continue
            text = project.documents.text(document_id)
            sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
            if not sentences:
                continue
            used: set[tuple[int, int]] = set()
            previous: tuple[int, int] | None = None
            for _ in range(count):
                if previous is not None and rng.random() < 0.15:
                    start, end = previous  # a second coding on the same passage
                else:
                    first = rng.randrange(len(sentences))
                    last = min(len(sentences) - 1, first + rng.choice((0, 0, 0, 1, 1, 2)))
                    start, end = sentences[first][0], sentences[last][1]
                reviewer = reviewer_left > 0 and (start, end) not in used and rng.random() < (
                    spec.brief_quotes / spec.codings * 1.5)
                if reviewer:
                    reviewer_left -= 1
                used.add((start, end))
                previous = (start, end)
                issue = rng.choice(issues)
                made += 1
                project.codings.restore(
                    Passage(document_id=document_id, start=start, end=end, quote=text[start:end]),
                    Coding(actor_id=rng.choice(actors), issue_id=issue, position=rng.choice(scales[issue]),
                           kind=rng.choice(kinds), attribution=rng.choice(attributions),
                           coder=REVIEWER if reviewer else rng.choice(CODERS),
                           created_at=stamp + dt.timedelta(minutes=made), updated_at=stamp),
                )
    if reviewer_left:
        raise RuntimeError(f"the generator placed {spec.brief_quotes - reviewer_left} reviewer codings, "
                           f"not {spec.brief_quotes}; change the seed or the size")


# -- the cache ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """A generated corpus on disk."""

    size: str
    seed: int
    folder: Path
    files: list[dict]
    big_document_id: int
    brief_quotes: int
    spec: SizeSpec

    @property
    def project(self) -> Path:
        return self.folder / "project.posmap"

    def paths(self, kinds: tuple[str, ...]) -> list[Path]:
        return [Path(f["path"]) for f in self.files if f["kind"] in kinds]

    @property
    def text_like(self) -> list[Path]:
        return self.paths(("txt", "txt-cp1252", "html", "docx"))

    @property
    def pdfs(self) -> list[Path]:
        return self.paths(("pdf",))


def _key(spec: SizeSpec, seed: int) -> dict:
    return {"generator": GENERATOR_VERSION, "seed": seed, "spec": asdict(spec)}


def load(size: str, seed: int = DEFAULT_SEED) -> Corpus | None:
    """The cached corpus of this size and seed, or None when it must be generated."""
    spec = SIZES[size]
    folder = OUT / size
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        return None
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("key") != _key(spec, seed):
        return None
    files = manifest["files"]
    for entry in files:
        entry["path"] = str(folder / entry["path"])
    if not (folder / "project.posmap").is_file() or not all(Path(f["path"]).is_file() for f in files):
        return None
    return Corpus(size, seed, folder, files, manifest["big_document_id"], manifest["brief_quotes"], spec)


def ensure(size: str, seed: int = DEFAULT_SEED, *, log=print) -> Corpus:
    """The corpus of this size and seed, generated first when the cache does not hold it."""
    corpus = load(size, seed)
    if corpus is not None:
        return corpus
    return generate(size, seed, log=log)


def generate(size: str, seed: int = DEFAULT_SEED, *, log=print) -> Corpus:
    from posmap.services.importing import import_files
    from posmap.store import Project

    spec = SIZES[size]
    folder = OUT / size
    if folder.exists():
        shutil.rmtree(folder)
    files_folder = folder / "files"
    for sub in ("text", "pdf"):
        (files_folder / sub).mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    jobs = file_jobs(spec, seed, files_folder)
    workers = max(1, min(os.cpu_count() or 1, 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        written = list(pool.map(write_file, jobs, chunksize=8))
    sizes = {index: size_bytes for index, _, size_bytes in written}
    log(f"[{size}] wrote {len(jobs)} files ({sum(sizes.values()) / 1e6:.1f} MB) "
        f"in {time.perf_counter() - began:.1f} s")

    began = time.perf_counter()
    partial = folder / "project.posmap.partial"
    partial.unlink(missing_ok=True)
    with Project.create(partial, title=f"Benchmark corpus ({size})") as project:
        report = import_files(project, [Path(j.path) for j in jobs])
        if report.failures or report.duplicates:
            problems = [f"{f.path.name}: {f.reason}" for f in report.failures + report.duplicates]
            raise RuntimeError("the generated corpus did not import cleanly: " + "; ".join(problems[:5]))
        document_ids = [item.document_id for item in report.imported]
        log(f"[{size}] imported {len(document_ids)} documents in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        codebook = _codebook(project, spec)
        _add_codings(project, spec, random.Random(seed + 1), codebook, document_ids)
        log(f"[{size}] added {project.codings.count()} codings in {time.perf_counter() - began:.1f} s")
    partial.replace(folder / "project.posmap")
    manifest = {
        "key": _key(spec, seed),
        "files": [{"path": str(Path(j.path).relative_to(folder)), "kind": j.kind, "bytes": sizes[j.index]}
                  for j in jobs],
        "big_document_id": document_ids[0],
        "brief_quotes": spec.brief_quotes,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    corpus = load(size, seed)
    assert corpus is not None
    return corpus
