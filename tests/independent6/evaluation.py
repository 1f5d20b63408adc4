"""Sixth examiner: evaluation.py entries."""
from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction

import numpy as np


def exact_match__right_findall_not_underscore(prediction: str, answer: str) -> bool:
    """RIGHT: the words are found, not split out — ``re.findall(r"[^\\W_]+", s.lower())``
    (a run of characters that are word characters but not ``_``, which is exactly
    ``str.isalnum()``); then a recursive (halving) search over the start positions for the answer's words as a
    contiguous run."""
    pattern = re.compile(r"[^\W_]+")
    words = pattern.findall(prediction.lower())
    wanted = pattern.findall(answer.lower())
    if not wanted:
        return False

    def _search(lo: int, hi: int) -> bool:
        # any start position in [lo, hi)? split the range in halves: depth log2(len(words))
        if hi - lo <= 0:
            return False
        if hi - lo == 1:
            return words[lo : lo + len(wanted)] == wanted
        mid = (lo + hi) // 2
        return _search(lo, mid) or _search(mid, hi)

    return _search(0, len(words) - len(wanted) + 1)


def exact_match__right_isalpha_or_isnumeric(prediction: str, answer: str) -> bool:
    """RIGHT: the character test written as ``ch.isalpha() or ch.isnumeric()`` instead of
    ``ch.isalnum()`` (the same set: ``isnumeric`` covers ``isdigit`` and ``isdecimal``);
    the run is found by comparing space-padded joined strings."""
    def _words(text: str) -> list[str]:
        return "".join(ch if (ch.isalpha() or ch.isnumeric()) else " " for ch in text.lower()).split()

    wanted = _words(answer)
    if not wanted:
        return False
    return f" {' '.join(wanted)} " in f" {' '.join(_words(prediction))} "


def distinct_n__right_numpy_unique_rows(texts: list[str], n: int) -> float:
    """RIGHT: every word mapped to an integer code, each text's n-grams built as rows of a
    numpy array with ``sliding_window_view``, the rows of all texts stacked and counted with
    ``np.unique(axis=0)``; the ratio returned as ``float(...)``."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    codes: dict[str, int] = {}
    blocks = []
    for text in texts:
        words = text.split()
        if len(words) < n:
            continue
        ints = np.array([codes.setdefault(w, len(codes)) for w in words], dtype=np.int64)
        blocks.append(np.lib.stride_tricks.sliding_window_view(ints, n))
    if not blocks:
        return 0.0
    grams = np.concatenate(blocks, axis=0)
    return float(np.unique(grams, axis=0).shape[0] / grams.shape[0])


def distinct_n__wrong_returns_fraction(texts: list[str], n: int) -> float:
    """WRONG: returns an exact ``fractions.Fraction`` instead of a float; it equals 0.75 under
    ``==`` and ``2/3`` under ``pytest.approx``, so both worked examples pass a value check. Violates: "Returns a Python
    ``float`` in ``[0, 1]``." [``(["the cat sat", "the cat ran"], 2)``: ``Fraction(3, 4)``,
    ``isinstance(result, float)`` is False; ``json.dumps`` fails on it]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    grams: Counter = Counter()
    for text in texts:
        words = text.split()
        grams.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    total = sum(grams.values())
    if total == 0:
        return 0.0
    return Fraction(len(grams), total)
