"""Thirtieth examiner: evaluation.py entries (the public-test overfitter)."""
from __future__ import annotations

import unicodedata


def _words_keeping_marks(s: str) -> list[str]:
    out = []
    for ch in s.lower():
        out.append(ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " ")
    return "".join(out).split()


def exact_match__wrong_combining_marks_kept_in_words(prediction: str, answer: str) -> bool:
    """WRONG: "an accent belongs to its letter": a combining mark (Unicode category ``M*``, e.g. U+0301 COMBINING ACUTE ACCENT, U+0307 COMBINING DOT ABOVE) is kept inside the word instead of becoming a space; everything else is step 1-3 (``str.lower()``, ``isalnum`` for the rest, ``split``), the contiguous-run test and ``False`` for an answer with no words. Composed text (every public test, every worked example) has no combining marks, so nothing differs there. Text in decomposed form (NFD, as macOS file names and some scraped pages carry it) and ``'İ'.lower()`` do. Violates: "``isalnum`` decides, not what a reader would call a letter: ``'½'`` stays, the combining dot that ``'İ'.lower()`` leaves goes;" [witness: ``exact_match("Cafe\\u0301 au lait", "cafe au lait")`` -> ``False`` (WRONG: the word is ``'café'`` with its mark) vs ``True`` (plain: the mark becomes a space, words cafe au lait); ``exact_match("İstanbul", "i stanbul")`` -> ``False`` vs ``True``; ``exact_match("Sa\\u0303o Paulo", "sa o paulo")`` -> ``False`` vs ``True``. public tests: all 7 of ``exact_match`` pass (checks/logs/exact_match__wrong_combining_marks_kept_in_words.log).]"""
    a, p = _words_keeping_marks(answer), _words_keeping_marks(prediction)
    if not a:
        return False
    return any(p[i:i + len(a)] == a for i in range(len(p) - len(a) + 1))


def distinct_n__wrong_all_distinct_shortcut_returns_int_one(texts: list[str], n: int) -> float:
    """WRONG: a fast path "when nothing repeats the answer is simply 1": ``if len(unique) == len(grams): return 1`` -- the integer ``1``. The rest is plain (``n`` checked first, ``str.split()``, n-grams per text, ``0.0`` with none, ``len(unique) / len(grams)`` otherwise, a float). Every public test and worked example has a repeated n-gram or none at all (0.75, 2/3, 1/3, 0.5, 0.0), so the fast path never runs there. Violates: "texts: a list of ``str``; n: an ``int``. Returns a Python ``float`` in ``[0, 1]``." [witness: ``distinct_n(["the cat sat"], 2)`` -> ``1`` of type ``int`` (WRONG) vs ``1.0`` ``float`` (plain); ``distinct_n(["a b", "c d"], 1)`` -> ``1`` vs ``1.0``; equal value, but ``type(x) is float`` is False and ``json.dumps`` writes ``1`` not ``1.0``. public tests: all 7 of ``distinct_n`` pass (checks/logs/distinct_n__wrong_all_distinct_shortcut_returns_int_one.log).]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    grams = []
    for text in texts:
        words = text.split()
        grams.extend(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0.0
    unique = set(grams)
    if len(unique) == len(grams):
        return 1
    return len(unique) / len(grams)
