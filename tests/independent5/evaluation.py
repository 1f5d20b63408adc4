"""Independent catalogue, fifth examiner: submissions for exercises/evaluation.py.

Written from the docstrings of ``exercises/evaluation.py`` only, avoiding every mistake and
every style already in rounds 1 to 4 (``tests/independent*/evaluation.py``).
"""
from __future__ import annotations

import unicodedata


# ---------------------------------------------------------------------------------------
# exact_match
# ---------------------------------------------------------------------------------------


def exact_match__wrong_nfc_composes_accents(prediction: str, answer: str) -> bool:
    """WRONG: "normalises" both strings to Unicode NFC first (the usual step before comparing
    text), so a base letter followed by a combining accent becomes one accented letter. By the
    stated steps the combining mark (``not ch.isalnum()``) becomes a space. NFC leaves
    full-width letters and ligatures alone, so it passes where NFKC fails. Violates: "2. every
    character that is not a letter or a digit (``not ch.isalnum()``) ... becomes a space"
    [``("cafe\\u0301 au lait", "cafe")`` -> ``True`` expected (words ``cafe``, ``au``,
    ``lait``)]"""

    def words(s: str) -> list[str]:
        s = unicodedata.normalize("NFC", s).lower()
        return "".join(c if c.isalnum() else " " for c in s).split()

    p, a = words(prediction), words(answer)
    if not a:
        return False
    return any(p[i : i + len(a)] == a for i in range(len(p) - len(a) + 1))


def exact_match__wrong_and_returns_empty_string(prediction: str, answer: str) -> bool:
    """WRONG: ``return norm_answer and f" {norm_answer} " in f" {norm_prediction} "`` — the
    short-circuit hands back the empty string ``''`` (falsy, but not ``False``) for an answer
    with no words. Violates: "Returns a ``bool``." / "An ``answer`` with no words ... never
    matches: return ``False``." [``("Tokyo", "?!")`` -> ``''``]"""

    def norm(s: str) -> str:
        return " ".join("".join(c if c.isalnum() else " " for c in s.lower()).split())

    a = norm(answer)
    return a and f" {a} " in f" {norm(prediction)} "


# ---------------------------------------------------------------------------------------
# distinct_n
# ---------------------------------------------------------------------------------------


def distinct_n__wrong_only_zero_rejected(texts: list[str], n: int) -> float:
    """WRONG: guards against ``n == 0`` only ("there are no 0-grams"); a negative ``n`` runs
    on, and the slices ``words[i:i + n]`` produce odd shorter tuples and a number. Violates:
    "``n < 1`` raises ``ValueError``." [``(["the cat sat"], -1)``]"""
    if n == 0:
        raise ValueError("n must be at least 1")
    grams = []
    for text in texts:
        w = text.split()
        grams.extend(tuple(w[i : i + n]) for i in range(len(w) - n + 1))
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)
