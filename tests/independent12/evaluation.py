"""Twelfth examiner: evaluation.py entries."""
from __future__ import annotations

import functools


def distinct_n__wrong_mean_of_per_text_ratios(texts: list[str], n: int) -> float:
    """WRONG: computes distinct-n of each text on its own and returns the mean of those ratios ("the diversity of the set is the average diversity of its texts"), so an n-gram repeated ACROSS texts never counts as a repeat. Violates: "Pool the n-grams of all texts and return ``unique n-grams / total n-grams``." [witness: ``distinct_n(["the cat sat", "the cat ran"], 2)``: ``0.75`` expected, ``1.0`` returned]"""
    if n < 1:
        raise ValueError(f"distinct_n: n must be at least 1, got {n}")
    ratios = []
    for text in texts:
        words = text.split()
        grams = [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]
        if grams:
            ratios.append(len(set(grams)) / len(grams))
    return sum(ratios) / len(ratios) if ratios else 0.0


def distinct_n__right_functools_reduce_fold(texts: list[str], n: int) -> float:
    """RIGHT: one ``functools.reduce`` over the texts folds a ``(seen set, total count)`` pair; each text's n-grams come from ``zip`` of ``n`` shifted slices of its words (so none spans two texts); the ratio is made a Python ``float`` explicitly."""
    if n < 1:
        raise ValueError(f"distinct_n: n must be at least 1, got {n}")

    def fold(acc, text):
        seen, total = acc
        words = text.split()
        grams = list(zip(*(words[i:] for i in range(n))))
        return seen | set(grams), total + len(grams)

    seen, total = functools.reduce(fold, texts, (frozenset(), 0))
    return float(len(seen) / total) if total else 0.0


def exact_match__right_list_index_scan(prediction: str, answer: str) -> bool:
    """RIGHT: finds candidate starts with ``list.index(first_word, start)`` in a loop ended by the ``ValueError`` it raises when no further occurrence exists, comparing a slice at each candidate; normalisation with ``str.maketrans`` built from the characters actually present."""

    def words(text):
        lowered = text.lower()
        table = str.maketrans({ch: " " for ch in set(lowered) if not ch.isalnum()})
        return lowered.translate(table).split()

    pred, ans = words(prediction), words(answer)
    if not ans:
        return False
    start = 0
    while True:
        try:
            i = pred.index(ans[0], start)
        except ValueError:
            return False
        if pred[i:i + len(ans)] == ans:
            return True
        start = i + 1
