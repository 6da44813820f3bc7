"""The command line: a thin layer over the services, with a stable contract.

Results go to stdout (tab-separated lines, or JSON with ``--format json``); errors are one
line on stderr. Exit codes: 0 success, 1 user error, 2 usage error.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import getpass
import io
import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from pydantic import ValidationError

from posmap import __version__
from posmap.ingest import IngestError
from posmap.model import (
    Actor,
    ActorKind,
    Attribution,
    CodingKind,
    Issue,
    Scale,
    describe_validation_error,
)
from posmap.services.briefing import PAPER_CHOICES, BriefingOptions, write_briefing
from posmap.services.checking import integrity_problems
from posmap.services.codebook import (
    codebook_json,
    export_codebook,
    import_codebook,
    next_colour,
    read_codebook_file,
)
from posmap.services.coding import CodingRequest, code_quote, code_span
from posmap.services.demo import build_demo_files
from posmap.services.importing import MetadataOverrides, import_files
from posmap.services.matrix import (
    MatrixFormatError,
    MatrixOptions,
    build_matrix,
    check_matrix_path,
    record_filter_from,
    write_matrix,
)
from posmap.services.progress import Cancelled
from posmap.store import CodingFilter, CodingRecord, Project, ProjectError
from posmap.store.backups import backup_folder, list_backups, restore_backup

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Arguments that parse but do not make sense together."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit 2) instead of a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- argument types -----------------------------------------------------------------------------


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _span(value: str) -> tuple[int, int]:
    try:
        start, end = (int(part) for part in value.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a span START:END of two whole numbers") from None
    if start < 0 or end <= start:
        raise argparse.ArgumentTypeError(f"{value!r}: the span must satisfy 0 <= START < END")
    return start, end


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be 1 or more")
    return number


def _confidence(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"{value!r} must be between 0 and 1")
    return number


def _default_coder() -> str:
    try:
        return os.environ.get("POSMAP_CODER") or getpass.getuser()
    except (KeyError, OSError):
        return ""


# -- coding filters shared by `matrix` and `brief` -----------------------------------------------


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the FILTERS options (``--doc``, ``--since``, ``--until``, ``--attribution``, ``--coding-kind``,
    ``--coder``, plus ``--doc-kind`` and ``--doc-author``) to a command; read them with
    :func:`coding_filter_from_args`.

    Repeated options of one kind widen the selection (any of them); different options narrow it (all of them).
    """
    group = parser.add_argument_group("filters (repeat an option to allow several values)")
    group.add_argument("--doc", dest="filter_documents", type=_positive, action="append", default=[],
                       metavar="ID", help="only codings in this document")
    group.add_argument("--doc-kind", dest="filter_document_kinds", action="append", default=[], metavar="KIND",
                       help="only documents of this kind (study, interview, statement …)")
    group.add_argument("--doc-author", dest="filter_document_authors", action="append", default=[],
                       metavar="AUTHOR", help="only documents by this author (exact, case-insensitive)")
    group.add_argument("--since", dest="filter_since", type=_date, metavar="YYYY-MM-DD",
                       help="only documents dated on or after this day (undated documents are left out)")
    group.add_argument("--until", dest="filter_until", type=_date, metavar="YYYY-MM-DD",
                       help="only documents dated on or before this day (undated documents are left out)")
    group.add_argument("--attribution", dest="filter_attributions", action="append", default=[],
                       choices=[a.value for a in Attribution], help="only codings with this attribution")
    group.add_argument("--coding-kind", dest="filter_coding_kinds", action="append", default=[],
                       choices=[k.value for k in CodingKind], help="only codings of this kind")
    group.add_argument("--coder", dest="filter_coders", action="append", default=[], metavar="NAME",
                       help="only codings by this coder")


def coding_filter_from_args(project: Project, args: argparse.Namespace) -> CodingFilter:
    """The :class:`CodingFilter` the FILTERS options of :func:`add_filter_arguments` ask for.

    ``--doc-kind`` and ``--doc-author`` are resolved to document ids through the project, so the result
    is one plain store filter. Raises :class:`UsageError` for ``--since`` after ``--until`` and
    :class:`ProjectError` for unknown documents or document filters no document matches (an empty
    selection there is almost always a typo, and an empty id list would mean "every document").
    """
    since, until = args.filter_since, args.filter_until
    if since is not None and until is not None and since > until:
        raise UsageError(f"--since {since.isoformat()} is after --until {until.isoformat()}")
    for document_id in args.filter_documents:
        if not project.documents.exists(document_id):
            raise ProjectError(f"there is no document {document_id} in this project")
    document_ids: list[int] = list(dict.fromkeys(args.filter_documents))
    kinds = {k.strip().casefold() for k in args.filter_document_kinds}
    authors = {a.strip().casefold() for a in args.filter_document_authors}
    if kinds or authors:
        summaries = project.documents.summaries()
        matching = [
            s.id for s in summaries
            if (not kinds or s.kind.strip().casefold() in kinds)
            and (not authors or s.author.strip().casefold() in authors)
            and (not document_ids or s.id in document_ids)
        ]
        if not matching:
            asked = [f"--doc-kind {k}" for k in args.filter_document_kinds]
            asked += [f"--doc-author {a}" for a in args.filter_document_authors]
            known = sorted({s.kind for s in summaries if s.kind}) if kinds else []
            hint = f" (document kinds in this project: {', '.join(known)})" if known else ""
            raise ProjectError(f"no document matches {' '.join(asked)}{' and --doc' if document_ids else ''}{hint}")
        document_ids = matching
    return CodingFilter(
        document_ids=tuple(document_ids),
        since=since,
        until=until,
        attributions=tuple(dict.fromkeys(args.filter_attributions)),
        kinds=tuple(dict.fromkeys(args.filter_coding_kinds)),
        coders=tuple(dict.fromkeys(args.filter_coders)),
    )


# -- the parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="posmap",
        description="Structured position mapping: code documents to actors, issues and positions.",
        epilog="Run without a command to open the desktop application.",
    )
    parser.add_argument("--version", action="version", version=f"posmap {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    new = commands.add_parser("new", help="create a new project file")
    new.add_argument("project", metavar="PROJECT", type=Path)
    new.add_argument("--title", help="the project's title (default: the file name)")

    imp = commands.add_parser("import", help="import documents (txt, md, html, docx, pdf)")
    imp.add_argument("project", metavar="PROJECT", type=Path)
    imp.add_argument("files", metavar="FILE", nargs="+", type=Path)
    imp.add_argument("--title", help="title (only when importing one file)")
    imp.add_argument("--author")
    imp.add_argument("--outlet")
    imp.add_argument("--date", type=_date, help="publication date, YYYY-MM-DD")
    imp.add_argument("--kind", help="kind of document: study, interview, statement, plan, report …")
    imp.add_argument("--language", help="language code, e.g. en, ru, uk")
    imp.add_argument("--url")

    docs = commands.add_parser("documents", help="list the project's documents")
    docs.add_argument("project", metavar="PROJECT", type=Path)
    docs.add_argument("--format", choices=["tsv", "json"], default="tsv")

    for noun in ("actor", "issue"):
        group = commands.add_parser(noun, help=f"add or list {noun}s")
        verbs = group.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=_Parser)
        add = verbs.add_parser("add", help=f"add an {noun}")
        add.add_argument("project", metavar="PROJECT", type=Path)
        add.add_argument("name", metavar="NAME")
        add.add_argument("--parent", metavar="NAME", help=f"nest the {noun} inside another")
        add.add_argument("--color", metavar="#RRGGBB")
        if noun == "actor":
            add.add_argument("--kind", choices=[k.value for k in ActorKind], default=ActorKind.OTHER.value)
            add.add_argument("--alias", action="append", default=[], help="another name (repeatable)")
        else:
            add.add_argument("--proposition", default="", help="the statement the default scale agrees with")
            add.add_argument(
                "--scale",
                metavar='"LABEL;LABEL;..."',
                help="a custom scale, lowest first (values 0, 1, …, or LABEL=VALUE); default: agreement −2…+2",
            )
        listing = verbs.add_parser("list", help=f"list the {noun}s")
        listing.add_argument("project", metavar="PROJECT", type=Path)
        listing.add_argument("--format", choices=["tsv", "json"], default="tsv")

    codebook = commands.add_parser("codebook", help="export or import the codebook")
    cb_verbs = codebook.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=_Parser)
    cb_export = cb_verbs.add_parser("export", help="write the codebook as JSON")
    cb_export.add_argument("project", metavar="PROJECT", type=Path)
    cb_export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    cb_import = cb_verbs.add_parser("import", help="merge a codebook file into the project")
    cb_import.add_argument("project", metavar="PROJECT", type=Path)
    cb_import.add_argument("file", metavar="FILE", type=Path)

    code = commands.add_parser("code", help="code a passage of a document")
    code.add_argument("project", metavar="PROJECT", type=Path)
    code.add_argument("document", metavar="DOC_ID", type=_positive)
    where = code.add_mutually_exclusive_group(required=True)
    where.add_argument("--quote", help="the exact text to code")
    where.add_argument("--span", type=_span, metavar="START:END", help="code-point offsets into the text")
    code.add_argument("--occurrence", type=_positive, help="which occurrence of the quote (1 = first)")
    code.add_argument("--actor", required=True, metavar="NAME")
    code.add_argument("--issue", required=True, metavar="NAME")
    code.add_argument("--position", required=True, metavar="VALUE", help="a scale label or its value")
    code.add_argument("--kind", choices=[k.value for k in CodingKind], default=CodingKind.POSITION.value)
    code.add_argument(
        "--attribution", choices=[a.value for a in Attribution], default=Attribution.OWN_WORDS.value
    )
    code.add_argument("--confidence", type=_confidence, default=1.0, help="0 to 1 (default 1)")
    code.add_argument("--note", default="")
    code.add_argument("--coder", default=None, help="who coded it (default: your user name)")

    codings = commands.add_parser("codings", help="list codings")
    codings.add_argument("project", metavar="PROJECT", type=Path)
    codings.add_argument("--actor", metavar="NAME")
    codings.add_argument("--issue", metavar="NAME")
    codings.add_argument("--doc", type=_positive, metavar="ID")
    codings.add_argument("--format", choices=["tsv", "csv", "json"], default="tsv")

    matrix = commands.add_parser(
        "matrix", help="print or export the position matrix (CSV, XLSX, JSON)",
        description="Aggregate codings into a matrix of actors, issues or documents. Without -o, print the "
                    "matrix of one statistic as tab-separated lines.",
    )
    matrix.add_argument("project", metavar="PROJECT", type=Path)
    matrix.add_argument("--rows", choices=["actors", "issues", "documents"], default="actors")
    matrix.add_argument("--cols", choices=["issues", "actors"], default="issues")
    matrix.add_argument("--stat", choices=["count", "mean", "median", "min", "max", "latest", "spread"],
                        default="mean", help="the statistic shown (default mean; XLSX and JSON hold them all)")
    matrix.add_argument("--rollup", action="store_true",
                        help="an actor's or issue's cells include the codings of the entries nested below it")
    matrix.add_argument("--long", action="store_true",
                        help="tidy rows (one per cell, every statistic) instead of a matrix; printed or CSV")
    matrix.add_argument("-o", "--output", type=Path, metavar="FILE", help="write FILE.csv, FILE.xlsx or FILE.json")
    add_filter_arguments(matrix)

    brief = commands.add_parser(
        "brief", help="write a PDF briefing paper",
        description="Write a PDF briefing: summary heat map, one section per issue with each actor's position "
                    "and its quotes, contested points, sources and the codebook. Prints the PDF's path.",
    )
    brief.add_argument("project", metavar="PROJECT", type=Path)
    brief.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf", help="the PDF to write")
    brief.add_argument("--title", default="", help="title (default: the project's title)")
    brief.add_argument("--subtitle", default="")
    brief.add_argument("--author", default="", help="author or unit named on the title page and in the footer")
    brief.add_argument("--marking", default="", metavar="TEXT",
                       help='handling marking such as "RESTRICTED", printed on every page')
    brief.add_argument("--issue", action="append", default=[], metavar="NAME",
                       help="an issue to cover (repeatable; default: every issue with codings)")
    brief.add_argument("--actor", action="append", default=[], metavar="NAME",
                       help="an actor to cover (repeatable; default: every actor with codings)")
    brief.add_argument("--max-quotes", type=_positive, default=5, metavar="N",
                       help="most quotes per actor and issue (default 5)")
    brief.add_argument("--paper", choices=PAPER_CHOICES, default="a4")
    add_filter_arguments(brief)

    check = commands.add_parser("check", help="report integrity problems (exit 1 when there are any)")
    check.add_argument("project", metavar="PROJECT", type=Path)

    backups = commands.add_parser(
        "backups", help="list the safety copies kept of a project",
        description="posmap keeps the last 3 copies of a project, made when a command or the GUI opens it "
        "to change it (at most one an hour), in the user's data folder or in $POSMAP_BACKUP_DIR.",
    )
    backups.add_argument("project", metavar="PROJECT", type=Path)
    backups.add_argument("--format", choices=["tsv", "json"], default="tsv")

    restore = commands.add_parser("restore", help="restore a project from a backup listed by 'posmap backups'")
    restore.add_argument("backup", metavar="BACKUP", type=Path)
    restore.add_argument("-o", "--output", metavar="PROJECT", type=Path, required=True,
                         help="the project file to write")
    restore.add_argument("--replace", action="store_true",
                         help="overwrite PROJECT if it exists (a safety copy of it is kept with its backups)")

    gui = commands.add_parser("gui", help="open the desktop application")
    gui.add_argument("project", metavar="PROJECT", type=Path, nargs="?")

    demo = commands.add_parser("demo", help="build the sample project and open it")
    demo.add_argument("--out", type=Path, default=None, help="folder for the demo files (default: ./posmap-demo)")
    demo.add_argument("--no-gui", action="store_true", help="write the demo files and print their paths")

    return parser


# -- commands -------------------------------------------------------------------------------------


def _open(path: Path, *, backup: bool = False) -> Project:
    """Open a project; commands that change it pass ``backup`` to keep a rotating safety copy first."""
    return Project.open(path, backup=backup)


def cmd_new(args: argparse.Namespace) -> int:
    with Project.create(args.project, title=args.title or ""):
        pass
    print(args.project)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    if args.title and len(args.files) > 1:
        raise UsageError("--title can only be given when importing a single file")
    overrides = MetadataOverrides(
        title=args.title, author=args.author, outlet=args.outlet, date=args.date, kind=args.kind,
        language=args.language, url=args.url,
    )
    with _open(args.project, backup=True) as project:
        report = import_files(project, args.files, overrides)
    for item in report.imported:
        print(f"{item.document_id}\t{_cell(item.title)}")
    for item in report.duplicates:
        _warn(f"{item.path}: {item.reason}; nothing added")
    for item in report.failures:
        _warn(f"{item.path}: {item.reason}")
    return EXIT_USER_ERROR if report.failures else EXIT_OK


def cmd_documents(args: argparse.Namespace) -> int:
    with _open(args.project) as project:
        documents = project.documents.all()
        counts = {s.id: s.coding_count for s in project.documents.summaries()}
    rows = [
        {
            "id": d.id,
            "title": d.title,
            "author": d.author,
            "outlet": d.outlet,
            "date": d.date.isoformat() if d.date else None,
            "kind": d.kind,
            "language": d.language,
            "url": d.url,
            "file_name": d.file_name,
            "sha256": d.sha256,
            "pages": len(d.pages),
            "characters": d.character_count,
            "codings": counts.get(d.id, 0),
            "extractor": d.extractor,
            "imported_at": d.imported_at.isoformat() if d.imported_at else None,
        }
        for d in documents
    ]
    columns = ["id", "title", "author", "date", "kind", "language", "pages", "codings", "sha256"]
    _emit(rows, columns, args.format)
    return EXIT_OK


def cmd_actor(args: argparse.Namespace) -> int:
    with _open(args.project, backup=args.verb != "list") as project:
        if args.verb == "list":
            names = {a.id: a.name for a in project.actors.all()}
            rows = [
                {"id": a.id, "name": a.name, "parent": names.get(a.parent_id), "kind": a.kind.value,
                 "color": a.color, "aliases": a.aliases, "codings": project.actors.coding_count(a.id)}
                for a in project.actors.all()
            ]
            _emit(rows, ["id", "name", "parent", "kind", "color", "codings"], args.format)
            return EXIT_OK
        parent_id = project.actors.by_name(args.parent).id if args.parent else None
        actor = Actor(
            name=args.name, parent_id=parent_id, kind=ActorKind(args.kind),
            color=args.color or next_colour(len(project.actors.all())), aliases=args.alias,
        )
        print(project.actors.add(actor))
    return EXIT_OK


def cmd_issue(args: argparse.Namespace) -> int:
    with _open(args.project, backup=args.verb != "list") as project:
        if args.verb == "list":
            names = {i.id: i.name for i in project.issues.all()}
            rows = [
                {"id": i.id, "name": i.name, "parent": names.get(i.parent_id), "proposition": i.proposition,
                 "color": i.color, "scale": i.scale.describe(), "codings": project.issues.coding_count(i.id)}
                for i in project.issues.all()
            ]
            _emit(rows, ["id", "name", "parent", "scale", "codings"], args.format)
            return EXIT_OK
        parent_id = project.issues.by_name(args.parent).id if args.parent else None
        scale = Scale.from_labels(args.scale) if args.scale else Scale.agreement()
        issue = Issue(
            name=args.name, parent_id=parent_id, proposition=args.proposition, scale=scale,
            color=args.color or next_colour(len(project.issues.all()), offset=5),
        )
        print(project.issues.add(issue))
    return EXIT_OK


def cmd_codebook(args: argparse.Namespace) -> int:
    if args.verb == "export":
        with _open(args.project) as project:
            text = codebook_json(export_codebook(project))
        if args.output:
            args.output.write_text(text, encoding="utf-8")
            print(args.output)
        else:
            sys.stdout.write(text)
        return EXIT_OK
    codebook = read_codebook_file(args.file)
    with _open(args.project, backup=True) as project:
        report = import_codebook(project, codebook)
    print(
        f"actors added\t{report.actors_added}\nactors updated\t{report.actors_updated}\n"
        f"issues added\t{report.issues_added}\nissues updated\t{report.issues_updated}"
    )
    return EXIT_OK


def cmd_code(args: argparse.Namespace) -> int:
    if args.occurrence is not None and args.quote is None:
        raise UsageError("--occurrence goes with --quote")
    request = CodingRequest(
        actor=args.actor, issue=args.issue, position=args.position, kind=CodingKind(args.kind),
        attribution=Attribution(args.attribution), confidence=args.confidence, note=args.note,
        coder=args.coder if args.coder is not None else _default_coder(),
    )
    with _open(args.project, backup=True) as project:
        if not project.documents.exists(args.document):
            raise ProjectError(f"there is no document {args.document} in this project")
        if args.quote is not None:
            coding_id = code_quote(project, args.document, args.quote, request, occurrence=args.occurrence)
        else:
            coding_id = code_span(project, args.document, *args.span, request)
    print(coding_id)
    return EXIT_OK


CODING_COLUMNS = [
    "id", "document_id", "start", "end", "quote", "page", "actor", "issue", "position", "position_label",
    "kind", "attribution", "confidence", "note", "coder",
]


def coding_row(record: CodingRecord) -> dict:
    row = asdict(record)
    row["document"] = row.pop("document_title")
    return row


def cmd_codings(args: argparse.Namespace) -> int:
    with _open(args.project) as project:
        if args.doc is not None and not project.documents.exists(args.doc):
            raise ProjectError(f"there is no document {args.doc} in this project")
        where = CodingFilter(
            actor_ids=[project.actors.by_name(args.actor).id] if args.actor else (),
            issue_ids=[project.issues.by_name(args.issue).id] if args.issue else (),
            document_ids=[args.doc] if args.doc else (),
        )
        rows = [coding_row(r) for r in project.codings.records(where)]
    _emit(rows, CODING_COLUMNS, args.format)
    return EXIT_OK


def cmd_matrix(args: argparse.Namespace) -> int:
    from posmap.export.matrix_tables import LONG_COLUMNS, long_rows, matrix_table

    if args.rows == args.cols:
        raise UsageError(f"--rows and --cols must differ (both are {args.rows})")
    if args.output is not None:
        try:
            suffix = check_matrix_path(args.output)
        except MatrixFormatError as exc:
            raise UsageError(str(exc)) from None
        if args.long and suffix != ".csv":
            raise UsageError("--long applies to CSV output and the printed table only")
    with _open(args.project) as project:
        options = MatrixOptions(
            rows=args.rows, columns=args.cols, statistic=args.stat, rollup=args.rollup, long=args.long,
            # Keep the document conditions as the user gave them, so exports describe the filter in their words.
            filter=record_filter_from(
                coding_filter_from_args(project, args), document_ids=args.filter_documents,
                document_kinds=args.filter_document_kinds, document_authors=args.filter_document_authors,
            ),
        )
        if args.output is not None:
            print(write_matrix(project, options, args.output))
            return EXIT_OK
        report = build_matrix(project, options)
    if args.long:
        _emit(long_rows(report.matrix), LONG_COLUMNS, "tsv")
    else:
        for line in matrix_table(report.matrix, options.statistic):
            print("\t".join(_cell(value) for value in line))
    if report.matrix.normalised and options.statistic.is_position:
        _warn("note: cells that mix issues with different scales show positions normalised to -1…+1")
    return EXIT_OK


def cmd_brief(args: argparse.Namespace) -> int:
    if args.output.suffix.lower() != ".pdf":
        raise UsageError(f"-o must name a .pdf file (got {args.output.name!r})")
    with _open(args.project) as project:
        where = coding_filter_from_args(project, args)
        # Documents chosen by kind or author are described that way, not as a list of ids.
        document_scope = tuple(
            [f"document kind {kind}" for kind in args.filter_document_kinds]
            + [f"document author {author}" for author in args.filter_document_authors]
        )
        if document_scope and args.filter_documents:
            document_scope += (f"documents {', '.join(map(str, args.filter_documents))}",)
        options = BriefingOptions(
            output=args.output, title=args.title, subtitle=args.subtitle, author=args.author,
            marking=args.marking, issues=tuple(args.issue), actors=tuple(args.actor), coding_filter=where,
            document_scope=document_scope, max_quotes=args.max_quotes, paper=args.paper,
        )
        result = write_briefing(project, options)
    print(result.path)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    # A file that breaks the content rules is opened anyway (nothing is written) so they can be listed.
    with Project.open(args.project, check_content=False) as project:
        problems = integrity_problems(project)
        if problems:
            # Counting could fail on the very damage just found; report the problems instead.
            for problem in problems:
                print(problem)
            _warn(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} found in {args.project}")
            return EXIT_USER_ERROR
        documents, codings = project.documents.count(), project.codings.count()
    print(f"ok\t{documents} documents, {codings} codings, no problems found")
    return EXIT_OK


def cmd_backups(args: argparse.Namespace) -> int:
    # The project itself may be gone: that is when its backups matter most.
    backups = list_backups(args.project)
    rows = [
        {"path": str(b.path), "time": b.created.isoformat(timespec="seconds"), "size": b.size} for b in backups
    ]
    _emit(rows, ["path", "time", "size"], args.format)
    if not rows:
        _warn(f"no backups of {args.project.name} yet (they are kept in {backup_folder(args.project)})")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    print(restore_backup(args.backup, args.output, replace=args.replace))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    files = build_demo_files(args.out or Path("posmap-demo"))
    print(files.project)
    print(files.matrix)
    print(files.briefing)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "new": cmd_new,
    "import": cmd_import,
    "documents": cmd_documents,
    "actor": cmd_actor,
    "issue": cmd_issue,
    "codebook": cmd_codebook,
    "code": cmd_code,
    "codings": cmd_codings,
    "matrix": cmd_matrix,
    "brief": cmd_brief,
    "check": cmd_check,
    "backups": cmd_backups,
    "restore": cmd_restore,
    "demo": cmd_demo,
}


# -- output ---------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A value as one TSV cell: tabs and newlines inside become spaces, other control characters "?"."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    return _printable(" ".join(str(value).replace("\t", " ").splitlines()))


# Control characters and bidirectional overrides: text from someone else's file or a file name could
# otherwise move the cursor, retitle the terminal or disguise what is printed.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub("?", _LINE_BREAKS.sub(" ", text))


def _emit(rows: list[dict], columns: Sequence[str], fmt: str) -> None:
    if fmt == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    else:
        print("\t".join(columns))
        for row in rows:
            print("\t".join(_cell(row.get(column)) for column in columns))


def _warn(message: str) -> None:
    """Print one line on stderr, whatever file names or data the message holds."""
    print(f"posmap: {_printable(message)}", file=sys.stderr)


# -- entry ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def run(args: argparse.Namespace) -> int:
    """Run a parsed command, turning every expected failure into one line on stderr."""
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        _warn(f"error: {exc}")
        return EXIT_USAGE
    except (ProjectError, IngestError, Cancelled) as exc:
        _warn(str(exc))
        return EXIT_USER_ERROR
    except ValidationError as exc:
        _warn(describe_validation_error(exc))
        return EXIT_USER_ERROR
    except ValueError as exc:
        _warn(str(exc))
        return EXIT_USER_ERROR
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            # Another process took the lock after the project was opened (e.g. while reading).
            project = getattr(args, "project", None)
            name = project.name if isinstance(project, Path) else "the project"
            _warn(f"{name} is busy in another window or command; try again in a moment")
        else:
            _warn(f"the project file is damaged or unreadable ({exc})")
        return EXIT_USER_ERROR
    except sqlite3.DatabaseError as exc:
        _warn(f"the project file is damaged or unreadable ({exc})")
        return EXIT_USER_ERROR
    except BrokenPipeError:
        silence_broken_pipe()
        return EXIT_OK
    except OSError as exc:
        _warn(f"{exc.filename or 'file'}: {exc.strerror or exc}")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        _warn("interrupted; nothing was changed by the unfinished command")
        return 130
    except Exception as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        if os.environ.get("POSMAP_DEBUG"):
            raise
        _warn(f"unexpected error: {type(exc).__name__}: {exc} (set POSMAP_DEBUG=1 to see details)")
        return EXIT_USER_ERROR


def silence_broken_pipe() -> None:
    """When output is piped into a command that stops reading (``| head``), exit quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line only (no GUI); ``posmap.main`` is the full entry point."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        build_parser().print_help()
        return EXIT_USAGE
    return run(args)
