"""Thirty-sixth examiner: evaluation.py entries (the learner who only tried English)."""
from __future__ import annotations

import re
import string
import unicodedata

_ASCII_WHITESPACE = re.compile("[" + re.escape(string.whitespace) + "]+")


def exact_match__right_utf8_bytes_padded_search(prediction: str, answer: str) -> bool:
    """RIGHT: normalises as the steps say (``str.lower()``, every ``not ch.isalnum()`` character to a space, ``split()``), then compares UTF-8 BYTES: the answer's words joined by ``b" "`` and padded with ``b" "`` on both sides must occur in the prediction's words joined and padded the same way. That is the contiguous-run test: a normalised word holds no whitespace, and the byte 0x20 never occurs inside the UTF-8 of another character (multi-byte sequences use only bytes from 0x80 on), so a padded byte match can only start and end at word edges. Encoding cannot fail: a lone surrogate is not alphanumeric, so it has become a space before ``encode``. ``False`` at once for an answer with no words. Agrees with a plain version on: the four worked examples, ``""`` and ``"?!"``; 427 pairs in all, 427 equal (41 ``True``): 27 hand-picked (``("東京です。", "東京です")``, ``("首都は東京です", "東京")`` -> ``False``, full-width spaces and ``：``/``、``, emoji answers, ``café`` vs ``cafe\u0301``, ``İstanbul``, ``½``, full-width ``Ｔｏｋｙｏ``, ``x_y``, tabs/newlines, ``ß``/``SS``, ``ǅ``, ``Ⅻ``, half-width katakana, lone surrogates) and 400 random strings over ``ab AB.,!?東京\u3000\t\n😀é\u0301İ½_-`` (checks/check_entries.log)."""

    def words(s: str) -> list[bytes]:
        s = s.lower()
        s = "".join(ch if ch.isalnum() else " " for ch in s)
        return [w.encode("utf-8") for w in s.split()]

    a = words(answer)
    if not a:
        return False
    p = words(prediction)
    return b" " + b" ".join(a) + b" " in b" " + b" ".join(p) + b" "


def distinct_n__wrong_ascii_whitespace_split(texts: list[str], n: int) -> float:
    """WRONG: heeds the double-space pitfall the careful way: splits each text on runs of the whitespace characters Python lists in ``string.whitespace`` (space, tab, newline, return, vertical tab, form feed) and drops empty strings, instead of calling ``str.split()``; n-grams per text, pooled, ``ValueError`` for ``n < 1`` first, ``0.0`` with no n-grams. For English it is ``str.split()``: 0.75 and 0.666... for the worked example, ``[]``/``[""]``/short texts 0.0, ``distinct_n([], 0)`` raises, double spaces, tabs and newlines all equal plain. But ``str.split()`` also splits on Unicode spaces — the full-width space ``'\u3000'`` that separates Japanese words, the no-break space ``'\xa0'`` — and this split does not. Violates: "Split each text into words with ``str.split()`` (case and punctuation are kept as they are)." [witness: ``(["東京\u3000大阪\u3000京都", "東京\u3000大阪"], 1)``: 1.0 (two one-word texts), plain 0.6 (5 words, 3 different); with ``n = 2``: 0.0, plain 0.666...; ``(["the\xa0cat sat", "the cat\xa0sat"], 1)``: 1.0, plain 0.5. checks/check_entries.log.]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    ngrams = []
    for text in texts:
        # every whitespace character there is: space, tab, newline, return, vertical tab, form feed
        words = [w for w in _ASCII_WHITESPACE.split(text) if w]
        ngrams.extend(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    if not ngrams:
        return 0.0
    return len(set(ngrams)) / len(ngrams)


def distinct_n__wrong_nfkc_normalises_words(texts: list[str], n: int) -> float:
    """WRONG: applies ``unicodedata.normalize("NFKC", text)`` before ``str.split()`` ("the same word in two Unicode forms must count once"); otherwise right: n-grams per text, pooled, ``ValueError`` for ``n < 1`` first, ``0.0`` with no n-grams. NFKC leaves ASCII alone, so every worked example and edge case passes (0.75, 0.666..., 0.0 for ``[]``/``[""]``/short texts, three identical runs 1/3). But it rewrites full-width punctuation and letters (``'！'`` -> ``'!'``, ``'Ｔｏｋｙｏ'`` -> ``'Tokyo'``), half-width katakana and NFD accents, merging words that ``str.split()`` keeps apart. Violates: "Split each text into words with ``str.split()`` (case and punctuation are kept as they are)." [witness: ``(["東京！ 東京!"], 1)``: 0.5, plain 1.0 (``'東京！'`` and ``'東京!'`` are two words); ``(["Ｔｏｋｙｏ Tokyo"], 1)``: 0.5, plain 1.0; ``(["caf\u00e9 cafe\u0301"], 1)``: 0.5, plain 1.0. checks/check_entries.log.]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    ngrams = []
    for text in texts:
        words = unicodedata.normalize("NFKC", text).split()
        ngrams.extend(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    if not ngrams:
        return 0.0
    return len(set(ngrams)) / len(ngrams)
