"""The domain models: scales, codebooks and the readable validation messages users see."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from posmap.model import Codebook, Document, PageSpan, Passage, Scale, ScalePoint, describe_validation_error


def _message(build) -> str:
    with pytest.raises(ValidationError) as caught:
        build()
    message = describe_validation_error(caught.value)
    assert "\n" not in message
    return message


# -- scales --------------------------------------------------------------------------------------


def test_scale_values_must_increase() -> None:
    message = _message(lambda: Scale(points=[ScalePoint(value=1, label="b"), ScalePoint(value=0, label="a")]))
    assert "increasing order" in message


def test_scale_values_must_be_distinct() -> None:
    message = _message(lambda: Scale(points=[ScalePoint(value=0, label="a"), ScalePoint(value=0, label="b")]))
    assert "distinct" in message


def test_scale_labels_must_be_distinct_ignoring_case() -> None:
    message = _message(lambda: Scale.from_labels("Agree;agree"))
    assert "labels must be distinct" in message


def test_scale_needs_two_points() -> None:
    message = _message(lambda: Scale.model_validate({"points": [{"value": 0, "label": "only one"}]}))
    assert message.startswith("points:") and "2" in message


def test_scale_label_may_not_be_blank() -> None:
    points = [{"value": 0, "label": " "}, {"value": 1, "label": "b"}]
    message = _message(lambda: Scale.model_validate({"points": points}))
    assert message.startswith("points.0.label:")


def test_from_labels_numbers_points_from_zero() -> None:
    scale = Scale.from_labels(" full restoration ; partial return;;status quo ")
    assert [(p.value, p.label) for p in scale.points] == [
        (0, "full restoration"), (1, "partial return"), (2, "status quo")
    ]


def test_from_labels_with_values() -> None:
    scale = Scale.from_labels("reject = -2; discuss=0 ;accept=+2")
    assert [(p.value, p.label) for p in scale.points] == [(-2, "reject"), (0, "discuss"), (2, "accept")]
    assert (scale.minimum, scale.maximum, scale.width) == (-2, 2, 4)


def test_from_labels_refuses_mixed_values() -> None:
    with pytest.raises(ValueError, match="every scale point"):
        Scale.from_labels("reject=-1;accept")


def test_resolve_by_label_and_by_value() -> None:
    scale = Scale.agreement()
    assert scale.resolve("Strongly Supports") == 2
    assert scale.resolve("  opposes ") == -1
    assert scale.resolve(-2) == -2
    assert scale.resolve("+1") == 1
    assert scale.resolve("-1") == -1
    assert scale.label_for(0) == "neutral/ambivalent"


@pytest.mark.parametrize("wrong", ["agrees", 3, "7"])
def test_resolve_refuses_points_not_on_the_scale_and_names_them(wrong) -> None:
    with pytest.raises(ValueError) as caught:
        Scale.agreement().resolve(wrong)
    assert "strongly opposes" in str(caught.value)


def test_a_label_that_looks_like_a_number_wins_over_the_value() -> None:
    scale = Scale.from_labels("1;2;3")
    assert scale.resolve("1") == 0
    assert scale.resolve(2) == 2


labels_strategy = st.lists(
    st.text(st.characters(blacklist_characters=";=", blacklist_categories=("Cs",)), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool),
    min_size=2,
    max_size=21,
    unique_by=str.casefold,
)


@given(labels_strategy)
def test_from_labels_round_trips_any_distinct_labels(labels: list[str]) -> None:
    scale = Scale.from_labels(";".join(labels))
    assert [p.label for p in scale.points] == labels
    for value, label in enumerate(labels):
        assert scale.resolve(label) == value
        assert scale.resolve(label.casefold()) == value
        assert scale.label_for(value) == label


# -- codebook ------------------------------------------------------------------------------------


def test_codebook_refuses_unknown_parent() -> None:
    message = _message(lambda: Codebook.model_validate({"actors": [{"name": "Envoy", "parent": "Norland"}]}))
    assert "Envoy" in message and "unknown parent" in message and "Norland" in message


def test_codebook_refuses_cycles() -> None:
    message = _message(lambda: Codebook.model_validate(
        {"issues": [{"name": "A", "parent": "B"}, {"name": "B", "parent": "C"}, {"name": "C", "parent": "A"}]}
    ))
    assert message == "issue 'A' is nested inside itself"


def test_codebook_refuses_duplicate_names() -> None:
    message = _message(lambda: Codebook.model_validate({"actors": [{"name": "Norland"}, {"name": "NORLAND"}]}))
    assert message.startswith("actors:") and "twice" in message


def test_codebook_refuses_extra_fields_and_names_them() -> None:
    message = _message(lambda: Codebook.model_validate({"actors": [{"name": "Norland", "colour": "#112233"}]}))
    assert message.startswith("actors.0.colour:")


def test_codebook_refuses_bad_colour_and_names_the_field() -> None:
    message = _message(lambda: Codebook.model_validate({"issues": [{"name": "Border", "color": "red"}]}))
    assert message.startswith("issues.0.color:")


def test_codebook_refuses_newer_version() -> None:
    message = _message(lambda: Codebook.model_validate({"format": "posmap-codebook", "version": 99}))
    assert message.startswith("version:")


def test_describe_counts_further_problems() -> None:
    message = _message(lambda: Codebook.model_validate({"actors": [{"name": ""}, {"name": "x", "kind": "alien"}]}))
    assert message.endswith("(and 1 more problem)")


# -- documents and passages ---------------------------------------------------------------------


def test_passage_quote_must_fit_its_offsets() -> None:
    assert "length" in _message(lambda: Passage(document_id=1, start=0, end=5, quote="abc"))
    assert "end after it starts" in _message(lambda: Passage(document_id=1, start=5, end=5, quote=""))


def test_page_at() -> None:
    document = Document(
        title="t", sha256="0" * 64,
        pages=[PageSpan(number=1, start=0, end=10), PageSpan(number=2, start=10, end=25)],
    )
    assert [document.page_at(offset) for offset in (0, 9, 10, 24, 25)] == [1, 1, 2, 2, 2]
    assert Document(title="t", sha256="0" * 64).page_at(3) is None


def test_a_one_point_scale_is_refused_in_plain_words() -> None:
    import pytest

    from posmap.model import Scale

    with pytest.raises(ValueError, match="at least two points"):
        Scale.from_labels("only one")
