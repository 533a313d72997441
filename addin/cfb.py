"""A small writer for Microsoft compound files ([MS-CFB] version 3), enough for a vbaProject.bin.

olefile reads compound files but cannot create them, and the VBA project of the add-in is one:
a root storage holding ``PROJECT``, ``PROJECTwm`` and a ``VBA`` storage with the module streams.
This writer lays out, in order: regular-sector stream data, the mini stream, the mini FAT, the
directory and the FAT, and builds each storage's children as a valid red-black tree (Windows'
structured storage, which Excel uses, expects the documented ordering of sibling names).
"""

from __future__ import annotations

import struct

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREE = 0xFFFFFFFF
_END = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_RED, _BLACK = 0, 1
_STORAGE, _STREAM, _ROOT = 1, 2, 5


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        if len(name) > 31:
            raise ValueError(f"compound file names have at most 31 characters (got {name!r})")
        self.name = name
        self.kind = kind
        self.data = data
        self.children: dict[str, _Entry] = {}
        self.sid = 0
        self.left = self.right = self.child = _NOSTREAM
        self.color = _BLACK
        self.start = _END
        self.size = 0


def _sort_key(name: str) -> tuple[int, str]:
    # [MS-CFB] 2.6.4: shorter names sort first, then a case-insensitive comparison.
    return (len(name), name.upper())


def _tree(entries: list[_Entry], depth: int, max_depth: int) -> int:
    """Link a sorted list as a balanced tree; nodes on the deepest level are red, the rest black.

    Every path from the root to a leaf then passes the same number of black nodes and no red
    node has a red parent: the red-black rules that readers of compound files rely on.
    """
    if not entries:
        return _NOSTREAM
    mid = len(entries) // 2
    node = entries[mid]
    node.color = _RED if (depth == max_depth and depth > 0) else _BLACK
    node.left = _tree(entries[:mid], depth + 1, max_depth)
    node.right = _tree(entries[mid + 1 :], depth + 1, max_depth)
    return node.sid


def _depth(n: int) -> int:
    # Depth of the deepest node in the middle-split tree of n nodes (root = 0).
    # The left half (n // 2 nodes) is never smaller than the right one.
    return 0 if n <= 1 else 1 + _depth(n // 2)


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i + 1 < count else _END


def write_compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams``, keyed by path with '/' between storages.

    Example: ``write_compound_file({"PROJECT": b"...", "VBA/dir": b"..."})``.
    """
    order = _directory_order(_storage_tree(streams))
    mini, minifat, big = _split_small_streams(order)
    sectors = _Sectors()
    for entry in big:
        entry.start = sectors.place(entry.data)
    root = order[0]
    root.start = sectors.place(bytes(mini))
    root.size = len(mini)
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_bytes += struct.pack("<I", _FREE) * ((-len(minifat)) % (_SECTOR // 4))
    first_minifat = sectors.place(minifat_bytes) if minifat else _END
    minifat_sectors = -(-len(minifat_bytes) // _SECTOR) if minifat else 0
    directory = bytearray()
    for entry in order:
        directory += _dir_entry(entry)
    while len(directory) % _SECTOR:
        directory += _empty_dir_entry()
    first_dir = sectors.place(bytes(directory))
    first_fat, fat_count = sectors.close_with_fat()
    header = _header(fat_count, first_dir, first_minifat, minifat_sectors, first_fat)
    return header + bytes(sectors.data)


def _storage_tree(streams: dict[str, bytes]) -> _Entry:
    """The root storage, with a storage per folder of the paths and a stream per path."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for storage in parts[:-1]:
            node = node.children.setdefault(storage, _Entry(storage, _STORAGE))
        node.children[parts[-1]] = _Entry(parts[-1], _STREAM, bytes(data))
    return root


def _directory_order(root: _Entry) -> list[_Entry]:
    """Every entry, breadth-first with the root first, numbered and linked into its siblings' tree.

    Stream ids are indexes into this list.
    """
    order: list[_Entry] = [root]
    i = 0
    while i < len(order):
        order.extend(sorted(order[i].children.values(), key=lambda e: _sort_key(e.name)))
        i += 1
    for sid, entry in enumerate(order):
        entry.sid = sid
    for entry in order:
        kids = sorted(entry.children.values(), key=lambda e: _sort_key(e.name))
        entry.child = _tree(kids, 0, _depth(len(kids)))
    return order


def _split_small_streams(order: list[_Entry]) -> tuple[bytearray, list[int], list[_Entry]]:
    """(mini stream, mini FAT, the large streams): small streams go to 64-byte mini sectors.

    Each stream's size is set, and the start of each small one in the mini stream.
    """
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for entry in order:
        if entry.kind != _STREAM:
            continue
        entry.size = len(entry.data)
        if entry.size == 0:
            entry.start = _END
        elif entry.size < _MINI_CUTOFF:
            count = -(-entry.size // _MINI_SECTOR)
            entry.start = len(minifat)
            minifat.extend([0] * count)
            _chain(minifat, entry.start, count)
            mini += entry.data + b"\0" * (count * _MINI_SECTOR - entry.size)
        else:
            big.append(entry)
    return mini, minifat, big


class _Sectors:
    """The file's 512-byte sectors after the header, and the FAT chaining them."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.fat: list[int] = []

    def place(self, data: bytes) -> int:
        """Append ``data`` in whole sectors chained in the FAT; its first sector (END when empty)."""
        count = -(-len(data) // _SECTOR)
        if count == 0:
            return _END
        first = len(self.fat)
        self.fat.extend([0] * count)
        _chain(self.fat, first, count)
        self.data.extend(data + b"\0" * (count * _SECTOR - len(data)))
        return first

    def close_with_fat(self) -> tuple[int, int]:
        """Append the FAT itself; (its first sector, its number of sectors)."""
        # The FAT describes itself too: grow it until its own sectors fit.
        per_sector = _SECTOR // 4
        fat_count = 1
        while len(self.fat) + fat_count > fat_count * per_sector:
            fat_count += 1
        if fat_count > 109:
            raise ValueError("the VBA project is too large for a compound file without DIFAT sectors")
        first_fat = len(self.fat)
        self.fat.extend([_FATSECT] * fat_count)
        self.fat.extend([_FREE] * (fat_count * per_sector - len(self.fat)))
        self.data += b"".join(struct.pack("<I", v) for v in self.fat)
        return first_fat, fat_count


def _header(fat_count: int, first_dir: int, first_minifat: int, minifat_sectors: int, first_fat: int) -> bytes:
    difat = [first_fat + i for i in range(fat_count)] + [_FREE] * (109 - fat_count)
    return struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"\0" * 16,
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # byte order mark (little-endian)
        9,  # sector shift: 2**9 = 512
        6,  # mini sector shift: 2**6 = 64
        b"\0" * 6,
        0,  # number of directory sectors: always 0 in version 3
        fat_count,
        first_dir,
        0,  # transaction signature
        _MINI_CUTOFF,
        first_minifat,
        minifat_sectors,
        _END,  # first DIFAT sector: none
        0,
    ) + b"".join(struct.pack("<I", v) for v in difat)


def _dir_entry(entry: _Entry) -> bytes:
    name = entry.name.encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name) + 2,
        entry.kind,
        entry.color,
        entry.left,
        entry.right,
        entry.child,
        b"\0" * 16,
        0,
        0,
        0,
        entry.start if entry.kind != _STORAGE else 0,
        entry.size if entry.kind != _STORAGE else 0,
    )


def _empty_dir_entry() -> bytes:
    return struct.pack(
        "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0
    )


__all__ = ["write_compound_file"]
