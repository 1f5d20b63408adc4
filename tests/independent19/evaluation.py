"""Nineteenth examiner: evaluation.py entries (patterns taken from public distinct-n code)."""
from __future__ import annotations

import re


def distinct_n__wrong_word_tokenizer_splits_punctuation(texts: list[str], n: int) -> float:
    """WRONG: cuts each text into words the way public distinct-n scripts do, with a word TOKENIZER (nltk's ``word_tokenize``, spaCy) rather than ``str.split()``; here its core rule, written as ``re.findall(r"\\w+|[^\\w\\s]", text)``: every punctuation mark becomes a "word" of its own. Texts are still kept apart, n-grams pooled, ``n`` checked first, and no n-gram gives ``0.0``, so both worked examples (plain words) and the edge cases pass. But punctuation now makes n-grams of its own and glues "Yes," to "yes". Source: roholazandie/topical_language_generation evaluation/metrics.py (spaCy tokens), and a Microsoft-headed ``calc_distinct_n`` that tokenizes with ``nltk.tokenize.word_tokenize``. Violates: "Split each text into words with ``str.split()`` (case and punctuation are kept as they are)." [witness: ``distinct_n(["yes, yes"], 1)`` -> ``1.0`` expected (``"yes,"`` and ``"yes"`` differ), ``0.666…`` returned (``yes , yes``)]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    grams = []
    for text in texts:
        words = re.findall(r"\w+|[^\w\s]", text)
        grams.extend(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)
