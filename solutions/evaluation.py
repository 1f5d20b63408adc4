"""Solutions to exercises 15 and 16: exact match and distinct-n."""
from __future__ import annotations


def _normalise(text: str) -> str:
    """Lowercase, every non-alphanumeric character a space, single spaces, no ends."""
    spaced = "".join(character if character.isalnum() else " " for character in text.lower())
    return " ".join(spaced.split())


def exact_match(prediction: str, answer: str) -> bool:
    """Whether the normalised answer occurs as whole words in the normalised prediction."""
    wanted = _normalise(answer)
    if not wanted:
        return False
    # Padding both with spaces makes the containment respect word boundaries.
    return f" {wanted} " in f" {_normalise(prediction)} "


def distinct_n(texts: list[str], n: int) -> float:
    """Unique n-grams / all n-grams of whitespace words, n-grams taken within each text."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    ngrams = []
    for text in texts:
        words = text.split()
        ngrams += [tuple(words[start : start + n]) for start in range(len(words) - n + 1)]
    if not ngrams:
        return 0.0
    return len(set(ngrams)) / len(ngrams)
