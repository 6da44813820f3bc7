"""The domain of posmap as pydantic models.

These models are what every layer passes around: the store turns rows into them, the
services validate user input with them, the codebook file is one of them. Offsets are
always Unicode code points into a document's stored text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal, NamedTuple

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]

MAX_DOCUMENT_CHARS = 50_000_000
"""Longest document text a project may hold (code points); larger text is refused as damaged input."""


class CodingKind(StrEnum):
    """What a coded claim is: a stated position, a demand, a bottom line, a concession or a proposal."""

    POSITION = "position"
    DEMAND = "demand"
    RED_LINE = "red_line"
    CONCESSION = "concession"
    PROPOSAL = "proposal"


class Attribution(StrEnum):
    """Whose claim it is: the actor's own words, a third party's report, or an assessment."""

    OWN_WORDS = "own_words"
    REPORTED = "reported"
    ASSESSMENT = "assessment"


class ActorKind(StrEnum):
    STATE = "state"
    ORGANISATION = "organisation"
    PERSON = "person"
    GROUP = "group"
    OTHER = "other"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ScalePoint(_Model):
    """One labelled point of an issue's scale."""

    value: int = Field(ge=-1000, le=1000)
    label: Name


class Scale(_Model):
    """An ordered list of labelled points, lowest value first.

    The default scale measures agreement with an issue's proposition from −2 to +2. A custom
    scale names concrete outcomes in order, e.g. from "full restoration of borders" to
    "recognition of all annexations".
    """

    points: list[ScalePoint] = Field(min_length=2, max_length=21)

    @model_validator(mode="after")
    def _ordered_and_unique(self) -> Scale:
        values = [p.value for p in self.points]
        if values != sorted(values) or len(set(values)) != len(values):
            raise ValueError("scale values must be distinct and in increasing order")
        labels = [p.label.casefold() for p in self.points]
        if len(set(labels)) != len(labels):
            raise ValueError("scale labels must be distinct")
        return self

    @classmethod
    def agreement(cls) -> Scale:
        """The default five-point agreement scale."""
        return cls(
            points=[
                ScalePoint(value=-2, label="strongly opposes"),
                ScalePoint(value=-1, label="opposes"),
                ScalePoint(value=0, label="neutral/ambivalent"),
                ScalePoint(value=1, label="supports"),
                ScalePoint(value=2, label="strongly supports"),
            ]
        )

    @classmethod
    def from_labels(cls, spec: str) -> Scale:
        """Parse ``"LABEL;LABEL;..."`` (values 0, 1, 2 ... in order) or ``"LABEL=VALUE;..."``.

        Either every point names its value or none does.
        """
        parts = [p.strip() for p in spec.split(";") if p.strip()]
        if len(parts) < 2:
            raise ValueError("a scale needs at least two points, separated by ';'")
        explicit = [re.fullmatch(r"(.+?)\s*=\s*([+-]?\d+)", p) for p in parts]
        if any(explicit) and not all(explicit):
            raise ValueError("give a value to every scale point (LABEL=VALUE) or to none")
        if all(explicit) and parts:
            points = [ScalePoint(label=m.group(1), value=int(m.group(2))) for m in explicit if m]
        else:
            points = [ScalePoint(label=label, value=i) for i, label in enumerate(parts)]
        return cls(points=points)

    @property
    def minimum(self) -> int:
        return self.points[0].value

    @property
    def maximum(self) -> int:
        return self.points[-1].value

    @property
    def width(self) -> int:
        """Distance between the lowest and highest value."""
        return self.maximum - self.minimum

    def label_for(self, value: int) -> str | None:
        for point in self.points:
            if point.value == value:
                return point.label
        return None

    def resolve(self, value_or_label: str | int) -> int:
        """Return the value of a point given its value or (case-insensitive) label."""
        if isinstance(value_or_label, int):
            if self.label_for(value_or_label) is None:
                raise ValueError(f"{value_or_label} is not a point of this scale ({self.describe()})")
            return value_or_label
        text = value_or_label.strip()
        for point in self.points:
            if point.label.casefold() == text.casefold():
                return point.value
        if re.fullmatch(r"[+-]?\d+", text):
            return self.resolve(int(text))
        raise ValueError(f"{text!r} is not a point of this scale ({self.describe()})")

    def describe(self) -> str:
        return "; ".join(f"{p.value:+d} {p.label}" if self.minimum < 0 else f"{p.value} {p.label}"
                         for p in self.points)


def _default_scale() -> Scale:
    return Scale.agreement()


class Actor(_Model):
    """A party whose positions are mapped. Actors nest through ``parent_id``."""

    id: int | None = None
    name: Name
    parent_id: int | None = None
    kind: ActorKind = ActorKind.OTHER
    color: Colour = "#4C72B0"
    aliases: list[Name] = Field(default_factory=list)


class Issue(_Model):
    """A negotiation issue with its scale. Issues nest through ``parent_id``."""

    id: int | None = None
    name: Name
    parent_id: int | None = None
    proposition: str = Field(default="", max_length=2000)
    color: Colour = "#DD8452"
    scale: Scale = Field(default_factory=_default_scale)


class PageSpan(_Model):
    """Where one page of a paged document lies in its text (code points, end exclusive)."""

    number: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> PageSpan:
        if self.end < self.start:
            raise ValueError("a page cannot end before it starts")
        return self


class DocumentMetadata(_Model):
    """What a user can edit about a document."""

    title: Name
    author: str = Field(default="", max_length=500)
    outlet: str = Field(default="", max_length=500)
    date: dt.date | None = None
    kind: str = Field(default="", max_length=100)
    language: str = Field(default="", max_length=35)
    url: str = Field(default="", max_length=2000)


class Document(DocumentMetadata):
    """An imported source: its text is the reference for every offset."""

    id: int | None = None
    file_name: str = ""
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    extractor: str = ""
    extractor_version: str = ""
    imported_at: dt.datetime | None = None
    text: str | None = Field(default=None, max_length=MAX_DOCUMENT_CHARS)
    character_count: int = Field(default=0, ge=0)
    pages: list[PageSpan] = Field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The page number holding code-point ``offset``, or None for unpaged documents."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        if self.pages and offset == self.pages[-1].end:
            return self.pages[-1].number
        return None


class Passage(_Model):
    """A span of a document's text, kept with its quote so it can be verified and re-anchored."""

    id: int | None = None
    document_id: int
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str

    @model_validator(mode="after")
    def _span(self) -> Passage:
        if self.end <= self.start:
            raise ValueError("a passage must end after it starts")
        if len(self.quote) != self.end - self.start:
            raise ValueError("the quote's length does not match its offsets")
        return self


class Coding(_Model):
    """One claim about an actor's position on an issue, attached to a passage."""

    id: int | None = None
    passage_id: int | None = None
    actor_id: int
    issue_id: int
    position: int
    kind: CodingKind = CodingKind.POSITION
    attribution: Attribution = Attribution.OWN_WORDS
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    note: str = Field(default="", max_length=10_000)
    coder: str = Field(default="", max_length=200)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


class CodebookActor(_Model):
    """An actor as written in a codebook file: its parent is named, not numbered."""

    name: Name
    parent: Name | None = None
    kind: ActorKind = ActorKind.OTHER
    color: Colour = "#4C72B0"
    aliases: list[Name] = Field(default_factory=list)


class CodebookIssue(_Model):
    name: Name
    parent: Name | None = None
    proposition: str = Field(default="", max_length=2000)
    color: Colour = "#DD8452"
    scale: Scale = Field(default_factory=_default_scale)


CODEBOOK_FORMAT = "posmap-codebook"
CODEBOOK_VERSION = 1


class Codebook(_Model):
    """The actors and issues of a project, exchanged as a JSON file so teams code alike."""

    format: Literal["posmap-codebook"] = CODEBOOK_FORMAT
    version: int = Field(default=CODEBOOK_VERSION, ge=1, le=CODEBOOK_VERSION)
    actors: list[CodebookActor] = Field(default_factory=list)
    issues: list[CodebookIssue] = Field(default_factory=list)

    @field_validator("actors", "issues")
    @classmethod
    def _unique_names(cls, entries: list) -> list:
        seen: set[str] = set()
        for entry in entries:
            key = entry.name.casefold()
            if key in seen:
                raise ValueError(f"the name {entry.name!r} appears twice")
            seen.add(key)
        return entries

    @model_validator(mode="after")
    def _parents_exist(self) -> Codebook:
        for label, entries in (("actor", self.actors), ("issue", self.issues)):
            names = {e.name.casefold(): e for e in entries}
            for entry in entries:
                if entry.parent is None:
                    continue
                if entry.parent.casefold() not in names:
                    raise ValueError(f"{label} {entry.name!r} names an unknown parent {entry.parent!r}")
                # Walk up to catch cycles such as A -> B -> A.
                seen = {entry.name.casefold()}
                parent = entry.parent
                while parent is not None and parent.casefold() in names:
                    if parent.casefold() in seen:
                        raise ValueError(f"{label} {entry.name!r} is nested inside itself")
                    seen.add(parent.casefold())
                    parent = names[parent.casefold()].parent
        return self


# Not frozen: a frozen dataclass sets every field through object.__setattr__, which made reading
# 100,000 records a third slower. Treat records as read-only all the same.
@dataclass(slots=True, unsafe_hash=True)
class CodingRecord:
    """A coding joined with its passage, document, actor, issue and scale label.

    This is the row every listing, matrix and briefing reads; it is a plain dataclass
    because projects hold tens of thousands of them.
    """

    id: int
    document_id: int
    document_title: str
    document_author: str
    document_date: str | None
    passage_id: int
    start: int
    end: int
    quote: str
    page: int | None
    actor_id: int
    actor: str
    issue_id: int
    issue: str
    position: int
    position_label: str
    kind: str
    attribution: str
    confidence: float
    note: str
    coder: str
    created_at: str
    updated_at: str


class CodingPoint(NamedTuple):
    """What a matrix counts of a coding and what the matrix view filters by, without its quote, note,
    coder or names.

    The fields share their names and meaning with :class:`CodingRecord`, so the analysis takes
    either; what a point does not carry of its document (date, author, kind) the analysis takes from
    its catalogue. A coder condition is applied where the points are read (the store's filter). A
    matrix over a whole project reads these, one small tuple per coding, and reads full records
    only for the codings a person opens or an export cites.
    """

    id: int
    document_id: int
    actor_id: int
    issue_id: int
    position: int
    kind: str
    attribution: str
    created_at: str


CodingRow = CodingRecord | CodingPoint
"""A coding as the analysis reads it: a full record or just its point."""


def describe_validation_error(error: ValidationError) -> str:
    """One readable sentence for a pydantic error, naming the field that is wrong."""
    errors = error.errors()
    first = errors[0]
    location = ".".join(str(part) for part in first["loc"])
    # A check of the whole model has no field; its message names the entries itself.
    sentence = first["msg"].removeprefix("Value error, ")
    if location:
        sentence = f"{location}: {sentence}"
    if len(errors) > 1:
        more = len(errors) - 1
        sentence += f" (and {more} more problem{'s' if more > 1 else ''})"
    return sentence
