"""Forty-fourth examiner: evaluation.py entries (the right answer nobody expected)."""
from __future__ import annotations

_MOD = (1 << 61) - 1  # a Mersenne prime
_BASE = 1_000_003


def _words(text: str) -> list[str]:
    lowered = text.lower()
    return "".join(ch if ch.isalnum() else " " for ch in lowered).split()


def exact_match__right_rabin_karp_word_hashes(prediction: str, answer: str) -> bool:
    """RIGHT: the contiguous run of words is found by Rabin-Karp over WORDS: each normalised word becomes ``hash(word) % (2**61 - 1)``, the answer gets one polynomial hash (base 1000003, modulo the Mersenne prime ``2**61 - 1``), and a window of the same length is rolled along the prediction's word hashes in O(1) per step; every hash hit is confirmed by comparing the word lists themselves, so a collision can never make a false match. Normalised exactly as the steps say: ``str.lower()`` of the whole string, then every character with ``not ch.isalnum()`` to a space, then ``split()`` (so ``"東京都"`` stays one word and ``'½'`` stays). An answer with no words returns ``False``; a prediction shorter than the answer returns ``False``. Sentences an over-strict grader could hold against it: "Compare whole words of normalised text -- padding both sides with a space is one way" (it compares whole words, by hash then by list) and "lowercase (``str.lower()``)" (it is ``str.lower``, not ``casefold``). Agrees with a plain version on: the four worked examples, ``""``/``"?!"`` answers, ``"東京都"``/``"東京"``, ``'İstanbul'``/``'i stanbul'``, ``'½ cup'``/``'½'``, an answer longer than the prediction, a match at the very end, a 2000-word prediction with the answer at word 1500, and 3000 random word-list pairs over a 5-word alphabet (checks/check_entries.log)."""
    target = _words(answer)
    words = _words(prediction)
    m = len(target)
    if m == 0 or len(words) < m:
        return False
    codes = [hash(w) % _MOD for w in words]
    goal = 0
    for w in target:
        goal = (goal * _BASE + hash(w) % _MOD) % _MOD
    top = pow(_BASE, m - 1, _MOD)
    window = 0
    for c in codes[:m]:
        window = (window * _BASE + c) % _MOD
    for start in range(len(words) - m + 1):
        if window == goal and words[start:start + m] == target:
            return True
        if start + m < len(words):
            window = ((window - codes[start] * top) * _BASE + codes[start + m]) % _MOD
    return False


def _ngrams_by_halving(words: list[str], n: int, lo: int, hi: int) -> tuple[frozenset, int]:
    """The n-grams that START at positions ``lo .. hi - 1`` of one text: (distinct set, count)."""
    if hi - lo <= 16:
        grams = [tuple(words[i:i + n]) for i in range(lo, hi)]
        return frozenset(grams), len(grams)
    mid = (lo + hi) // 2
    left, left_count = _ngrams_by_halving(words, n, lo, mid)
    right, right_count = _ngrams_by_halving(words, n, mid, hi)
    return left | right, left_count + right_count


def distinct_n__right_recursive_halving_per_text(texts: list[str], n: int) -> float:
    """RIGHT: ``n`` is checked first (``ValueError`` for ``n < 1``, also for ``distinct_n([], 0)``); then, text by text (``str.split()`` words, so no n-gram spans two texts), the valid start positions ``0 .. len(words) - n`` are split in halves recursively -- the recursion depth is ``log2`` of the text's length, so a 100000-word text stays far from Python's recursion limit -- and each half returns its n-grams as a ``frozenset`` with their count; the sets are merged with ``|`` up the tree and across the texts. The result is ``len(distinct) / total`` as a Python ``float``, ``0.0`` with no n-grams at all. Sentences an over-strict grader could hold against it: "An n-gram is ``n`` consecutive words of one text; n-grams never span two texts" (each n-gram is cut from one text's word list by its start position) and "Pool the n-grams of all texts" (pooled as a union of sets plus a running count, not as one list). Agrees with a plain version on: both worked examples (0.75, 0.666...), ``[]``, ``[""]``, texts shorter than ``n``, ``n = 0`` with and without texts, full-width spaces and ``"東京！"``/``"東京!"``, double spaces, a 100000-word text with ``n`` 1/2/3, and 500 random text lists with ``n`` 1 to 4 (checks/check_entries.log)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    distinct: frozenset = frozenset()
    total = 0
    for text in texts:
        words = text.split()
        starts = len(words) - n + 1
        if starts <= 0:
            continue
        grams, count = _ngrams_by_halving(words, n, 0, starts)
        distinct |= grams
        total += count
    return float(len(distinct) / total) if total else 0.0
