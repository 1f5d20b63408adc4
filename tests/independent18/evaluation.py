"""Eighteenth examiner: evaluation.py entries."""
from __future__ import annotations


def distinct_n__wrong_total_counts_per_text_sets(texts: list[str], n: int) -> float:
    """WRONG: collects the n-grams of each text as a SET (tuples of ``n`` consecutive words of one text, ``str.split()``), takes the union of the sets as the distinct n-grams, and the sum of the sets' sizes as the total. An n-gram repeated INSIDE one text is then counted once in the total, so a repetitive text scores as if it had no repeats; repeats across texts still count. The worked examples (no text repeats an n-gram of its own: ``0.75`` and ``0.666...``), ``[]``, ``[""]``, short texts and ``n < 1`` (checked first) all agree. Violates: "Return the share of distinct n-grams among all n-grams of ``texts``." [witness: ``distinct_n(["a a a"], 1)`` -> ``1/3`` expected, ``1.0`` returned; ``distinct_n(["the cat the cat"], 2)`` -> ``2/3`` expected, ``1.0``]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    per_text = []
    for text in texts:
        words = text.split()
        per_text.append({tuple(words[i : i + n]) for i in range(len(words) - n + 1)})
    total = sum(len(grams) for grams in per_text)
    if total == 0:
        return 0.0
    return len(set().union(*per_text)) / total
