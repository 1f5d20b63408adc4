"""Public tests for the evaluation exercises (exercises/evaluation.py).
Run: decodelab check exact_match / decodelab check distinct_n"""
import math

import pytest

from grading.harness.compare import call_text, check_equal, check_true, describe, expect_error


@pytest.mark.exact_match
def test_case_and_punctuation_are_ignored(learner):
    # "Tokyo." and "tokyo" are both the single word "tokyo" once normalised.
    check_equal(learner.exact_match("Tokyo.", "tokyo"), True, call=call_text(learner.exact_match, "Tokyo.", "tokyo"),
                hint="lowercase both strings and turn punctuation into spaces before comparing")


@pytest.mark.exact_match
def test_the_answer_may_sit_inside_a_longer_reply(learner):
    reply = "Washington, D.C. is the capital of the United States."
    check_equal(learner.exact_match(reply, "Washington, D.C."), True,
                call=call_text(learner.exact_match, reply, "Washington, D.C."),
                hint="the answer's words only need to occur somewhere in the reply, in order")


@pytest.mark.exact_match
def test_whole_words_only(learner):
    # "romeo" is one word; it is not the word "rome".
    check_equal(learner.exact_match("Romeo and Juliet", "Rome"), False,
                call=call_text(learner.exact_match, "Romeo and Juliet", "Rome"),
                hint="compare whole words: 'Rome' inside 'Romeo' is not a match")


@pytest.mark.exact_match
def test_an_empty_answer_never_matches(learner):
    check_equal(learner.exact_match("anything at all", ""), False,
                call=call_text(learner.exact_match, "anything at all", ""),
                hint="'' in s is always True in Python: return False when the answer has no words")


@pytest.mark.exact_match
def test_an_answer_of_punctuation_only_never_matches(learner):
    # "?!" normalises to no words at all, just like "".
    check_equal(learner.exact_match("Really?! Yes.", "?!"), False,
                call=call_text(learner.exact_match, "Really?! Yes.", "?!"),
                hint="decide on the normalised words: an answer with no words never matches")


@pytest.mark.exact_match
def test_punctuation_inside_the_answer_becomes_a_space(learner):
    # The docstring's example: both sides normalise to the words washington, d, c.
    reply = "It is Washington D. C. of course"
    check_equal(learner.exact_match(reply, "Washington, D.C."), True,
                call=call_text(learner.exact_match, reply, "Washington, D.C."),
                hint="turn every character for which ch.isalnum() is False into a space; do not delete it")


@pytest.mark.exact_match
def test_isalnum_decides_what_stays(learner):
    # '½'.isalnum() is True (it is numeric), though it is no ASCII letter or digit and
    # '½'.isalpha() and '½'.isdigit() are both False: it stays, as part of its word.
    for reply, answer, expected in (("Add ½ cup of milk", "½", True), ("Add 1½ cups of milk", "1 cups", False)):
        check_equal(learner.exact_match(reply, answer), expected, call=call_text(learner.exact_match, reply, answer),
                    hint="isalnum() decides: '½'.isalnum() is True (while '½'.isalpha() and '½'.isdigit() are False), "
                         "so '½' stays and '1½' is one word")


@pytest.mark.exact_match
def test_the_words_must_come_in_order(learner):
    check_equal(learner.exact_match("Paris, France", "France Paris"), False,
                call=call_text(learner.exact_match, "Paris, France", "France Paris"),
                hint="the answer's words must appear as one contiguous run, in the same order")


def _ratio(ngram_lists: list[list[tuple]]) -> float:
    pooled = [gram for grams in ngram_lists for gram in grams]
    return len(set(pooled)) / len(pooled) if pooled else 0.0


def _ngrams(words: list[str], n: int) -> list[tuple]:
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


def _distinct_hint(texts: list[str], n: int, got, expected: float, rule: str) -> str:
    """Name a slip only where replaying it, and no other, gives the learner's value."""
    replays = {
        "an n-gram never spans two texts: cut each text's n-grams on its own, then pool them (joining the texts "
        "first makes n-grams across their boundaries)": _ratio([_ngrams(" ".join(texts).split(), n)]),
        "pool the n-grams of all texts before counting: one ratio for all of them, not an average of each text's":
            sum(_ratio([_ngrams(text.split(), n)]) for text in texts) / len(texts) if texts else 0.0,
        "split words with text.split() (any run of whitespace); text.split(' ') makes empty words":
            _ratio([_ngrams(text.split(" "), n) for text in texts]),
    }
    if isinstance(got, float):
        named = [hint for hint, value in replays.items()
                 if math.isclose(got, value) and not math.isclose(value, expected)]
        if len(named) == 1:
            return named[0]
    return rule


@pytest.mark.distinct_n
def test_distinct_bigrams_worked_example(learner):
    texts = ["the cat sat", "the cat ran"]
    # bigrams: (the cat) (cat sat) (the cat) (cat ran): 3 different out of 4.
    got = learner.distinct_n(texts, 2)
    check_true(isinstance(got, float) and math.isclose(got, 0.75), call=call_text(learner.distinct_n, texts, 2),
               problem=f"returned {describe(got)}, expected 0.75",
               hint=lambda: _distinct_hint(texts, 2, got, 0.75, "unique n-grams divided by all n-grams"))


@pytest.mark.distinct_n
def test_identical_runs_repeat_every_bigram(learner):
    texts = ["once there was a king"] * 3  # 4 bigrams per run, the same 4 each time: 4 / 12
    got = learner.distinct_n(texts, 2)
    check_true(isinstance(got, float) and math.isclose(got, 1 / 3), call=call_text(learner.distinct_n, texts, 2),
               problem=f"returned {describe(got)}, expected 1/3",
               hint=lambda: _distinct_hint(texts, 2, got, 1 / 3, "pool the n-grams of all texts before counting"))


@pytest.mark.distinct_n
def test_double_spaces_make_no_extra_words(learner):
    texts = ["the cat  sat", "the cat sat"]  # two spaces in the first text
    # str.split() gives the same words for both: bigrams (the cat) (cat sat) twice, 2 of 4 different.
    got = learner.distinct_n(texts, 2)
    check_true(isinstance(got, float) and math.isclose(got, 0.5), call=call_text(learner.distinct_n, texts, 2),
               problem=f"returned {describe(got)}, expected 0.5",
               hint=lambda: _distinct_hint(texts, 2, got, 0.5, "split words with text.split() (any run of whitespace): "
                                           "two spaces in a row make no extra word"))


@pytest.mark.distinct_n
@pytest.mark.parametrize("texts,n", [(["one two"], 3), ([], 1), ([""], 1)])
def test_no_ngrams_gives_zero(learner, texts, n):
    check_equal(learner.distinct_n(texts, n), 0.0, call=call_text(learner.distinct_n, texts, n),
                hint="no text long enough for an n-gram means no n-grams; with none at all return 0.0")


@pytest.mark.distinct_n
def test_n_below_one_is_rejected(learner):
    expect_error(learner.distinct_n, ValueError, ["a b c"], 0, hint="an n-gram needs n >= 1 words: raise ValueError")
