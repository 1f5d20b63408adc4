"""Ninth examiner: evaluation.py entries."""
from __future__ import annotations

import itertools
import unicodedata


def _exact_match__wrong_keeps_apostrophes_words(text: str) -> list[str]:
    lowered = text.lower()
    mapped = "".join(ch if ch.isalnum() or ch in "'\u2019" else " " for ch in lowered)
    return mapped.split()


def exact_match__wrong_keeps_apostrophes(prediction: str, answer: str) -> bool:
    """WRONG: keeps apostrophes (``'`` and ``’``) inside words, "so that contractions like
    don't stay one word"; then a possessive glues to its word and "Tokyo's" is no longer the
    word "tokyo". Violates: "every character that is not a letter or a digit (``not
    ch.isalnum()``) — punctuation, symbols, whitespace — becomes a space;" [``exact_match(
    "Tokyo's population is huge", "Tokyo")`` -> ``False`` (expected ``True``: the words are
    ``tokyo, s, population, ...``); ``exact_match("O'Hare", "O Hare")`` -> ``False``]"""
    answer_words = _exact_match__wrong_keeps_apostrophes_words(answer)
    if not answer_words:
        return False
    padded_answer = " " + " ".join(answer_words) + " "
    padded_prediction = " " + " ".join(_exact_match__wrong_keeps_apostrophes_words(prediction)) + " "
    return padded_answer in padded_prediction


def _exact_match__wrong_strips_accents_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if ch.isalnum() else " " for ch in stripped).split()


def exact_match__wrong_strips_accents(prediction: str, answer: str) -> bool:
    """WRONG: folds accents away first (NFD, then drop the combining marks: "Café" ->
    "cafe"), as many search normalisers do, so words that differ only by an accent match.
    Violates: "lowercase (``str.lower()``);" / "every character that is not a letter or a
    digit (``not ch.isalnum()``) ... becomes a space" -- 'é' is a letter and stays 'é'.
    [``exact_match("We met at Café Noir", "cafe noir")`` -> ``True`` (expected ``False``);
    ``exact_match("São Paulo", "Sao Paulo")`` -> ``True`` (expected ``False``)]"""
    answer_words = _exact_match__wrong_strips_accents_words(answer)
    if not answer_words:
        return False
    prediction_words = _exact_match__wrong_strips_accents_words(prediction)
    n = len(answer_words)
    return any(prediction_words[i : i + n] == answer_words for i in range(len(prediction_words) - n + 1))


def _exact_match__right_unicode_category_groupby_words(text: str) -> list[str]:
    lowered = text.lower()
    runs = itertools.groupby(lowered, key=lambda ch: unicodedata.category(ch)[0] in "LN")
    return ["".join(chars) for is_word, chars in runs if is_word]


def exact_match__right_unicode_category_groupby(prediction: str, answer: str) -> bool:
    """RIGHT: never calls ``isalnum`` or ``split``: after ``str.lower()`` it groups the
    characters with ``itertools.groupby`` on ``unicodedata.category(ch)[0] in "LN"``
    (letters and numbers -- the same set as ``str.isalnum``, checked over every code point)
    and keeps the runs as words; the contiguous run is found by searching the NUL-joined
    answer inside the NUL-joined prediction (NUL is never part of a word)."""
    answer_words = _exact_match__right_unicode_category_groupby_words(answer)
    if not answer_words:
        return False
    needle = "\0" + "\0".join(answer_words) + "\0"
    haystack = "\0" + "\0".join(_exact_match__right_unicode_category_groupby_words(prediction)) + "\0"
    return needle in haystack
