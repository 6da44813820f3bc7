"""Actors and issues: named entries that nest, carry a colour and are referenced by codings."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from posmap.model import Actor, ActorKind, Coding, Issue, Passage, Scale, ScalePoint
from posmap.store.errors import ConflictError, NotFoundError
from posmap.store.project import utc_now

if TYPE_CHECKING:
    from posmap.store.project import Project

Entry = TypeVar("Entry", Actor, Issue)


@dataclass(frozen=True)
class EntrySnapshot(Generic[Entry]):
    """An actor or issue as it was before a delete or merge, with what undo needs to bring it back."""

    entry: Entry
    created_at: str
    child_ids: tuple[int, ...]
    codings: tuple[tuple[Passage, Coding], ...]


class _NestedEntries(Generic[Entry]):
    """What actors and issues share: unique names, nesting without cycles, merge and delete."""

    table: str
    noun: str

    def __init__(self, project: Project) -> None:
        self._project = project
        self._conn = project.connection

    # Subclasses turn rows into models and write their own columns.
    def _load(self, row: sqlite3.Row | tuple) -> Entry:
        raise NotImplementedError

    def _select(self) -> str:
        raise NotImplementedError

    def get(self, entry_id: int) -> Entry:
        row = self._conn.execute(f"{self._select()} WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"there is no {self.noun} {entry_id} in this project")
        return self._load(row)

    def all(self) -> list[Entry]:
        return [self._load(row) for row in self._conn.execute(f"{self._select()} ORDER BY name COLLATE NOCASE")]

    def find(self, name: str) -> Entry | None:
        """The entry with this name (case-insensitive in every script), or None."""
        wanted = name.strip()
        row = self._conn.execute(f"{self._select()} WHERE name = ? COLLATE NOCASE", (wanted,)).fetchone()
        if row is None:
            # NOCASE folds ASCII letters only; names such as "Россия" or "Ärzte" are compared here.
            folded = wanted.casefold()
            row = next((r for r in self._conn.execute(self._select()) if r[1].casefold() == folded), None)
        return self._load(row) if row else None

    def by_name(self, name: str) -> Entry:
        """The entry with this name; raises :class:`NotFoundError` naming what exists."""
        entry = self.find(name)
        if entry is None:
            known = [e.name for e in self.all()]
            hint = (f"; known {self.noun}s: {', '.join(known[:12])}" if known
                    else f"; the project has no {self.noun}s yet")
            raise NotFoundError(f"there is no {self.noun} named {name!r}{hint}")
        return entry

    def ids_with_descendants(self, entry_id: int) -> list[int]:
        """The entry and every entry nested below it."""
        rows = self._conn.execute(
            f"WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT t.id FROM {self.table} t "
            f"JOIN tree ON t.parent_id = tree.id) SELECT id FROM tree",
            (entry_id,),
        ).fetchall()
        return [r[0] for r in rows]

    def coding_count(self, entry_id: int) -> int:
        column = f"{self.noun}_id"
        return int(self._conn.execute(f"SELECT count(*) FROM codings WHERE {column} = ?", (entry_id,)).fetchone()[0])

    def coding_counts(self) -> dict[int, int]:
        """How many codings each entry has (entries without codings are left out)."""
        column = f"{self.noun}_id"
        return dict(self._conn.execute(f"SELECT {column}, count(*) FROM codings GROUP BY {column}").fetchall())

    def count(self) -> int:
        return int(self._conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0])

    def exists(self, entry_id: int) -> bool:
        return self._conn.execute(f"SELECT 1 FROM {self.table} WHERE id = ?", (entry_id,)).fetchone() is not None

    def snapshot(self, entry_id: int) -> EntrySnapshot[Entry]:
        """Everything a delete or merge of this entry takes away: the entry, its children's ids, its codings."""
        entry = self.get(entry_id)
        created_at = self._conn.execute(f"SELECT created_at FROM {self.table} WHERE id = ?", (entry_id,)).fetchone()[0]
        children = self._conn.execute(
            f"SELECT id FROM {self.table} WHERE parent_id = ? ORDER BY id", (entry_id,)
        ).fetchall()
        codings = self._project.codings.with_passages(column=f"{self.noun}_id", value=entry_id)
        return EntrySnapshot(entry, created_at, tuple(r[0] for r in children), tuple(codings))

    def restore(self, snapshot: EntrySnapshot[Entry]) -> None:
        """Bring back a deleted or merged-away entry under its old id (used by undo).

        Its children are nested under it again, and its codings come back: recreated when they
        were deleted, moved back when a merge gave them to another entry.
        """
        entry = snapshot.entry
        if entry.id is None:
            raise ValueError(f"the {self.noun} to restore needs its id")
        if self.exists(entry.id):
            raise ConflictError(f"{self.noun} {entry.id} ({entry.name!r}) is already in the project")
        clash = self._conn.execute(f"SELECT name FROM {self.table} WHERE name = ? COLLATE NOCASE",
                                   (entry.name,)).fetchone()
        if clash:
            raise ConflictError(f"there is already an {self.noun} named {clash[0]!r}")
        column = f"{self.noun}_id"
        parent_id = entry.parent_id if entry.parent_id is not None and self.exists(entry.parent_id) else None
        with self._project.transaction():
            self._insert_with_id(entry, parent_id, snapshot.created_at)
            if snapshot.child_ids:
                self._conn.execute(
                    f"UPDATE {self.table} SET parent_id = ? WHERE id IN ({', '.join('?' * len(snapshot.child_ids))})",
                    (entry.id, *snapshot.child_ids),
                )
            for passage, coding in snapshot.codings:
                moved = self._conn.execute(
                    f"UPDATE codings SET {column} = ?, updated_at = ? WHERE id = ?",
                    (entry.id, _iso(coding.updated_at), coding.id),
                ).rowcount
                if not moved:
                    try:
                        self._project.codings.restore(passage, coding)
                    except sqlite3.IntegrityError:
                        raise ConflictError(
                            f"a coding of {entry.name!r} cannot come back because its document, actor or issue "
                            "is gone"
                        ) from None

    def _insert_with_id(self, entry: Entry, parent_id: int | None, created_at: str) -> None:
        raise NotImplementedError

    def rename(self, entry_id: int, name: str) -> None:
        self._check_name_free(name, entry_id)
        with self._project.transaction():
            self._update_column(entry_id, "name", name.strip())

    def set_color(self, entry_id: int, color: str) -> None:
        self._validate(color=color)
        with self._project.transaction():
            self._update_column(entry_id, "color", color)

    def set_parent(self, entry_id: int, parent_id: int | None) -> None:
        """Nest an entry under another (or at the top with None); refuses cycles."""
        if parent_id is not None:
            self.get(parent_id)
            if parent_id in self.ids_with_descendants(entry_id):
                raise ConflictError(f"an {self.noun} cannot be nested inside itself or its own children")
        with self._project.transaction():
            self._update_column(entry_id, "parent_id", parent_id)

    def delete(self, entry_id: int) -> int:
        """Delete an entry and its codings; its children move up to its parent. Returns codings removed."""
        entry = self.get(entry_id)
        with self._project.transaction():
            removed = self.coding_count(entry_id)
            self._conn.execute(
                f"UPDATE {self.table} SET parent_id = ? WHERE parent_id = ?", (entry.parent_id, entry_id)
            )
            self._conn.execute(f"DELETE FROM {self.table} WHERE id = ?", (entry_id,))
            self._project.codings.remove_orphan_passages()
        return removed

    def merge(self, source_id: int, target_id: int) -> int:
        """Move every coding and child of ``source`` to ``target``, then delete ``source``.

        The source's name becomes an alias of an actor target. Returns the codings moved.
        """
        if source_id == target_id:
            raise ConflictError(f"an {self.noun} cannot be merged into itself")
        source = self.get(source_id)
        target = self.get(target_id)
        if target_id in self.ids_with_descendants(source_id):
            raise ConflictError(f"{source.name!r} cannot be merged into one of its own children")
        column = f"{self.noun}_id"
        with self._project.transaction():
            self._before_merge(source, target)
            moved = self._conn.execute(
                f"UPDATE codings SET {column} = ?, updated_at = ? WHERE {column} = ?",
                (target_id, utc_now(), source_id),
            ).rowcount
            self._conn.execute(f"UPDATE {self.table} SET parent_id = ? WHERE parent_id = ?", (target_id, source_id))
            self._conn.execute(f"DELETE FROM {self.table} WHERE id = ?", (source_id,))
        return int(moved)

    def _before_merge(self, source: Entry, target: Entry) -> None:
        """Hook for what a merge must carry over besides codings and children."""

    def _check_name_free(self, name: str, own_id: int | None = None) -> None:
        clash = self.find(name)
        if clash is not None and clash.id != own_id:
            raise ConflictError(f"there is already an {self.noun} named {clash.name!r}")

    def _check_parent(self, parent_id: int | None) -> None:
        if parent_id is not None:
            self.get(parent_id)

    def _update_column(self, entry_id: int, column: str, value: object) -> None:
        cursor = self._conn.execute(f"UPDATE {self.table} SET {column} = ? WHERE id = ?", (value, entry_id))
        if cursor.rowcount == 0:
            raise NotFoundError(f"there is no {self.noun} {entry_id} in this project")

    def _validate(self, **fields: object) -> None:
        raise NotImplementedError


class ActorRepository(_NestedEntries[Actor]):
    table = "actors"
    noun = "actor"

    def _select(self) -> str:
        return "SELECT id, name, parent_id, kind, color, aliases FROM actors"

    def _load(self, row: tuple) -> Actor:
        return Actor(
            id=row[0], name=row[1], parent_id=row[2], kind=ActorKind(row[3]), color=row[4],
            aliases=json.loads(row[5]),
        )

    def _validate(self, **fields: object) -> None:
        Actor(name="x", **fields)

    def find(self, name: str) -> Actor | None:
        """The actor with this name or alias (case-insensitive), or None."""
        actor = super().find(name)
        if actor is not None:
            return actor
        wanted = name.strip().casefold()
        for candidate in self.all():
            if any(alias.casefold() == wanted for alias in candidate.aliases):
                return candidate
        return None

    def add(self, actor: Actor) -> int:
        self._check_name_free(actor.name)
        self._check_parent(actor.parent_id)
        with self._project.transaction():
            cursor = self._conn.execute(
                "INSERT INTO actors (name, parent_id, kind, color, aliases, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (actor.name, actor.parent_id, actor.kind.value, actor.color,
                 json.dumps(actor.aliases, ensure_ascii=False), utc_now()),
            )
        return int(cursor.lastrowid)

    def update(self, actor: Actor) -> None:
        """Write every field of an existing actor."""
        if actor.id is None:
            raise ValueError("the actor to update needs its id")
        self._check_name_free(actor.name, actor.id)
        if actor.parent_id is not None and actor.parent_id in self.ids_with_descendants(actor.id):
            raise ConflictError("an actor cannot be nested inside itself or its own children")
        with self._project.transaction():
            cursor = self._conn.execute(
                "UPDATE actors SET name = ?, parent_id = ?, kind = ?, color = ?, aliases = ? WHERE id = ?",
                (actor.name, actor.parent_id, actor.kind.value, actor.color,
                 json.dumps(actor.aliases, ensure_ascii=False), actor.id),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"there is no actor {actor.id} in this project")

    def _insert_with_id(self, entry: Actor, parent_id: int | None, created_at: str) -> None:
        self._conn.execute(
            "INSERT INTO actors (id, name, parent_id, kind, color, aliases, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (entry.id, entry.name, parent_id, entry.kind.value, entry.color,
             json.dumps(entry.aliases, ensure_ascii=False), created_at),
        )

    def _before_merge(self, source: Actor, target: Actor) -> None:
        aliases = list(target.aliases)
        for alias in [source.name, *source.aliases]:
            if alias.casefold() not in {a.casefold() for a in aliases} | {target.name.casefold()}:
                aliases.append(alias)
        self._conn.execute(
            "UPDATE actors SET aliases = ? WHERE id = ?", (json.dumps(aliases, ensure_ascii=False), target.id)
        )


class IssueRepository(_NestedEntries[Issue]):
    table = "issues"
    noun = "issue"

    def _select(self) -> str:
        return "SELECT id, name, parent_id, proposition, color FROM issues"

    def _load(self, row: tuple) -> Issue:
        return Issue(
            id=row[0], name=row[1], parent_id=row[2], proposition=row[3], color=row[4],
            scale=self.scale(row[0]),
        )

    def _validate(self, **fields: object) -> None:
        Issue(name="x", **fields)

    def scale(self, issue_id: int) -> Scale:
        points = [
            ScalePoint(value=v, label=label)
            for v, label in self._conn.execute(
                "SELECT value, label FROM scale_points WHERE issue_id = ? ORDER BY value", (issue_id,)
            )
        ]
        return Scale(points=points)

    def all_scales(self) -> dict[int, Scale]:
        """Every issue's scale in one query, for code that labels many codings."""
        grouped: dict[int, list[ScalePoint]] = {}
        for issue_id, value, label in self._conn.execute(
            "SELECT issue_id, value, label FROM scale_points ORDER BY issue_id, value"
        ):
            grouped.setdefault(issue_id, []).append(ScalePoint(value=value, label=label))
        return {issue_id: Scale(points=points) for issue_id, points in grouped.items()}

    def add(self, issue: Issue) -> int:
        self._check_name_free(issue.name)
        self._check_parent(issue.parent_id)
        with self._project.transaction():
            cursor = self._conn.execute(
                "INSERT INTO issues (name, parent_id, proposition, color, created_at) VALUES (?, ?, ?, ?, ?)",
                (issue.name, issue.parent_id, issue.proposition, issue.color, utc_now()),
            )
            issue_id = int(cursor.lastrowid)
            self._write_scale(issue_id, issue.scale)
        return issue_id

    def update(self, issue: Issue) -> None:
        """Write every field of an existing issue, its scale included.

        A scale change that would strand codings on a removed point is refused.
        """
        if issue.id is None:
            raise ValueError("the issue to update needs its id")
        self._check_name_free(issue.name, issue.id)
        if issue.parent_id is not None and issue.parent_id in self.ids_with_descendants(issue.id):
            raise ConflictError("an issue cannot be nested inside itself or its own children")
        with self._project.transaction():
            cursor = self._conn.execute(
                "UPDATE issues SET name = ?, parent_id = ?, proposition = ?, color = ? WHERE id = ?",
                (issue.name, issue.parent_id, issue.proposition, issue.color, issue.id),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"there is no issue {issue.id} in this project")
            self.set_scale(issue.id, issue.scale)

    def set_scale(self, issue_id: int, scale: Scale) -> None:
        values = {p.value for p in scale.points}
        stranded = self._conn.execute(
            f"SELECT position, count(*) FROM codings WHERE issue_id = ? AND position NOT IN "
            f"({', '.join('?' * len(values))}) GROUP BY position",
            (issue_id, *sorted(values)),
        ).fetchall()
        if stranded:
            detail = ", ".join(f"{count} at {position}" for position, count in stranded)
            raise ConflictError(
                f"the new scale drops points that codings use ({detail}); recode them first"
            )
        with self._project.transaction():
            self._conn.execute("DELETE FROM scale_points WHERE issue_id = ?", (issue_id,))
            self._write_scale(issue_id, scale)

    def set_proposition(self, issue_id: int, proposition: str) -> None:
        self._validate(proposition=proposition)
        with self._project.transaction():
            self._update_column(issue_id, "proposition", proposition)

    def _insert_with_id(self, entry: Issue, parent_id: int | None, created_at: str) -> None:
        self._conn.execute(
            "INSERT INTO issues (id, name, parent_id, proposition, color, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (entry.id, entry.name, parent_id, entry.proposition, entry.color, created_at),
        )
        self._write_scale(entry.id, entry.scale)

    def _write_scale(self, issue_id: int, scale: Scale) -> None:
        self._conn.executemany(
            "INSERT INTO scale_points (issue_id, value, label) VALUES (?, ?, ?)",
            [(issue_id, p.value, p.label) for p in scale.points],
        )

    def _before_merge(self, source: Issue, target: Issue) -> None:
        values = {p.value for p in target.scale.points}
        off_scale = self._conn.execute(
            f"SELECT count(*) FROM codings WHERE issue_id = ? AND position NOT IN ({', '.join('?' * len(values))})",
            (source.id, *sorted(values)),
        ).fetchone()[0]
        if off_scale:
            raise ConflictError(
                f"{off_scale} codings of {source.name!r} use positions that {target.name!r}'s scale does not have"
            )


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else utc_now()
