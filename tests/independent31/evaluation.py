"""Thirty-first examiner: evaluation.py entries (misled by a library default)."""
from __future__ import annotations

import re

from sklearn.feature_extraction.text import CountVectorizer


def _em_contains(words: list[str], run: list[str]) -> bool:
    n = len(run)
    return any(words[i:i + n] == run for i in range(len(words) - n + 1))


def exact_match__wrong_upper_instead_of_lower(prediction: str, answer: str) -> bool:
    r"""WRONG: the docstring's three steps and the contiguous-run test, but the case is normalised with ``str.upper()`` instead of ``str.lower()`` ("case-insensitive is case-insensitive: upper or lower, the same"). Unicode case mapping is not symmetric: ``upper()`` applies one-to-many mappings (``'ß'`` -> ``'SS'``, the ligature ``'ﬁ'`` -> ``'FI'``) and maps the dotless ``'ı'`` to ``'I'``, so strings that the lowercase rule keeps apart become equal. Violates: "1. lowercase (``str.lower()``);". [witness: ``("Die Straße", "strasse")`` -> ``True`` (WRONG) vs ``False`` (plain: ``"straße"`` is not ``"strasse"``); ``("ıstanbul", "Istanbul")`` -> ``True`` vs ``False``; ``("the ﬁnal answer", "final")`` -> ``True`` vs ``False``. Equal to plain on the four worked examples, ``""`` and ``"?!"``. public tests: all 7 of ``exact_match`` pass (checks/logs/exact_match__wrong_upper_instead_of_lower.log).]"""
    def words(text: str) -> list[str]:
        return "".join(ch if ch.isalnum() else " " for ch in text.upper()).split()

    run = words(answer)
    return bool(run) and _em_contains(words(prediction), run)


def exact_match__wrong_regex_ignorecase_instead_of_lower(prediction: str, answer: str) -> bool:
    r"""WRONG: never lowercases; every ``not ch.isalnum()`` character becomes a space, the words are split and joined by single spaces, an answer without words gives ``False``, and the answer's words are searched as a whole-word run with ``re.search(r"(?<!\S)" + re.escape(answer_words) + r"(?!\S)", prediction_words, flags=re.IGNORECASE)`` ("the regex flag does the case for me"). ``re.IGNORECASE`` matches by case folding, which equates characters that ``str.lower()`` leaves different: the long s ``'ſ'`` matches ``'s'``, and ``'İ'`` matches ``'i'`` (where ``'İ'.lower()`` is ``'i'`` plus a combining dot that step 2 turns into a space). Violates: "1. lowercase (``str.lower()``); 2. ... the combining dot that ``'İ'.lower()`` leaves goes;". [witness: ``("İstanbul is big", "istanbul")`` -> ``True`` (WRONG) vs ``False`` (plain: the words are ``["i", "stanbul", ...]``); ``("the ſun rises", "sun")`` -> ``True`` vs ``False``. Equal to plain on the four worked examples, ``""`` and ``"?!"``. public tests: all 7 of ``exact_match`` pass (checks/logs/exact_match__wrong_regex_ignorecase_instead_of_lower.log).]"""
    def words(text: str) -> list[str]:
        return "".join(ch if ch.isalnum() else " " for ch in text).split()

    run = words(answer)
    if not run:
        return False
    pattern = r"(?<!\S)" + re.escape(" ".join(run)) + r"(?!\S)"
    return re.search(pattern, " ".join(words(prediction)), flags=re.IGNORECASE) is not None


def distinct_n__wrong_countvectorizer_default_token_pattern(texts: list[str], n: int) -> float:
    r"""WRONG: counts the n-grams with scikit-learn's ``CountVectorizer(ngram_range=(n, n), lowercase=False)`` -- the learner knew to switch off its ``lowercase=True`` default, but kept the default ``token_pattern=r"(?u)\b\w\w+\b"``, which keeps only runs of two or more word characters: every one-character word (``"a"``, ``"I"``, ``"="``, ``"1"``) disappears and punctuation is cut off (``"sat."`` and ``"sat!"`` both become ``"sat"``). Distinct = number of columns, total = sum of the counts; ``n`` is checked first; the "empty vocabulary" ``ValueError`` gives ``0.0``; n-grams never span two texts. Violates: "Split each text into words with ``str.split()`` (case and punctuation are kept as they are)." [witness: ``(["I saw a cat and a dog"], 1)`` -> ``1.0`` (WRONG) vs ``0.857...`` (plain); ``(["the cat sat.", "the cat sat!"], 2)`` -> ``0.5`` vs ``0.75``; ``(["a a b"], 1)`` -> ``0.0`` vs ``0.666...``; ``(["x = 1 + 1"], 1)`` -> ``0.0`` vs ``0.8``. Equal to plain on both worked examples, ``[]``, ``[""]`` and ``n = 0`` (raises). public tests: all 7 of ``distinct_n`` pass (checks/logs/distinct_n__wrong_countvectorizer_default_token_pattern.log).]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    vectorizer = CountVectorizer(ngram_range=(n, n), lowercase=False)
    try:
        counts = vectorizer.fit_transform(list(texts))
    except ValueError:  # "empty vocabulary": no n-gram in any text
        return 0.0
    total = int(counts.sum())
    return counts.shape[1] / total if total else 0.0


def distinct_n__right_countvectorizer_whitespace_tokenizer(texts: list[str], n: int) -> float:
    r"""RIGHT: scikit-learn's ``CountVectorizer`` with every text-changing default switched off: ``tokenizer=str.split`` (the docstring's split), ``token_pattern=None``, ``lowercase=False``, ``preprocessor=None``, ``ngram_range=(n, n)``. Each text is one document, so n-grams never span two texts; distinct = number of columns, total = sum of the counts. The feature names join the ``n`` words with one space, which is injective because ``str.split()`` words hold no whitespace. ``n < 1`` raises ``ValueError`` first; the "empty vocabulary" ``ValueError`` that ``fit_transform`` raises when there is no n-gram at all gives ``0.0``; the result is a Python ``float``. Equal to plain on 13 inputs (both worked examples, three identical runs, double spaces, ``[]``, ``[""]``, short texts, ``n`` 0 and -1, case and punctuation kept, one-letter words, ideographic and no-break spaces, tabs and newlines). public tests: all 7 of ``distinct_n`` pass."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    vectorizer = CountVectorizer(
        tokenizer=str.split, token_pattern=None, lowercase=False, preprocessor=None, ngram_range=(n, n)
    )
    try:
        counts = vectorizer.fit_transform(list(texts))
    except ValueError:  # "empty vocabulary": no n-gram in any text
        return 0.0
    total = int(counts.sum())
    return float(counts.shape[1] / total) if total else 0.0
