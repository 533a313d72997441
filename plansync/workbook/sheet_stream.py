"""Reading a worksheet part in chunks, handed out as whole elements (rows above all).

A 100,000-row sheet is tens of megabytes of XML; holding one chunk and one row at a time keeps a
save's memory flat. Rows are found with byte searches (the start tag's end, then ``</row>``),
which costs far less than a regular expression per row.
"""

from __future__ import annotations

import re
from typing import Iterator

_CHUNK = 1 << 22


def _row_end(buffer: bytes, start: int) -> int:
    """The end of the <row> element at ``start``, or -1 when the buffer holds only part of it."""
    tag_end = buffer.find(b">", start)
    if tag_end < 0:
        return -1
    if buffer[tag_end - 1] == 47:  # "/": an empty <row .../>
        return tag_end + 1
    close = buffer.find(b"</row>", tag_end)
    return close + 6 if close >= 0 else -1


class Reader:
    """Bytes from chunks, handed out as whole elements."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.buffer = b""
        self.pos = 0
        self.done = False

    def _more(self) -> bool:
        if self.done:
            return False
        chunk = next(self.chunks, b"")
        if not chunk:
            self.done = True
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def until(self, marker: bytes) -> bytes:
        while (at := self.buffer.find(marker, self.pos)) < 0:
            if not self._more():
                raise ValueError(f"no {marker.decode()} in the worksheet")
        out, self.pos = self.buffer[self.pos : at], at
        return out

    def tag(self) -> bytes:
        while (end := self.buffer.find(b">", self.pos)) < 0:
            if not self._more():
                raise ValueError("the worksheet ends inside a tag")
        out, self.pos = self.buffer[self.pos : end + 1], end + 1
        return out

    def element(self, pattern: re.Pattern, closing: bytes) -> bytes | None:
        """The next element matching ``pattern``, or None (and ``closing`` consumed) at the end.

        Rows (the 100,000 of a big plan) are found with two byte searches; anything else by ``pattern``.
        """
        while True:
            buffer = self.buffer
            start = self.pos
            while start < len(buffer) and buffer[start] in b" \t\r\n":
                start += 1
            if buffer.startswith(closing, start):
                self.pos = start + len(closing)
                return None
            end = _row_end(buffer, start) if buffer.startswith(b"<row", start) else -1
            if end < 0 and not buffer.startswith(b"<row", start):
                found = pattern.match(buffer, start)
                end = found.end() if found is not None else -1
            if end >= 0:
                self.pos = end
                return buffer[start:end]
            if not self._more():
                raise ValueError("the worksheet's rows end unexpectedly")

    def rest(self) -> bytes:
        parts = [self.buffer[self.pos :]]
        for chunk in self.chunks:
            parts.append(chunk)
        self.buffer, self.pos, self.done = b"", 0, True
        return b"".join(parts)


def read_chunks(handle, size: int = _CHUNK) -> Iterator[bytes]:
    while chunk := handle.read(size):
        yield chunk


__all__ = ["Reader", "read_chunks"]
