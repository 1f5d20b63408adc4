"""Wrong versions of the evaluation exercises that learners really write.

Each function is named ``<exercise function>__<mistake>``; the hidden suite must take points
from every one of them (tests/test_wrong_implementations.py).
"""
import string


def _normalise(text):
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def exact_match__substring(prediction, answer):
    """Normalised, but plain substring search: 'rome' is found inside 'romeo'."""
    wanted = _normalise(answer)
    return bool(wanted) and wanted in _normalise(prediction)


def exact_match__case_sensitive(prediction, answer):
    def words(text):
        return " ".join("".join(c if c.isalnum() else " " for c in text).split())

    wanted = words(answer)
    return bool(wanted) and f" {wanted} " in f" {words(prediction)} "


def exact_match__keeps_punctuation(prediction, answer):
    """Lowercased and split on whitespace only: 'tokyo.' is not the word 'tokyo'."""
    wanted = " ".join(answer.lower().split())
    return bool(wanted) and f" {wanted} " in f" {' '.join(prediction.lower().split())} "


def exact_match__deletes_punctuation(prediction, answer):
    """Punctuation removed instead of turned into spaces: 'D. C.' -> 'd c' but 'D.C.' -> 'dc'."""
    def words(text):
        kept = text.lower().translate(str.maketrans("", "", string.punctuation))
        return " ".join(kept.split())

    wanted = words(answer)
    return bool(wanted) and f" {wanted} " in f" {words(prediction)} "


def exact_match__equality(prediction, answer):
    """The whole reply must be the answer."""
    wanted = _normalise(answer)
    return bool(wanted) and _normalise(prediction) == wanted


def exact_match__empty_matches(prediction, answer):
    """Word-run search that treats an empty answer as found."""
    needle, haystack = _normalise(answer).split(), _normalise(prediction).split()
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


def exact_match__arguments_swapped(prediction, answer):
    """Looks for the prediction inside the answer."""
    wanted = _normalise(prediction)
    return bool(wanted) and f" {wanted} " in f" {_normalise(answer)} "


def exact_match__bag_of_words(prediction, answer):
    """Every answer word somewhere in the reply, in any order."""
    wanted = set(_normalise(answer).split())
    return bool(wanted) and wanted <= set(_normalise(prediction).split())


def _check_n(n):
    if n < 1:
        raise ValueError("n must be >= 1")


def distinct_n__across_texts(texts, n):
    """All texts joined first: n-grams span the boundary between two texts."""
    _check_n(n)
    words = " ".join(texts).split()
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def distinct_n__per_text_average(texts, n):
    """The mean of each text's own ratio: repeats across runs are never seen."""
    _check_n(n)
    ratios = []
    for text in texts:
        words = text.split()
        grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
        if grams:
            ratios.append(len(set(grams)) / len(grams))
    return sum(ratios) / len(ratios) if ratios else 0.0


def distinct_n__characters(texts, n):
    """n-grams of characters instead of words."""
    _check_n(n)
    grams = [text[i : i + n] for text in texts for i in range(len(text) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def distinct_n__split_on_space(texts, n):
    """text.split(' '): double spaces and newlines make odd words."""
    _check_n(n)
    grams = []
    for text in texts:
        words = text.split(" ")
        grams += [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def distinct_n__no_zero_guard(texts, n):
    _check_n(n)
    grams = []
    for text in texts:
        words = text.split()
        grams += [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return len(set(grams)) / len(grams)


def distinct_n__unique_count(texts, n):
    """The number of distinct n-grams, not their share."""
    _check_n(n)
    grams = set()
    for text in texts:
        words = text.split()
        grams |= {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    return float(len(grams))


def distinct_n__drops_last_ngram(texts, n):
    """range(len(words) - n): the last n-gram of every text is missing."""
    _check_n(n)
    grams = []
    for text in texts:
        words = text.split()
        grams += [tuple(words[i : i + n]) for i in range(len(words) - n)]
    return len(set(grams)) / len(grams) if grams else 0.0


def distinct_n__no_validation(texts, n):
    grams = []
    for text in texts:
        words = text.split()
        grams += [tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 0))]
    return len(set(grams)) / len(grams) if grams else 0.0


def exact_match__raw_substring(prediction, answer):
    """The pitfall itself: `answer in prediction` on the raw strings."""
    return answer in prediction


def exact_match__punctuation_answer_matches(prediction, answer):
    """Edge case missed: only a blank answer is rejected; "?!" normalises to no words and matches anything."""
    if not answer.strip():
        return False
    needle, haystack = _normalise(answer).split(), _normalise(prediction).split()
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))
