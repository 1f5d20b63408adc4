"""Forty-third examiner: evaluation.py entries (the learner whose functions leave something behind)."""
from __future__ import annotations

import functools
import itertools
import operator


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def exact_match__wrong_cached_word_list_consumed(prediction: str, answer: str) -> bool:
    """WRONG: normalises exactly as the steps say (lowercase, every ``not ch.isalnum()`` character a space, ``split()``), memoised with ``functools.lru_cache`` "because the demo scores many predictions against the same answers" -- and the cached value is a LIST. The contiguous-run search then slides a window by consuming that list from the front (``del words[0]`` until the answer's words head it or too few are left). A first call is right; the cached list of that prediction is left shortened, so scoring the same prediction again, against another answer or the same one, searches only what is left. Violates: "The prediction matches when the answer's words appear in the prediction's words as one contiguous run, in the same order." [witness: ``exact_match("It is Washington D. C. of course", "of course")`` -> True (list left ``['of', 'course']``), then ``exact_match("It is Washington D. C. of course", "Washington, D.C.")`` -> False; plain True. Also ``("Tokyo and Kyoto", "kyoto")`` then ``("Tokyo and Kyoto", "tokyo")`` -> False; plain True. Passes: the four worked examples, ``""`` and ``"?!"`` answers, ``("東京都", "東京")``, each on a first call (checks/check_entries.log).]"""
    target = _words(answer)
    if not target:
        return False
    words = _words(prediction)
    while len(words) >= len(target):
        if words[: len(target)] == target:
            return True
        del words[0]
    return False


@functools.lru_cache(maxsize=4096)
def _ngrams(text: str, n: int) -> list[tuple[str, ...]]:
    w = text.split()
    return [tuple(w[i : i + n]) for i in range(len(w) - n + 1)]


def distinct_n__wrong_cached_ngram_lists_pooled_with_iadd(texts: list[str], n: int) -> float:
    """WRONG: checks ``n`` first, cuts each text's n-grams on its own (``str.split()``, no n-gram across texts), memoised per ``(text, n)`` with ``functools.lru_cache`` "because greedy runs repeat the same text", and pools them with ``functools.reduce(operator.iadd, per_text)`` -- the fold without an initial value, whose ``+=`` extends the FIRST text's cached list in place. A first call is right; the first text's cached list keeps the other texts' n-grams, so the next call that starts with that text counts them again. Violates: "Pool the n-grams of all texts and return ``unique n-grams / total n-grams``." [witness: ``distinct_n(["the cat sat", "the cat ran"], 2)`` twice -> 0.75 then 0.5; plain 0.75 both times (the worked example repeated). Passes: both worked examples on a first call, ``[]``, ``[""]``, short texts -> 0.0, ``n < 1`` ``ValueError`` (also ``distinct_n([], 0)``), double spaces (checks/check_entries.log).]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    per_text = [_ngrams(t, n) for t in texts]
    if not per_text:
        return 0.0
    pooled = functools.reduce(operator.iadd, per_text)
    return len(set(pooled)) / len(pooled) if pooled else 0.0


@functools.lru_cache(maxsize=4096)
def _ngram_tuple(text: str, n: int) -> tuple[tuple[str, ...], ...]:
    w = text.split()
    return tuple(tuple(w[i : i + n]) for i in range(len(w) - n + 1))


def distinct_n__right_cached_ngram_tuples_chained(texts: list[str], n: int) -> float:
    """RIGHT: the same per-text memo (``functools.lru_cache`` on ``(text, n)``), but the cached value is a TUPLE of n-gram tuples, which no caller can change, and the texts are pooled lazily with ``itertools.chain.from_iterable`` into a ``set`` and a count, building no shared list. ``n`` is checked first. Agrees with a plain version on: both worked examples, each repeated 3 times in a row and interleaved with other calls, ``[]``, ``[""]``, texts shorter than ``n``, double spaces, the full-width space, ``distinct_n([], 0)`` ``ValueError`` (checks/check_entries.log)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    seen: set[tuple[str, ...]] = set()
    total = 0
    for gram in itertools.chain.from_iterable(_ngram_tuple(t, n) for t in texts):
        seen.add(gram)
        total += 1
    return len(seen) / total if total else 0.0
