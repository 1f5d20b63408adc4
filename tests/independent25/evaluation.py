"""Twenty-fifth examiner: evaluation.py entries (the learner who codes to the worked example)."""
from __future__ import annotations

import unicodedata


def exact_match__wrong_unicode_punctuation_category_only(prediction: str, answer: str) -> bool:
    """WRONG: every example's non-word characters are punctuation (``.``, ``,``) or spaces, so the learner turns into spaces exactly the characters whose Unicode category is punctuation (``P*``) and the whitespace (``str.isspace``) -- Unicode-aware, unlike ``string.punctuation`` -- and keeps the SYMBOLS (categories ``S*``: ``+``, ``$``, ``%``, ``°``, ``©``, ``=``, ``|``) inside the words. Lowercasing, splitting, the contiguous in-order run and the empty-answer ``False`` are the docstring's, so the four examples and both empty answers come out right. Violates: "every character that is not a letter or a digit (``not ch.isalnum()``) — punctuation, symbols, whitespace — becomes a space;" [witness: ``exact_match("I love C++", "C")``: WRONG ``False`` (the word is ``"c++"``), plain ``True``; ``exact_match("It costs $5", "5")``: WRONG ``False``, plain ``True``.]"""
    def words(s):
        out = []
        for ch in s.lower():
            out.append(' ' if ch.isspace() or unicodedata.category(ch).startswith('P') else ch)
        return ''.join(out).split()

    a, p = words(answer), words(prediction)
    if not a:
        return False
    return any(p[i:i + len(a)] == a for i in range(len(p) - len(a) + 1))


def distinct_n__wrong_no_ngrams_is_fully_distinct(texts: list[str], n: int) -> float:
    """WRONG: checks ``n`` first (``ValueError`` for ``n < 1``, also with no texts), cuts the n-grams of each text from ``str.split()`` and pools them, as the docstring says; but "nothing is repeated" is read as "fully diverse": with no n-gram at all it returns ``1.0``, the value a set of all-different n-grams gets. Both worked examples (0.75, 0.666...) have n-grams, so they pass. Violates: "No n-grams at all (``[]``, ``[""]``, or texts shorter than ``n`` words) -> ``0.0``." [witness: ``distinct_n([], 2)``, ``distinct_n([""], 1)`` and ``distinct_n(["the cat"], 3)``: WRONG ``1.0``, plain ``0.0``.]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    grams = []
    for text in texts:
        w = text.split()
        grams.extend(tuple(w[i:i + n]) for i in range(len(w) - n + 1))
    if not grams:
        return 1.0
    return len(set(grams)) / len(grams)
