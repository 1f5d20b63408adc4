"""Seventeenth examiner: evaluation.py entries."""
from __future__ import annotations

import collections


def _exact_match__right_translate_table_deque_words(text: str) -> list[str]:
    lowered = text.lower()
    table = {ord(ch): " " for ch in set(lowered) if not ch.isalnum()}
    return lowered.translate(table).split()


def exact_match__right_translate_table_deque(prediction: str, answer: str) -> bool:
    """RIGHT: normalises with ``str.translate``: after ``str.lower()`` of the whole string, a table is built for the characters that string holds (``{ord(ch): " "}`` for every ``ch`` with ``not ch.isalnum()``) and applied in one call, then ``split()``. The answer's words are looked for with a ``collections.deque(maxlen=len(answer_words))`` sliding over the prediction's words, compared with the answer as a list at every step. An answer with no words returns ``False`` before any search."""
    wanted = _exact_match__right_translate_table_deque_words(answer)
    if not wanted:
        return False
    window: collections.deque[str] = collections.deque(maxlen=len(wanted))
    for word in _exact_match__right_translate_table_deque_words(prediction):
        window.append(word)
        if len(window) == len(wanted) and list(window) == wanted:
            return True
    return False


def _exact_match__wrong_lowers_char_by_char_words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for ch in text for c in ch.lower()).split()


def exact_match__wrong_lowers_char_by_char(prediction: str, answer: str) -> bool:
    """WRONG: normalises in one pass over the characters, lowering EACH CHARACTER on its own (``ch.lower()``) and then mapping every resulting character that is not alphanumeric to a space -- so a character whose lower case is two (``'İ'`` -> ``'i'`` + U+0307) is handled as the rule handles it. But ``str.lower()`` of a whole string is context-sensitive: Python applies Unicode's Final_Sigma rule, so a capital ``'Σ'`` at the end of a word lowers to ``'ς'``, while ``'Σ'.lower()`` alone is always ``'σ'``. Greek words in capitals that end in sigma then never match their lower-case spelling. The match itself is the docstring's (contiguous run of words, empty answer -> ``False``). Violates: "lowercase (``str.lower()``);" [witness: ``exact_match("ΟΔΟΣ", "οδος")`` -> ``True`` expected (``"ΟΔΟΣ".lower() == "οδος"``), ``False``; ``exact_match("Η ΟΔΟΣ ΕΙΝΑΙ", "οδος")`` likewise]"""
    wanted = _exact_match__wrong_lowers_char_by_char_words(answer)
    if not wanted:
        return False
    words = _exact_match__wrong_lowers_char_by_char_words(prediction)
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


def distinct_n__right_set_union_arithmetic_total(texts: list[str], n: int) -> float:
    """RIGHT: checks ``n`` first (``ValueError`` for ``n < 1``, also with no texts). The total is counted without listing any n-gram: a text of ``w`` words has ``max(w - n + 1, 0)`` of them; a total of 0 returns ``0.0``. The distinct ones are ``set().union(...)`` of each text's ``zip(*(words[i:] for i in range(n)))`` -- tuples of ``n`` consecutive words of ONE text, so none spans two texts. Returns ``len(distinct) / total``, a Python ``float``."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    word_lists = [text.split() for text in texts]
    total = sum(max(len(words) - n + 1, 0) for words in word_lists)
    if total == 0:
        return 0.0
    distinct = set().union(*(zip(*(words[i:] for i in range(n))) for words in word_lists))
    return len(distinct) / total


def distinct_n__wrong_arithmetic_total_unclamped(texts: list[str], n: int) -> float:
    """WRONG: counts the n-grams arithmetically, ``len(words) - n + 1`` per text, without clamping at 0, and returns ``0.0`` when that total is not positive. A text shorter than ``n`` words then counts NEGATIVE n-grams and cancels n-grams of the other texts. Every docstring case still passes: the worked examples (all texts at least ``n`` words), ``[]``, ``[""]`` and texts that are ALL shorter than ``n`` (a total of 0 or below gives ``0.0``); it shows only when short and long texts are mixed. The distinct n-grams are the docstring's (tuples within one text). Violates: "Pool the n-grams of all texts and return ``unique n-grams / total n-grams``." [witness: ``distinct_n(["a", "b c d e"], 3)``: 2 trigrams, 2 distinct -> ``1.0`` expected, ``2.0`` (total -1 + 2 = 1); ``distinct_n(["a", "b c d"], 3)``: ``1.0`` expected, ``0.0``]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    word_lists = [text.split() for text in texts]
    total = sum(len(words) - n + 1 for words in word_lists)
    if total <= 0:
        return 0.0
    distinct = {tuple(words[i : i + n]) for words in word_lists for i in range(len(words) - n + 1)}
    return len(distinct) / total
