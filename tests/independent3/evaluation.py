"""Independent catalogue, round 3: submissions for exercises/evaluation.py.

Written from the docstrings of ``exercises/evaluation.py`` only, avoiding every mistake and
every style already in rounds 1 and 2 (``tests/independent/evaluation.py``,
``tests/independent2/evaluation.py``).
"""
from __future__ import annotations

import itertools
import re
import unicodedata


# ---------------------------------------------------------------------------------------
# exact_match
# ---------------------------------------------------------------------------------------


def exact_match__wrong_symmetric_containment(prediction: str, answer: str) -> bool:
    """WRONG: "a match either way": also returns True when the PREDICTION's words occur in
    the answer, so a reply that says less than the answer counts. Violates: "Return whether
    ``answer`` appears in ``prediction``" [``("Tokyo", "Tokyo, Japan")`` -> False]"""

    def words(s: str) -> list[str]:
        return "".join(c if c.isalnum() else " " for c in s.lower()).split()

    p, a = words(prediction), words(answer)
    if not a or not p:
        return False
    padded_p, padded_a = " " + " ".join(p) + " ", " " + " ".join(a) + " "
    return padded_a in padded_p or padded_p in padded_a


def exact_match__wrong_nfkc_normalises(prediction: str, answer: str) -> bool:
    """WRONG: applies ``unicodedata.normalize("NFKC", ...)`` first ("normalise unicode"),
    which turns full-width letters, ligatures and superscripts into plain ones: ``"ｔｏｋｙｏ"``
    becomes ``"tokyo"``. The steps are only lowercase, map non-alphanumerics to spaces,
    split. Violates: "1. lowercase (``str.lower()``); 2. every character that is not a letter
    or a digit ... becomes a space; 3. split into words on whitespace." [``("ｔｏｋｙｏ",
    "tokyo")`` -> False; ``("ﬁne", "fine")`` -> False]"""

    def words(s: str) -> list[str]:
        s = unicodedata.normalize("NFKC", s).lower()
        return "".join(ch if ch.isalnum() else " " for ch in s).split()

    a = words(answer)
    if not a:
        return False
    return f" {' '.join(a)} " in f" {' '.join(words(prediction))} "


def exact_match__wrong_isalpha_or_isdigit(prediction: str, answer: str) -> bool:
    """WRONG: keeps a character when ``ch.isalpha() or ch.isdigit()``, which is narrower than
    ``ch.isalnum()``: numeric characters that are neither (``'½'``, ``'Ⅻ'``, ``'²'`` is a digit
    but ``'⅓'`` is not) become spaces. Violates: "every character that is not a letter or a
    digit (``not ch.isalnum()``) ... becomes a space" [``("add ½ cup", "½")`` -> True;
    ``("Louis Ⅻ", "Ⅻ")`` -> True]"""

    def norm(s: str) -> str:
        return " ".join("".join(c if (c.isalpha() or c.isdigit()) else " " for c in s.lower()).split())

    a = norm(answer)
    return bool(a) and f" {a} " in f" {norm(prediction)} "


def exact_match__right_tuple_windows_any(prediction: str, answer: str) -> bool:
    """RIGHT: normalises with ``str.translate`` built per string (every non-alphanumeric
    code point mapped to a space) and compares the answer tuple with every window of the
    prediction, built with ``zip`` over shifted slices."""

    def _norm(s: str) -> tuple[str, ...]:
        low = s.lower()
        table = {ord(c): " " for c in set(low) if not c.isalnum()}
        return tuple(low.translate(table).split())

    a, p = _norm(answer), _norm(prediction)
    n = len(a)
    if n == 0:
        return False
    return any(window == a for window in zip(*(p[i:] for i in range(n))))


# ---------------------------------------------------------------------------------------
# distinct_n
# ---------------------------------------------------------------------------------------


def distinct_n__wrong_returns_int_zero(texts: list[str], n: int) -> float:
    """WRONG: the empty case returns the integer ``0`` (and the normal case a float), so the
    function's result type depends on its input. Violates: "Returns a Python ``float`` in
    ``[0, 1]``." / "No n-grams at all ... -> ``0.0``." [``distinct_n([], 2)`` -> ``0.0``, a
    ``float``]"""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    grams = [tuple(w[i : i + n]) for w in (t.split() for t in texts) for i in range(len(w) - n + 1)]
    if not grams:
        return 0
    return len(set(grams)) / len(grams)


def distinct_n__wrong_regex_split_keeps_edge_empties(texts: list[str], n: int) -> float:
    r"""WRONG: splits with ``re.split(r"\s+", text)``, which -- unlike ``str.split()`` --
    yields an empty "word" for leading or trailing whitespace (empty texts are skipped, so
    ``[""]`` still gives 0.0). Violates: "Split each text into words with ``str.split()``"
    [``[" a", " b"]``, ``n=1`` -> 1.0, not 0.75; ``["a "]``, ``n=2`` -> 0.0, not 1.0]"""
    if n < 1:
        raise ValueError("n must be at least 1")
    total, seen = 0, set()
    for text in texts:
        if not text:
            continue
        words = re.split(r"\s+", text)
        for i in range(len(words) - n + 1):
            seen.add(tuple(words[i : i + n]))
            total += 1
    return len(seen) / total if total else 0.0


def distinct_n__wrong_frozenset_ngrams(texts: list[str], n: int) -> float:
    """WRONG: makes each n-gram hashable with ``frozenset(words[i:i + n])``, which forgets
    the word order (and repeats inside an n-gram): ``(a, b)`` and ``(b, a)`` count as one.
    Violates: "An n-gram is ``n`` consecutive words of one text" [``["a b", "b a"]``,
    ``n = 2`` -> 1.0, not 0.5]"""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    grams = []
    for text in texts:
        words = text.split()
        grams.extend(frozenset(words[i : i + n]) for i in range(len(words) - n + 1))
    return len(set(grams)) / len(grams) if grams else 0.0


def distinct_n__right_tee_islice(texts: list[str], n: int) -> float:
    """RIGHT: n-grams per text from ``itertools.tee`` + ``islice`` (n shifted copies of one
    word iterator zipped together), counted with a dict used as an ordered set."""
    if n < 1:
        raise ValueError(f"n must be a positive integer, got {n}")
    seen: dict[tuple[str, ...], None] = {}
    total = 0
    for text in texts:
        copies = itertools.tee(text.split(), n)
        for gram in zip(*(itertools.islice(c, i, None) for i, c in enumerate(copies))):
            seen[gram] = None
            total += 1
    return float(len(seen) / total) if total else 0.0
