"""Hostile and broken documents: each gives one clear line and leaves the project as it was.

The corpus is generated here: truncated, encrypted and image-only PDFs, zip bombs and XXE
payloads named .docx, HTML that tries to fetch things, huge and binary files named .txt, and
text in mixed encodings. Nothing may be fetched from the network and no local file may leak.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import struct
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest
from docx.oxml.parser import parse_xml
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from posmap.ingest import IngestError, read_document
from posmap.services.importing import import_files
from posmap.store import Project

SECRET_MARKER = "TOP-SECRET-MARKER-7d3f"
MIB = 1024 * 1024


# -- a listener that records any connection attempt (also catches fetches made in C by libxml2) -------


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    hits: list[str] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            hits.append(connection.recv(200).decode("latin-1", "replace"))
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    time.sleep(0.3)  # give a late fetch the chance to show up
    stop.set()
    thread.join()
    server.close()


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(f"{SECRET_MARKER}\n", encoding="utf-8")
    return path


# -- generators ----------------------------------------------------------------------------------------


def _pdf(path: Path, text: str | None = "Minutes of the second round of talks.", **options: object) -> Path:
    pdf = canvas.Canvas(str(path), **options)
    if text:
        pdf.drawString(72, 720, text)
    else:
        pdf.rect(100, 100, 300, 300, fill=1)  # a page with only a picture, like a scan
    pdf.showPage()
    pdf.save()
    return path


def _docx(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "Base document"
    document.add_paragraph("The base paragraph.")
    document.save(str(path))
    return path


def _rewrite_docx(source: Path, target: Path, part: str, transform: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as changed:
        for item in original.infolist():
            data = original.read(item.filename)
            changed.writestr(item, transform(data) if item.filename == part else data)
    return target


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document_xml(doctype: str, reference: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n{doctype}\n<w:document {_W}><w:body>'
        f"<w:p><w:r><w:t>Visible text.</w:t></w:r><w:r><w:t>{reference}</w:t></w:r></w:p>"
        "</w:body></w:document>"
    ).encode()


def _declared_size_bomb(path: Path) -> Path:
    """A tiny archive whose central directory claims a 3.5 GB member."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 0xD0000000)  # uncompressed size
    path.write_bytes(bytes(data))
    return path


# (file name, how to make it in a folder, the reason the user reads)
FAILING_INPUTS: dict[str, tuple[Callable[[Path], Path], str]] = {}


def failing(name: str, reason: str):
    def register(make: Callable[[Path], Path]) -> Callable[[Path], Path]:
        FAILING_INPUTS[name] = (make, reason)
        return make

    return register


@failing("truncated.pdf", "the PDF is damaged or unreadable")
def _truncated_pdf(folder: Path) -> Path:
    data = _pdf(folder / "whole.pdf").read_bytes()
    (folder / "whole.pdf").unlink()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])
    return folder / "truncated.pdf"


@failing("encrypted.pdf", "the PDF is encrypted (password-protected)")
def _encrypted_pdf(folder: Path) -> Path:
    return _pdf(folder / "encrypted.pdf", encrypt=StandardEncryption("user-secret", ownerPassword="owner"))


@failing("scanned.pdf", "the PDF has no text layer (scanned images?); run OCR on it first")
def _scanned_pdf(folder: Path) -> Path:
    return _pdf(folder / "scanned.pdf", text=None)


@failing("not-a-pdf.pdf", "the PDF is damaged or unreadable")
def _fake_pdf(folder: Path) -> Path:
    (folder / "not-a-pdf.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    return folder / "not-a-pdf.pdf"


@failing("bomb.docx", "the DOCX file is suspiciously large when unpacked (possible zip bomb)")
def _ratio_bomb(folder: Path) -> Path:
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (24 * MIB))
    return folder / "bomb.docx"


@failing("declared-bomb.docx", "the DOCX file is suspiciously large when unpacked (possible zip bomb)")
def _size_bomb(folder: Path) -> Path:
    return _declared_size_bomb(folder / "declared-bomb.docx")


@failing("laughs.docx", "the DOCX file is damaged or not a Word document")
def _billion_laughs(folder: Path) -> Path:
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return _rewrite_docx(_docx(folder / "base-laughs.docx"), folder / "laughs.docx", "word/document.xml",
                         lambda _: _document_xml(f"<!DOCTYPE w:document [{entities}]>", "&a9;"))


@failing("truncated.docx", "the DOCX file is damaged or not a Word document")
def _truncated_docx(folder: Path) -> Path:
    data = _docx(folder / "base-truncated.docx").read_bytes()
    (folder / "truncated.docx").write_bytes(data[: len(data) // 2])
    return folder / "truncated.docx"


@failing("protected.docx", "the Word file is password-protected or in the old .doc format")
def _protected_docx(folder: Path) -> Path:
    (folder / "protected.docx").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 4096)
    return folder / "protected.docx"


@failing("huge-sparse.txt", "the file is larger than 64 MB")
def _huge_sparse(folder: Path) -> Path:
    with (folder / "huge-sparse.txt").open("wb") as handle:
        handle.truncate(200 * MIB)
    return folder / "huge-sparse.txt"


@failing("nuls.txt", "not a text file (it contains binary data)")
def _sparse_under_the_limit(folder: Path) -> Path:
    with (folder / "nuls.txt").open("wb") as handle:
        handle.truncate(60 * MIB)
    return folder / "nuls.txt"


@failing("picture.txt", "not a text file (it contains binary data)")
def _png_named_txt(folder: Path) -> Path:
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4096))
    return folder / "picture.txt"


@failing("program.txt", "not a text file (it contains binary data)")
def _elf_named_txt(folder: Path) -> Path:
    (folder / "program.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 16)
    return folder / "program.txt"


@failing("mixed.txt", "the file mixes UTF-8 with another text encoding")
def _mixed_encodings(folder: Path) -> Path:
    (folder / "mixed.txt").write_bytes(
        "Переговоры в Женеве: ".encode() + "позиция делегации".encode("cp1251") + " café\n".encode("latin-1")
    )
    return folder / "mixed.txt"


@failing("mostly-utf8.html", "the file mixes UTF-8 with another text encoding")
def _mostly_utf8_html(folder: Path) -> Path:
    body = "<p>Переговоры о мире начались в Женеве.</p>" * 20
    (folder / "mostly-utf8.html").write_bytes(f"<html><body>{body}".encode() + b"<p>caf\xe9</p></body></html>")
    return folder / "mostly-utf8.html"


@failing("empty.txt", "the file is empty")
def _empty(folder: Path) -> Path:
    (folder / "empty.txt").write_bytes(b"\xef\xbb\xbf \r\n\t\r\n")
    return folder / "empty.txt"


@failing("deep.md", "the Markdown file contains no readable text")
def _deep_markdown(folder: Path) -> Path:
    (folder / "deep.md").write_text("> " * 100_000 + "too deep\n", encoding="utf-8")
    return folder / "deep.md"


@failing("tool.exe", 'unsupported file type ".exe"')
def _unsupported(folder: Path) -> Path:
    (folder / "tool.exe").write_bytes(b"MZ" + os.urandom(100))
    return folder / "tool.exe"


@failing("folder.txt", "it is a folder, not a file")
def _folder(folder: Path) -> Path:
    (folder / "folder.txt").mkdir()
    return folder / "folder.txt"


@failing("evil\n\x1b]0;pwned\x07name.txt", "not a text file (it contains binary data)")
def _hostile_file_name(folder: Path) -> Path:
    path = folder / "evil\n\x1b]0;pwned\x07name.txt"
    path.write_bytes(b"\x00\x01\x02" * 100)
    return path


@pytest.fixture(scope="module")
def failing_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {name: make(folder) for name, (make, _) in FAILING_INPUTS.items()}


# -- every failing input, through the reader and through the import service ----------------------------


@pytest.mark.parametrize("name", [n for n in FAILING_INPUTS if n not in {"folder.txt"}])
def test_reader_gives_one_clear_sentence(failing_corpus: dict[str, Path], name: str) -> None:
    started = time.monotonic()
    with pytest.raises(IngestError) as caught:
        read_document(failing_corpus[name])
    message = str(caught.value)
    expected = FAILING_INPUTS[name][1]
    if expected != "it is a folder, not a file":
        assert expected in message
    assert "\n" not in message and len(message) < 200
    assert time.monotonic() - started < 10, "the reader must refuse quickly, not freeze"


def test_failed_import_leaves_the_project_unchanged(failing_corpus: dict[str, Path], tmp_path: Path,
                                                    file_digest) -> None:
    path = tmp_path / "p.posmap"
    Project.create(path).close()
    before = file_digest(path)
    with Project.open(path) as observer, Project.open(path, backup=True) as project:
        version = observer.data_version()  # changes when another connection commits
        report = import_files(project, list(failing_corpus.values()))
        assert observer.data_version() == version
        assert project.documents.count() == 0
    assert report.imported == [] and len(report.failures) == len(failing_corpus)
    for failure in report.failures:
        assert FAILING_INPUTS[failure.path.name][1] in failure.reason
    assert file_digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("p.posmap")) == ["p.posmap"]


def test_command_line_prints_one_line_per_file(failing_corpus: dict[str, Path], tmp_path: Path, run_posmap,
                                               file_digest) -> None:
    path = tmp_path / "cli.posmap"
    assert run_posmap("new", path).returncode == 0
    long_text = tmp_path / "long.txt"
    line = b"The delegation rejected the proposal on the northern border again.\n"
    long_text.write_bytes(line * (51_000_000 // len(line) + 1))  # under 64 MB, over 50 million characters
    real_huge = tmp_path / "real-huge.txt"
    with real_huge.open("wb") as handle:
        chunk = line * (MIB // len(line))
        for _ in range(200):
            handle.write(chunk)
    before = file_digest(path)
    files = [*failing_corpus.values(), long_text, real_huge, tmp_path / "missing.txt"]
    result = run_posmap("import", path, *files)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == len(files), lines
    assert all(line.startswith("posmap: ") for line in lines)
    for name, (_, reason) in FAILING_INPUTS.items():
        shown = name.replace("\n", " ").replace("\x1b", "?").replace("\x07", "?")
        assert any(shown in line and reason in line for line in lines), (name, lines)
    assert any("long.txt: the text is too long for one document (51,000,064 characters" in line for line in lines)
    assert any("real-huge.txt: the file is larger than 64 MB" in line for line in lines)
    assert any("missing.txt: the file does not exist" in line for line in lines)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert file_digest(path) == before
    print("\n" + "\n".join(lines))


# -- inputs that import, but must not leak or fetch anything --------------------------------------------


def test_docx_external_entities_resolve_nothing(tmp_path: Path, listener, secret_file: Path) -> None:
    port, hits = listener
    base = _docx(tmp_path / "base.docx")
    doctypes = {
        "file": f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>',
        "passwd": '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        "http": f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/entity">]>',
        "parameter": f'<!DOCTYPE w:document [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/dtd"> %p;]>',
        "external DTD": f'<!DOCTYPE w:document SYSTEM "http://127.0.0.1:{port}/external.dtd">',
    }
    for label, doctype in doctypes.items():
        path = _rewrite_docx(base, tmp_path / f"xxe-{label.replace(' ', '-')}.docx", "word/document.xml",
                             lambda _, doctype=doctype: _document_xml(doctype, "&xxe;"))
        text = read_document(path).text
        assert "Visible text." in text, label
        assert SECRET_MARKER not in text and "root:" not in text, label
    footnotes = _rewrite_docx(base, tmp_path / "xxe-core.docx", "docProps/core.xml", lambda data: data.replace(
        b"?>", f'?>\n<!DOCTYPE cp:coreProperties [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>'.encode(), 1,
    ).replace(b"<dc:title>Base document</dc:title>", b"<dc:title>Title &xxe;</dc:title>"))
    document = read_document(footnotes)
    assert SECRET_MARKER not in str(document.metadata) and SECRET_MARKER not in document.text
    assert hits == []


def test_python_docx_parser_resolves_no_entities(secret_file: Path) -> None:
    """Guards the library setting the DOCX reader relies on (python-docx parses with lxml)."""
    element = parse_xml(
        f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]><r {_W}><w:t>&xxe;</w:t></r>'.encode()
    )
    assert SECRET_MARKER not in "".join(element.itertext())


def test_footnotes_with_external_entities_leak_nothing(tmp_path: Path, secret_file: Path, listener) -> None:
    port, hits = listener
    document = docx.Document()
    document.add_paragraph("Body with a note.")
    path = tmp_path / "noted.docx"
    document.save(str(path))
    footnotes = (
        f'<?xml version="1.0"?><!DOCTYPE w:footnotes [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">'
        f'<!ENTITY net SYSTEM "http://127.0.0.1:{port}/n">]>'
        f'<w:footnotes {_W}><w:footnote w:id="1"><w:p><w:r><w:t>Note &xxe; &net;</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    ).encode()
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    document = docx.Document(str(path))
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, footnotes, document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    document.save(str(path))
    text = read_document(path).text
    assert "Note" in text and SECRET_MARKER not in text
    assert hits == []


def test_html_fetches_nothing(tmp_path: Path, listener, secret_file: Path, monkeypatch) -> None:
    port, hits = listener
    url = f"http://127.0.0.1:{port}"

    def refuse(*args, **kwargs):
        raise AssertionError("posmap tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    page = tmp_path / "page.html"
    page.write_text(
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>'
        f'<html><head><title>Talks</title><meta http-equiv="refresh" content="0;url={url}/refresh">'
        f'<link rel="stylesheet" href="{url}/style.css"><script src="{url}/app.js"></script>'
        f'<script>fetch("{url}/beacon")</script><base href="{url}/"></head>'
        f'<body><p>Visible statement &xxe;.<img src="{url}/pixel.png"></p>'
        f'<iframe src="{url}/frame"></iframe><object data="{url}/object"></object>'
        f'<svg><image href="{url}/svg.png"/></svg><video src="{url}/v.mp4"></video></body></html>',
        encoding="utf-8",
    )
    markdown = tmp_path / "page.md"
    markdown.write_text(f"# Talks\n\n![pixel]({url}/md.png)\n\n<img src='{url}/raw.png'>\n\nVisible line.\n",
                        encoding="utf-8")
    html_text = read_document(page).text
    assert "Visible statement" in html_text and SECRET_MARKER not in html_text
    assert "fetch" not in html_text
    assert "Visible line." in read_document(markdown).text
    assert hits == []


def test_legacy_encodings_still_import(tmp_path: Path) -> None:
    """The mixed-encoding refusal must not catch real legacy files, Ukrainian capitals included."""
    samples = {
        "uk.txt": ("Міністр Віктор і Ірина підтримують переговори. НІ — сказав Президент. Їжак, Єдність. " * 40,
                   "cp1251"),
        "ru.txt": ("Пётр Ёлкин сказал «нет» — и ушёл. ВСЁ ЭТО БЫЛО В МОСКВЕ. № 5. " * 40, "cp1251"),
        "fr.txt": ("L’ÉTÉ À PARIS — « ÇA VA » ÉCOLE, déjà vu, naïve façade. " * 40, "cp1252"),
    }
    for name, (text, encoding) in samples.items():
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        assert read_document(path).text == text.strip(), name


def test_partial_import_keeps_the_good_files(tmp_path: Path, failing_corpus: dict[str, Path]) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Norland accepts monitors.", encoding="utf-8")
    path = tmp_path / "mixed-batch.posmap"
    with Project.create(path) as project:
        report = import_files(project, [failing_corpus["truncated.pdf"], good, failing_corpus["mixed.txt"]])
        assert [item.path for item in report.imported] == [good]
        assert len(report.failures) == 2
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert hashlib.sha256(good.read_bytes()).hexdigest() in {
        row[0] for row in connection.execute("SELECT sha256 FROM documents")
    }
    connection.close()
