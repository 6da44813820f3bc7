"""Folding text for keyword-in-context hits: the one-pass table gives what the per-character definition gives."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posmap.services import search

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _fold_reference(text: str) -> str:
    folded = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0] if ch.isalpha() else ch
        folded.append((base if base.isascii() else ch).casefold()[:1] or ch)
    return "".join(folded).translate(search._ALIKE_FOLD)


@PROPERTY
@given(st.text(max_size=80) | st.text(st.sampled_from("AaÉéİıIiЁёЕеßǅﬁΉήЙй \n😀𝔊"), max_size=40))
def test_fold_matches_the_per_character_definition(text: str) -> None:
    folded = search._fold(text)
    assert folded == _fold_reference(text)
    assert len(folded) == len(text)


def test_fold_keeps_letters_apart_that_differ_in_their_script() -> None:
    assert search._fold("Aydınlık ÉTÉ Київ Ёлка ή") == "aydinlik ete київ елка ή"
