"""Fortieth examiner: evaluation.py entries (the learner who builds on their own earlier answers)."""
from __future__ import annotations


def _my_normalised_words(text: str) -> list[str]:
    """The learner's own exercise-15 normalisation: lower, non-alphanumerics to spaces, split."""
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def _my_ngrams(words: list[str], n: int) -> list[tuple[str, ...]]:
    """The learner's own exercise-16 n-gram cutter, faithful to distinct_n's contract:
    ``n < 1`` raises ``ValueError`` (checked first), a text shorter than ``n`` has none."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def exact_match__wrong_answer_as_ngram_of_own_cutter(prediction: str, answer: str) -> bool:
    """WRONG: exact match seen as "is the answer one of the prediction's n-grams, with n = the answer's length", built from the learner's own distinct-n cutter ``_my_ngrams`` (a set of the prediction's ``len(answer_words)``-grams, then membership). The normalisation (``lower``, every ``not ch.isalnum()`` a space, ``split``) and the contiguous, ordered comparison are right. But the cutter keeps ITS contract's range: ``n < 1`` raises ``ValueError`` ("check ``n`` first"), and an answer with no words asks it for 0-grams, so ``exact_match`` raises instead of answering. Violates: "An ``answer`` with no words (``""``, ``"?!"``) never matches: return ``False``." [witness: ``exact_match("Tokyo.", "")`` -> ``ValueError: n must be at least 1, got 0``; plain ``False``; ``exact_match("Tokyo", "?!")`` the same. Passes: the four worked examples (``"Tokyo."``/``"tokyo"`` True, Washington D. C. True, Romeo/Rome False, Paris France/France Paris False), ``"東京都"``/``"東京"`` False, an answer longer than the prediction False, and 9 other pairs equal to plain (checks/check_entries.log).]"""
    ans = _my_normalised_words(answer)
    pred = _my_normalised_words(prediction)
    return tuple(ans) in set(_my_ngrams(pred, len(ans)))


def distinct_n__right_own_cutter_after_check(texts: list[str], n: int) -> float:
    """RIGHT: the same reuse done the other way round: distinct-n built on the learner's own n-gram cutter (the one exact match uses), fed ``str.split()`` words -- NOT exact match's normaliser, whose lowercasing and punctuation stripping distinct-n forbids ("case and punctuation are kept as they are"). ``n`` is checked by the cutter before any text is read (a direct call with an empty word list, so ``distinct_n([], 0)`` raises too); n-grams are cut per text, counted in a dict, and the share is ``len(counts) / sum(counts.values())`` as a float, ``0.0`` when there are none. Agrees with a plain version on: the worked examples (0.75, 0.666...), ``[]``, ``[""]``, texts shorter than ``n``, ``n = 0`` and ``-1`` (``ValueError``, ``[]`` included), double spaces, U+3000, ``"東京！"``/``"東京!"``, ``"The cat"``/``"the cat"``, and 6 more inputs (checks/check_entries.log)."""
    _my_ngrams([], n)  # the cutter's own check of n, before any text
    counts: dict[tuple[str, ...], int] = {}
    for text in texts:
        for gram in _my_ngrams(text.split(), n):
            counts[gram] = counts.get(gram, 0) + 1
    total = sum(counts.values())
    return float(len(counts)) / total if total else 0.0
