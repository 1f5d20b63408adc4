"""Exercises 15 and 16: scoring what a model writes — exact match for facts, distinct-n for variety.

The seed notebook ends by asking a model two kinds of question under greedy and sampled
decoding. Knowledge questions ("What is the capital of United States?") want one right
answer: randomness makes the model miss it. Story openers ("Once upon a time,") want variety:
greedy decoding writes the same story on every run. To turn "it looks like…" into numbers you
need two small scores, one for each kind.

Run ``decodelab check exact_match`` / ``decodelab check distinct_n`` to test your work, and
``decodelab demo tasks`` to see both at work on the model.
"""
from __future__ import annotations


def exact_match(prediction: str, answer: str) -> bool:
    """Return whether ``answer`` appears in ``prediction``, ignoring case and punctuation.

    A model seldom replies with the bare answer: it writes "Tokyo." or "The capital is Tokyo,
    a city of…". So both strings are normalised the same way, then compared as *words*:

    1. lowercase (``str.lower()``);
    2. every character that is not a letter or a digit (``not ch.isalnum()``) — punctuation,
       symbols, whitespace — becomes a space. ``isalnum`` decides, not what a reader would
       call a letter: ``'½'`` stays, the combining dot that ``'İ'.lower()`` leaves goes;
    3. split into words on whitespace. Nothing else splits a word: text written without
       spaces stays one word, in Japanese and Chinese too (``"東京都"`` is one word, so
       ``exact_match("東京都", "東京")`` is ``False``).

    The prediction matches when the answer's words appear in the prediction's words as one
    contiguous run, in the same order.

    Why it matters: it is the simplest automatic score for short factual answers, and the
    number behind "sampling at a high temperature gets facts wrong".

    Shapes:
        prediction, answer: ``str``. Returns a ``bool``.

    Example:
        ``exact_match("Tokyo.", "tokyo")`` -> ``True`` (both normalise to the words
        ``["tokyo"]``). ``exact_match("It is Washington D. C. of course", "Washington, D.C.")``
        -> ``True`` (``["washington", "d", "c"]`` occurs in the reply).
        ``exact_match("Romeo and Juliet", "Rome")`` -> ``False``: "romeo" is not the word "rome".
        ``exact_match("Paris, France", "France Paris")`` -> ``False``: the order differs.

    Edge cases:
        An ``answer`` with no words (``""``, ``"?!"``) never matches: return ``False``.

    Pitfall:
        ``answer in prediction`` on raw strings. ``"" in s`` is always ``True``, ``"Rome"``
        is found inside ``"Romeo"``, and ``"Tokyo"`` is not found in ``"tokyo."``. Compare
        whole words of normalised text — padding both sides with a space is one way.
    """
    raise NotImplementedError("exact_match: see the docstring")


def distinct_n(texts: list[str], n: int) -> float:
    """Return the share of distinct n-grams among all n-grams of ``texts``.

    Split each text into words with ``str.split()`` (case and punctuation are kept as they
    are). It splits on every kind of whitespace, Japanese text's full-width space (U+3000)
    too, and words are compared character for character: no Unicode normalisation, so the
    full-width ``"東京！"`` and ``"東京!"`` are two different words. An n-gram is ``n``
    consecutive words of one text; n-grams never span two texts. Pool the n-grams of all
    texts and return ``unique n-grams / total n-grams``.

    Why it matters: it is a standard measure of diversity. Three greedy runs of the same
    prompt repeat every n-gram three times (distinct-2 is at most 1/3); sampled stories
    mostly differ (close to 1).

    Shapes:
        texts: a list of ``str``; n: an ``int``. Returns a Python ``float`` in ``[0, 1]``.

    Example:
        ``distinct_n(["the cat sat", "the cat ran"], 2)``: the bigrams are
        ``(the, cat), (cat, sat), (the, cat), (cat, ran)`` — 4 in all, 3 different -> ``0.75``.
        With ``n=1``: 6 words, 4 different -> ``0.666…``.

    Edge cases:
        - No n-grams at all (``[]``, ``[""]``, or texts shorter than ``n`` words) -> ``0.0``.
        - ``n < 1`` raises ``ValueError``, also where there are no n-grams (``distinct_n([], 0)``):
          check ``n`` first.

    Pitfall:
        Joining all texts before cutting n-grams invents n-grams across the boundary
        (the last word of one text with the first of the next). And ``text.split(" ")`` keeps
        empty strings for double spaces; ``text.split()`` does not.
    """
    raise NotImplementedError("distinct_n: see the docstring")
