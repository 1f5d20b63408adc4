"""Tenth examiner: evaluation.py entries."""
from __future__ import annotations


def distinct_n__wrong_space_split_drops_empties(texts: list[str], n: int) -> float:
    """WRONG: heeds the pitfall about double spaces by splitting on ``" "`` and dropping the
    empty strings: right for spaces, but a newline or a tab is not a separator, so
    ``"cat\\nsat"`` stays one word (model-written stories are full of newlines). Violates:
    "Split each text into words with ``str.split()``" [witness: ``(["the cat\\nsat on\\tthe
    mat"], 1)`` -> ``5/6`` expected (words the, cat, sat, on, the, mat), ``1.0`` returned
    (words the, cat\\nsat, on\\tthe, mat)]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    grams = []
    for text in texts:
        words = [w for w in text.split(" ") if w]
        grams.extend(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    return len(set(grams)) / len(grams) if grams else 0.0


def distinct_n__wrong_empty_return_before_n_check(texts: list[str], n: int) -> float:
    """WRONG: returns early for the trivial case "no texts" BEFORE checking ``n``, so an empty
    list with a bad ``n`` gives ``0.0``. Every listed example and edge case passes on its own
    (``[]`` with ``n = 2`` is ``0.0``; ``n = 0`` with texts raises). Violates: "``n < 1``
    raises ``ValueError``." [witness: ``distinct_n([], 0)`` (or ``([], -1)``) -> ``0.0``
    instead of ``ValueError``]"""
    if not texts:
        return 0.0
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    grams = []
    for text in texts:
        words = text.split()
        grams.extend(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    return len(set(grams)) / len(grams) if grams else 0.0
