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
from posmap.services.checking import integrity_problems
from posmap.services.codebook import (
    codebook_json,
    export_codebook,
    import_codebook,
    next_colour,
    read_codebook_file,
)
from posmap.services.coding import CodingRequest, code_quote, code_span
from posmap.services.demo import build_demo_project
from posmap.services.importing import MetadataOverrides, import_files
from posmap.services.progress import Cancelled
from posmap.store import CodingFilter, CodingRecord, Project, ProjectError

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

    check = commands.add_parser("check", help="report integrity problems (exit 1 when there are any)")
    check.add_argument("project", metavar="PROJECT", type=Path)

    gui = commands.add_parser("gui", help="open the desktop application")
    gui.add_argument("project", metavar="PROJECT", type=Path, nargs="?")

    demo = commands.add_parser("demo", help="build the sample project and open it")
    demo.add_argument("--out", type=Path, default=None, help="folder for the demo files (default: ./posmap-demo)")
    demo.add_argument("--no-gui", action="store_true", help="write the demo files and print their paths")

    return parser


# -- commands -------------------------------------------------------------------------------------


def _open(path: Path) -> Project:
    return Project.open(path)


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
    with _open(args.project) as project:
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
    with _open(args.project) as project:
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
    with _open(args.project) as project:
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
    with _open(args.project) as project:
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
    with _open(args.project) as project:
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
        where = CodingFilter(
            actor_ids=[project.actors.by_name(args.actor).id] if args.actor else (),
            issue_ids=[project.issues.by_name(args.issue).id] if args.issue else (),
            document_ids=[args.doc] if args.doc else (),
        )
        rows = [coding_row(r) for r in project.codings.records(where)]
    _emit(rows, CODING_COLUMNS, args.format)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        problems = integrity_problems(project)
        documents, codings = project.documents.count(), project.codings.count()
    for problem in problems:
        print(problem)
    if problems:
        _warn(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} found in {args.project}")
        return EXIT_USER_ERROR
    print(f"ok\t{documents} documents, {codings} codings, no problems found")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    out = args.out or Path("posmap-demo")
    demo = build_demo_project(out)
    print(demo.path)
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
    "check": cmd_check,
    "demo": cmd_demo,
}


# -- output ---------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A value as one TSV cell: tabs and newlines inside become spaces."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    return " ".join(str(value).replace("\t", " ").splitlines())


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
    print(f"posmap: {message}", file=sys.stderr)


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
