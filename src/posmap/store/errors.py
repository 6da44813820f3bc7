"""Errors the store raises; each message is one plain sentence a user can act on."""


class ProjectError(Exception):
    """Anything wrong with a project file or a request to it."""


class NotAProjectError(ProjectError):
    """The file is not a posmap project (not SQLite, or another application's database)."""


class NewerProjectError(ProjectError):
    """The project was written by a newer posmap whose format this version cannot read."""


class DamagedProjectError(ProjectError):
    """The file is a posmap project but SQLite reports damage or forbidden content."""


class ProjectBusyError(ProjectError):
    """Another window or command is writing to the project."""


class NotFoundError(ProjectError):
    """A document, actor, issue or coding that the request names does not exist."""


class ConflictError(ProjectError):
    """The change would break a rule: a duplicate name, a cycle, a value off the scale."""


class DuplicateDocumentError(ConflictError):
    """A file with the same SHA-256 is already in the project."""

    def __init__(self, message: str, existing_id: int) -> None:
        super().__init__(message)
        self.existing_id = existing_id
