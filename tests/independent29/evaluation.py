"""Twenty-ninth examiner: evaluation.py entries (the performance-minded learner)."""
from __future__ import annotations

import functools


@functools.lru_cache(maxsize=8192)
def _padded_words(s: str) -> str:
    """`` w1 w2 ... `` with one space each side: the docstring's three steps, memoised."""
    words = "".join(ch if ch.isalnum() else " " for ch in s.lower()).split()
    return " " + " ".join(words) + " " if words else ""


def exact_match__right_lru_cached_word_tuples(prediction: str, answer: str) -> bool:
    """RIGHT: an evaluation loop scores the same reference answers against many predictions, so the normalisation (lowercase, every ``not ch.isalnum()`` character to a space, ``split()``) is memoised with a module-level ``functools.lru_cache`` keyed by the string; the result is the words joined by single spaces and padded with one space each side (or ``""`` when there are no words), and the contiguous in-order match is one C-level substring search, ``padded_answer in padded_prediction``. Safe to cache: ``str`` is immutable and the normalisation depends on nothing else; words never contain a space, so a padded substring hit is exactly a run of whole words. No words in the answer -> ``False``. Agrees with a plain version on: the four worked examples, ``""`` and ``"?!"`` answers, ``"½"``, ``"İstanbul"``, ``"snake_case"``/``"snake"``, tabs and newlines, repeated calls in both orders, 300 random pairs from a small alphabet with punctuation (checks/check_entries.log)."""
    a = _padded_words(answer)
    if not a:
        return False
    return a in _padded_words(prediction)
