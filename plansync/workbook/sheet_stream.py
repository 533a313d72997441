"""Reading a worksheet part in chunks, handed out as whole elements (rows above all).

A 100,000-row sheet is tens of megabytes of XML; holding one chunk and one row at a time keeps a
save's memory flat. Rows are found with byte searches (the start tag's end, then ``</row>``),
which costs far less than a regular expression per row.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

_CHUNK = 1 << 22
_NEAR = 1 << 16  # how far ahead a row is looked for by its reference before rows are counted
_MORE = object()
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def row_number(buffer: bytes, start: int, previous: int) -> int:
    """The number of the row whose start tag begins at ``start`` (one after ``previous`` without ``r``)."""
    if buffer.startswith(b'<row r="', start):  # as Excel and most writers put it: no regex needed
        return int(buffer[start + 8 : buffer.find(b'"', start + 8)])
    found = _ROW_NUMBER.search(buffer, start, buffer.find(b">", start))
    return int(found.group(1)) if found else previous + 1


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
        self.previous = 0  # the number of the last row handed out or passed (for rows without ``r``)

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

    def copy_until(self, marker: bytes, write: Callable[[bytes], None]) -> None:
        """Write everything up to ``marker`` straight through (kept in the buffer: a chunk, not the sheet)."""
        keep = len(marker) - 1
        while (at := self.buffer.find(marker, self.pos)) < 0:
            cut = max(self.pos, len(self.buffer) - keep)
            write(self.buffer[self.pos : cut])
            self.pos = cut
            if not self._more():
                raise ValueError(f"no {marker.decode()} in the worksheet")
        write(self.buffer[self.pos : at])
        self.pos = at

    def row_from(self, target: int, write: Callable[[bytes], None]) -> tuple[bytes, int] | None:
        """The first row numbered ``target`` or more, with its number, after writing the rows (and
        the space between them) before it straight through; None at ``</sheetData>`` (left unread).

        A row is found at once when it is written ``<row r="target"``, as Excel writes rows; rows
        without ``r`` (numbered one after the row before) are counted one by one.
        """
        while True:
            found = self._row_from(target, write)
            if found is not _MORE:
                return found
            if not self._more():
                raise ValueError("the worksheet's rows end unexpectedly")

    def _row_from(self, target: int, write):
        buffer, pos = self.buffer, self.pos
        head = b'<row r="%d"' % target
        if buffer.startswith(head, pos):  # the very next row (plansync writing every row): found at once
            end = _row_end(buffer, pos)
            if end >= 0:
                self.pos = end
                self.previous = target
                return buffer[pos:end], target
        # Rows ascend (18.3.1.73), so all before row ``target`` are numbered below it. Searched near
        # only: a row that is not in the sheet must not cost a search of the whole buffer.
        direct = buffer.find(head, pos, pos + _NEAR)
        if direct > pos and buffer.find(b"</sheetData>", pos, direct) < 0:
            write(buffer[pos:direct])
            self.pos = pos = direct
        size = len(buffer)
        while True:
            start = pos
            while start < size and buffer[start] in b" \t\r\n":
                start += 1
            if buffer.startswith(b"<row", start):
                end = _row_end(buffer, start)
            elif buffer.startswith(b"</sheetData>", start):
                end = None
            elif size - start < len(b"</sheetData>"):
                end = -1  # the chunk ends inside what follows
            else:
                raise ValueError("the worksheet holds something other than rows among its rows")
            if end is None or end < 0:
                write(buffer[self.pos : start])
                self.pos = start
                return None if end is None else _MORE
            number = row_number(buffer, start, self.previous)
            self.previous = number
            if number >= target:
                if start > self.pos:
                    write(buffer[self.pos : start])
                self.pos = end
                return buffer[start:end], number
            pos = end

    def rest(self) -> bytes:
        parts = [self.buffer[self.pos :]]
        for chunk in self.chunks:
            parts.append(chunk)
        self.buffer, self.pos, self.done = b"", 0, True
        return b"".join(parts)


def read_chunks(handle, size: int = _CHUNK) -> Iterator[bytes]:
    while chunk := handle.read(size):
        yield chunk


__all__ = ["Reader", "read_chunks", "row_number"]
