"""Forty-first examiner: evaluation.py entries (the learner who special-cases the edges)."""
from __future__ import annotations


def _norm_words(s: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in s.lower()).split()


def exact_match__wrong_identical_strings_shortcut(prediction: str, answer: str) -> bool:
    """WRONG: a first cheap branch, "if the reply IS the answer there is nothing to normalise": ``if prediction == answer: return True``, then the full rule (lowercase, every ``not ch.isalnum()`` character a space, ``split()``, ``False`` for an answer with no words, contiguous run of words). The shortcut gives the right value for every answer that has words, but it runs before the no-words guard, so an answer with no words matches a reply that is the same string. Violates: "An ``answer`` with no words (``""``, ``"?!"``) never matches: return ``False``." [witness: ``exact_match("", "")`` -> ``True``, ``exact_match("?!", "?!")`` -> ``True``, ``exact_match(" ", " ")`` -> ``True``; plain ``False`` for all three. Passes: the four worked examples, ``("Tokyo", "")`` and ``("Tokyo", "?!")`` -> ``False``, ``("", "Tokyo")`` -> ``False``, ``("東京都", "東京")`` -> ``False``, ``("Tokyo", "Tokyo")`` -> ``True`` and 400 random word/punctuation pairs equal to plain, identical wordless pairs aside (checks/check_entries.log).]"""
    if prediction == answer:  # "identical strings obviously match"
        return True
    a, p = _norm_words(answer), _norm_words(prediction)
    if not a:
        return False
    return any(p[i:i + len(a)] == a for i in range(len(p) - len(a) + 1))


def distinct_n__right_unigrams_from_joined_texts(texts: list[str], n: int) -> float:
    """RIGHT: special-cases ``n = 1`` the way the pitfall allows: a unigram is one word, and one word never spans two texts, so joining the texts (the pitfall's mistake for ``n >= 2``) is harmless there -- ``words = " ".join(texts).split()`` and ``len(set(words)) / len(words)``, with ``0.0`` when there are no words. ``n < 1`` is checked before any branch (``distinct_n([], 0)`` raises), and ``n >= 2`` cuts n-grams text by text and pools them. Both branches return a Python ``float`` (``0.0`` included). Agrees with a plain version on: the worked examples (0.75 for ``n = 2``, 0.666... for ``n = 1``), ``[]``, ``[""]``, ``["a b"]`` with ``n = 3`` (0.0), ``["a  b", "\\u3000東京！ 東京!"]``, ``distinct_n([], 0)`` and ``n = -1`` (``ValueError``), and 300 random lists of texts for ``n`` 1 to 4 (checks/check_entries.log)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if n == 1:
        words = " ".join(texts).split()  # unigrams cannot cross a text boundary
        return len(set(words)) / len(words) if words else 0.0
    grams: list[tuple[str, ...]] = []
    for text in texts:
        w = text.split()
        grams.extend(tuple(w[i:i + n]) for i in range(len(w) - n + 1))
    return len(set(grams)) / len(grams) if grams else 0.0
