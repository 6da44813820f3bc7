"""Searching the corpus: forgiving about case and diacritics, exact about offsets, never crashing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posmap.model import Document
from posmap.services.search import fts_query, search_corpus
from posmap.store import Project

TURKISH = "Perinçek spoke to Aydınlık Europe. AYDINLIK is a newspaper from Türkiye; İstanbul hosts talks."
SECOND_TURKISH = "The Aydinlik reporter (spelt without the dotless i) asked about Istanbul."
CYRILLIC = "Заявление 😀😀 МИД: переговоры в Женеве. Café owners in Genève discussed the ceasefire."
PAGE_ONE = "Norland opens.\n"
PAGED = PAGE_ONE + "On page two the ceasefire is signed."


@pytest.fixture
def corpus(project: Project, add_document) -> dict[str, int]:
    return {
        "turkish": add_document(TURKISH, title="Interview"),
        "second": add_document(SECOND_TURKISH, title="Report"),
        "cyrillic": add_document(CYRILLIC, title="Statement"),
        "paged": add_document(PAGED, title="Treaty", pages=[(0, len(PAGE_ONE)), (len(PAGE_ONE), len(PAGED))]),
    }


def _texts(project: Project, corpus: dict[str, int]) -> dict[int, str]:
    return {document_id: project.documents.text(document_id) for document_id in corpus.values()}


def _found(project: Project, query: str) -> list[tuple[int, str]]:
    return [(hit.document_id, hit.match) for hit in search_corpus(project, query)]


@pytest.mark.parametrize("query", ["aydinlik", "Aydınlık", "AYDINLIK", "aydınlık"])
def test_dotless_and_dotted_i_find_each_other(project: Project, corpus, query: str) -> None:
    found = _found(project, query)
    assert (corpus["turkish"], "Aydınlık") in found
    assert (corpus["turkish"], "AYDINLIK") in found
    assert (corpus["second"], "Aydinlik") in found


@pytest.mark.parametrize(("query", "expected"), [
    ("istanbul", ["İstanbul", "Istanbul"]),
    ("turkiye", ["Türkiye"]),
    ("PERINCEK", ["Perinçek"]),
    ("geneve", ["Genève"]),
    ("CAFE", ["Café"]),
    ("женеве", ["Женеве"]),
    ("переГОВОРЫ", ["переговоры"]),
])
def test_case_and_diacritics_are_ignored(project: Project, corpus, query: str, expected: list[str]) -> None:
    assert sorted(match for _, match in _found(project, query)) == sorted(expected)


def test_words_are_matched_as_prefixes_and_all_must_occur(project: Project, corpus) -> None:
    assert [m for _, m in _found(project, "newsp")] == ["newspaper"]
    assert {d for d, _ in _found(project, "ceasefire signed")} == {corpus["paged"]}


def test_phrase_in_quotes(project: Project, corpus) -> None:
    assert {d for d, _ in _found(project, '"ceasefire is signed"')} == {corpus["paged"]}
    assert _found(project, '"signed ceasefire"') == []


def test_hits_carry_exact_offsets_context_and_page(project: Project, corpus) -> None:
    texts = _texts(project, corpus)
    hits = search_corpus(project, "ceasefire", context=10)
    assert {h.document_id for h in hits} == {corpus["cyrillic"], corpus["paged"]}
    for hit in hits:
        text = texts[hit.document_id]
        assert text[hit.start:hit.end] == hit.match == "ceasefire"
        assert text[hit.start - 10:hit.start].split() == hit.before.split()
    cyrillic_hit = next(h for h in hits if h.document_id == corpus["cyrillic"])
    assert cyrillic_hit.start == CYRILLIC.index("ceasefire")
    assert cyrillic_hit.page is None
    paged_hit = next(h for h in hits if h.document_id == corpus["paged"])
    assert (paged_hit.page, paged_hit.document_title) == (2, "Treaty")


def test_offsets_after_emoji_and_dotless_letters(project: Project, corpus) -> None:
    texts = _texts(project, corpus)
    for query in ("Genève", "europe", "hosts"):
        for hit in search_corpus(project, query):
            assert texts[hit.document_id][hit.start:hit.end] == hit.match
            assert hit.match


@pytest.mark.parametrize("query", [
    '"unbalanced', "AND OR NOT", "*", "-x", "NEAR(a b", "^ceasefire", "col:ceasefire", "a OR", '""', "(((",
    "😀", "", "   ", "ceasefire)", "{text}: ceasefire", "'", "\\", "%_",
])
def test_operators_typed_by_the_user_never_crash(project: Project, corpus, query: str) -> None:
    hits = search_corpus(project, query)
    texts = _texts(project, corpus)
    assert all(texts[h.document_id][h.start:h.end] == h.match for h in hits)


def test_operator_words_are_searched_as_words(project: Project, add_document) -> None:
    document = add_document("Delegates said NOT now, OR later, AND never near the river.")
    assert {d for d, _ in _found(project, "not near")} == {document}
    assert {d for d, _ in _found(project, '"ceasefire')} == set()
    assert fts_query("AND OR NOT") == '"AND"* AND "OR"* AND "NOT"*'


def test_yo_and_ye_find_each_other(project: Project, add_document) -> None:
    with_yo = add_document("Стороны ещё не договорились.", title="С ё")
    without_yo = add_document("Позже всё решили; еще раз встретились.", title="Без ё")
    assert sorted(_found(project, "еще")) == sorted([(with_yo, "ещё"), (without_yo, "еще")])
    assert sorted(_found(project, "ЕЩЁ")) == sorted([(with_yo, "ещё"), (without_yo, "еще")])
    assert {d for d, _ in _found(project, '"еще не договорились"')} == {with_yo}


def test_letters_that_differ_outside_latin_are_not_merged(project: Project, add_document) -> None:
    add_document("мой дом и мои книги; η ειρήνη και ή ο πόλεμος")
    assert [m for _, m in _found(project, "мой")] == ["мой"]
    assert [m for _, m in _found(project, "ή")] == ["ή"]


@pytest.fixture(scope="module")
def shared_project(tmp_path_factory: pytest.TempPathFactory):
    with Project.create(tmp_path_factory.mktemp("search") / "shared.posmap") as project:
        for text in (TURKISH, SECOND_TURKISH, CYRILLIC, PAGED):
            digest = hashlib.sha256(text.encode()).hexdigest()
            project.documents.add(Document(title="t", sha256=digest, text=text))
        yield project


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_any_typed_query_is_safe_and_exact(shared_project: Project, query: str) -> None:
    for hit in search_corpus(shared_project, query):
        assert shared_project.documents.text(hit.document_id)[hit.start:hit.end] == hit.match != ""


words = st.sampled_from(["Aydınlık", "İstanbul", "ещё", "Женеве", "😀", "café", "Ölçü", "ß", "ﬁnal", "x"])


@settings(max_examples=40, deadline=None)
@given(st.lists(words, min_size=1, max_size=12), st.data())
def test_every_word_of_a_document_is_found_where_it_stands(tmp_path_factory, words_in_text, data) -> None:
    text = " ".join(words_in_text)
    wanted = data.draw(st.sampled_from([w for w in words_in_text if w != "😀"] or ["x"]))
    path: Path = tmp_path_factory.mktemp("words") / "p.posmap"
    with Project.create(path) as project:
        project.documents.add(Document(title="t", sha256=hashlib.sha256(text.encode()).hexdigest(), text=text))
        hits = search_corpus(project, wanted)
    starts = {hit.start for hit in hits}
    for index, word in enumerate(words_in_text):
        if word == wanted:
            assert len(" ".join(words_in_text[:index])) + (1 if index else 0) in starts
    assert all(text[h.start:h.end] == h.match for h in hits)


def test_a_phrase_in_quotes_is_one_hit_covering_the_whole_phrase(project) -> None:
    import hashlib

    from posmap.model import Document
    from posmap.services.search import search_corpus

    text = "The red line is clear. A line of contact runs east. Their red\nline will not move."
    project.documents.add(Document(title="Lines", sha256=hashlib.sha256(text.encode()).hexdigest(), text=text))
    hits = search_corpus(project, '"red line"')
    assert [hit.match for hit in hits] == ["red line", "red\nline"]
    assert all(text[hit.start:hit.end] == hit.match for hit in hits)
