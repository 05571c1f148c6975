"""laojia-feed's internal errors: one small hierarchy, each named after what failed.

They are raised inside a stage and turned into :class:`~laojia_feed.model.Diagnostic`
values at its boundary (a post's fields by the loader, the output folder by the
pipeline, the preview server by the command line): none escapes the library.
"""

from __future__ import annotations


class LaojiaError(Exception):
    """Something laojia-feed cannot do; the message is shown to the user as is."""


class FieldError(LaojiaError, ValueError):
    """A value cannot be used: a front-matter field, a setting, a file's content. The
    loader turns it into an error naming the file and the field."""


class OutputFolderError(LaojiaError):
    """The output folder, or a file name inside it, cannot be used: it cannot be made or
    opened, or a name would lead outside it."""


class LockBusyError(OutputFolderError):
    """Another laojia-feed build holds the output folder's lock."""


class ServerError(LaojiaError):
    """The preview server cannot serve: its folder cannot be used or its address taken."""
