"""Which of many texts hold a word, found by C-level ``str.find`` over all of them at once.

A regex search costs one Python call per text and tries the pattern at every position of it. Most
distinct texts hold none of the words a rule cannot match without (a status phrase's longest word,
the word that announces a revised date), so a rule first asks ``Joined.holding`` which texts hold
one, and runs its regex on those alone. Finding a word is a necessary condition, never a verdict,
so the answers stay exactly the regex's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class Joined:
    """Texts joined by NUL (``text``) and where each starts in it.

    ``text`` is None when a text holds NUL itself (no cell can: the xlsx format forbids it), or when
    there are no texts; ``holding`` then answers every text, so callers still get exact answers.
    ``joined`` may be given when the caller already has the texts joined, changed char for char
    (the same lengths and NULs, as when dashes are replaced).
    """

    def __init__(self, texts: Sequence[str], joined: str | None = None) -> None:
        self.count = len(texts)
        joined = "\x00".join(texts) if joined is None else joined
        self.text = joined if self.count and joined.count("\x00") == self.count - 1 else None
        if self.text is not None:
            lengths = np.fromiter(map(len, texts), dtype="int64", count=self.count)
            self._starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        self._by_word: dict[str, np.ndarray] = {}

    def holding(self, words: Sequence[str]) -> np.ndarray:
        """Positions (sorted) of the texts that hold one of ``words``."""
        if self.text is None:
            return np.arange(self.count)
        return np.flatnonzero(self.marked(words))

    def marked(self, words: Sequence[str]) -> np.ndarray:
        """Per text, whether it holds one of ``words`` (every text when ``text`` is None). A mask
        rather than ``np.unique`` of the positions: a few µs less a call, and most rules ask
        about a handful of distinct texts."""
        if self.text is None:
            return np.ones(self.count, dtype=bool)
        mark = np.zeros(self.count, dtype=bool)
        for word in words:
            mark[self._holding_word(word)] = True
        return mark

    def _holding_word(self, word: str) -> np.ndarray:
        """The texts that hold ``word``, found once: status rules ask about the same words again
        ("complete" both says and holds back a completion)."""
        texts = self._by_word.get(word)
        if texts is None:
            found = []
            at = self.text.find(word)
            while at >= 0:
                found.append(at)
                at = self.text.find(word, at + 1)
            texts = self._by_word[word] = np.searchsorted(self._starts, found, side="right") - 1
        return texts


class AnyCase:
    """Texts to sift for a case-insensitive regex: ``holding(words)`` gives the texts that such a
    regex, needing one of ``words`` (lower case), must read. Those whose lower case holds one; and
    every text beyond ASCII, where case rules differ from lower-casing ('ſ' matches 's' and the
    Kelvin sign 'k' in a regex): outside ASCII nothing is skipped."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._lower = Joined(list(map(str.lower, texts)))
        self._beyond_ascii = ~np.fromiter(map(str.isascii, texts), dtype=bool, count=len(texts))

    def holding(self, words: Sequence[str]) -> np.ndarray:
        return np.flatnonzero(self._lower.marked(words) | self._beyond_ascii)


__all__ = sorted(["AnyCase", "Joined"])
