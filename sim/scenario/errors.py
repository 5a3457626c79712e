"""The one error type for bad input: it names the file, the line and the key path."""

from __future__ import annotations


class ScenarioError(Exception):
    """A scenario or region file that cannot be used, located as precisely as possible."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 key_path: str | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.key_path = key_path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
        key = f" [{self.key_path}]" if self.key_path else ""
        return f"{where}:{key} {self.message}"
