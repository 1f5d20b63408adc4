"""Independent catalogue, round 4: submissions for exercises/evaluation.py.

Written from the docstrings of ``exercises/evaluation.py`` only, avoiding the mistakes of
rounds 1-3.
"""
from __future__ import annotations

import re


def exact_match__wrong_in_order_subsequence(prediction: str, answer: str) -> bool:
    """WRONG: checks that the answer's words occur in the prediction IN ORDER, but allows
    other words between them (a subsequence, not a contiguous run). Passes all four
    examples, including "France Paris" (wrong order). Violates: "The prediction matches when
    the answer's words appear in the prediction's words as one contiguous run, in the same
    order." [``("Washington is not in D. C.", "Washington D.C.")`` -> True]"""
    def words(s: str) -> list[str]:
        return "".join(ch if ch.isalnum() else " " for ch in s.lower()).split()

    pred, ans = words(prediction), words(answer)
    if not ans:
        return False
    it = iter(pred)
    return all(any(w == x for x in it) for w in ans)


def exact_match__wrong_ascii_alnum_regex(prediction: str, answer: str) -> bool:
    """WRONG: normalises with ``re.sub(r"[^a-z0-9]", " ", s.lower())`` -- letters and digits
    of the ASCII range only; every accented or non-Latin letter becomes a space, so a
    Japanese answer has "no words" and "café" shrinks to "caf". Violates: "every character
    that is not a letter or a digit (``not ch.isalnum()``) ... becomes a space" [``("東京",
    "東京")`` -> False; ``("Café", "caf")`` -> True]"""
    pred = re.sub(r"[^a-z0-9]", " ", prediction.lower()).split()
    ans = re.sub(r"[^a-z0-9]", " ", answer.lower()).split()
    if not ans:
        return False
    n = len(ans)
    return any(pred[i : i + n] == ans for i in range(len(pred) - n + 1))


def distinct_n__wrong_returns_on_short_text(texts: list[str], n: int) -> float:
    """WRONG: handles "texts shorter than ``n`` words -> 0.0" inside the loop with
    ``return 0.0``, so ONE short text anywhere in the list zeroes the whole score. Violates:
    "Pool the n-grams of all texts and return ``unique n-grams / total n-grams``." (the
    0.0 edge case is for no n-grams AT ALL) [``(["the cat sat", "hi"], 2)`` -> 0.0 instead
    of 1.0]"""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    grams: list[tuple[str, ...]] = []
    for text in texts:
        words = text.split()
        if len(words) < n:
            return 0.0
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)
