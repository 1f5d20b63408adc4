"""Hidden suite: exact_match and distinct_n (the evaluation exercises)."""
from __future__ import annotations

import math
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.harness.compare import Mismatch, call_text, check_true, describe, type_name, expect_error
from grading.grader.expected import remembered
from reference import evaluation as _ref

ref = remembered(_ref)

# distinct_n is a ratio of two small integers: any correct float division gives the same value
# to the last bit or two, so 1e-12 catches every wrong count without flaking.
RATIO_TOL = 1e-12


def _normalised_words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text.lower()).split()


def _exact_match_hint(prediction: str, answer: str, got: object) -> str:
    """Name the likely mistake from the case that failed."""
    if not isinstance(got, bool):
        return f"return a bool (True/False), not {type_name(got)}"
    words, wanted = _normalised_words(prediction), _normalised_words(answer)
    if not wanted:
        return "an answer with no words never matches ('' in s is always True)"
    if got:
        if " ".join(wanted) in " ".join(words):
            if any(unicodedata.east_asian_width(ch) == "W" for ch in answer):
                return ("a word is a whole run of letters and digits between separators: text written without "
                        "spaces is one word, in Japanese and Chinese too, so '東京' is not a word of '東京都'")
            return "compare whole words: pad both normalised strings with spaces, so 'rome' does not match inside 'romeo'"
        if set(wanted) <= set(words):
            return "the answer's words must appear together and in order, not just anywhere in the reply"
        if " ".join(words) in " ".join(wanted):
            return "check that the ANSWER occurs in the PREDICTION, not the other way round"
        return "look for the answer's normalised words as one contiguous run in the prediction's"
    hints = []
    if any(not all(c.isalnum() for c in ch.lower()) for ch in prediction + answer if ch.isalnum()):
        hints.append("lowercase FIRST, then turn every character that is not a letter or digit into a space: "
                     "'İ'.lower() is 'i' followed by a combining dot (U+0307), which is not alphanumeric")
    raw_words = "".join(c if c.isalnum() else " " for c in prediction).split()
    raw_wanted = "".join(c if c.isalnum() else " " for c in answer).split()
    if " ".join(raw_wanted) not in " ".join(raw_words):
        hints.append("lowercase both strings")
    if any(not c.isalnum() and not c.isspace() for c in prediction + answer):
        hints.append("every character that is not a letter or digit becomes a SPACE (a word separator), "
                     "so 'D. C.' and 'D.C.' are both the words ['d', 'c']")
    if words.count(wanted[0]) > 1:
        hints.append(f"the answer's first word {wanted[0]!r} occurs {words.count(wanted[0])} times in the reply: "
                     "the run may start at any of them")
    elif len(words) > len(wanted):
        hints.append("the reply may say more than the answer: look for the answer's words anywhere in it")
    return "; ".join(hints) or "look for the answer's normalised words as one contiguous run in the prediction's"


def _check_match(learner, prediction: str, answer: str, expected: bool) -> None:
    got = learner.exact_match(prediction, answer)
    if got is not expected:
        raise Mismatch(call_text(learner.exact_match, prediction, answer),
                       f"returned {describe(got)}, expected {expected}", _exact_match_hint(prediction, answer, got))


# Each case: (prediction, answer, expected); the expected value is worked out by hand from the rule.
NORMALISATION = [
    ("Tokyo.", "tokyo", True),
    ("TOKYO", "Tokyo", True),
    ("Washington, D.C. is the capital of the United States.", "Washington, D.C.", True),
    ("Every student knows that it is Washington D. C. So why ask?", "Washington, D.C.", True),  # the seed's reply
    ("The Mona Lisa was painted by LEONARDO DA VINCI!", "Leonardo da Vinci", True),
    ("It ended in 1945, in September.", "1945", True),
    ("  New\tDelhi\n is the capital", "new delhi", True),
    ("Reykjavík.", "reykjavík", True),
    # The rule is `not ch.isalnum()`, not ASCII punctuation or a regex word: non-ASCII punctuation and
    # the underscore separate words too, and str.lower() (not casefold) decides what is equal.
    ("首都は東京。", "首都は東京", True),
    ("«Paris» is lovely", "paris", True),
    ("Tokyo_Station", "tokyo", True),
    ("STRASSE", "Straße", False),
    # str.lower() lowers a whole string: a capital sigma ending a word becomes the final sigma
    # 'ς', which a character-by-character lowering ('Σ' alone gives 'σ') misses.
    ("Η ΟΔΟΣ ΕΡΜΟΥ", "\u03bf\u03b4\u03bf\u03c2", True),
    # Step 1 before step 2: 'İ'.lower() is 'i' and a combining dot (U+0307, not alphanumeric), so
    # the lowered "İstanbul" holds the words ["i", "stanbul"].
    ("İstanbul", "stanbul", True),
    # Only those three steps: no unicode normalisation, so full-width letters and a ligature are
    # other characters than the plain ones.
    ("ｔｏｋｙｏ", "tokyo", False),
    ("ﬁne", "fine", False),
    # isalnum() is wider than isalpha() or isdigit(): '½' and the Roman numeral 'Ⅻ' are neither,
    # yet alphanumeric, so they are words.
    ("add ½ cup", "½", True),
    ("Louis Ⅻ", "Ⅻ", True),
    # A combining accent (U+0301) is not alphanumeric: it becomes a space, and "cafe\u0301"
    # is the word "cafe" (composing it into "é" first would be a normalisation step).
    ("cafe\u0301 au lait", "cafe", True),
    ("cafe\u0301 au lait", "café", False),
]
BOUNDARIES = [
    ("Romeo and Juliet", "Rome", False),
    ("The war ended in 19456", "1945", False),
    ("Parisian cafés are busy", "Paris", False),
    ("I think it is rome, actually", "Rome", True),
    ("Canberra!", "Canberra", True),
    # Text written without spaces is one word: Japanese and Chinese too. A scorer that makes each
    # Chinese character a word of its own (CMRC 2018's, which a thirty-eighth examiner's learner
    # followed) finds 東京 inside 東京都 and 京大 inside 北京大学.
    ("東京都に住む", "東京", False),
    ("北京大学", "京大", False),
]
CONTAINMENT = [
    ("The capital is Tokyo", "Tokyo", True),
    ("Tokyo", "The capital is Tokyo", False),
    ("Delhi New", "New Delhi", False),
    ("Buenos Aires is in Argentina", "Buenos Aires", True),
    ("Buenos days in Aires", "Buenos Aires", False),
    ("Paris is a capital", "the capital", False),  # articles are words like any other
    ("It is The Hague", "the hague", True),
    # The answer's first word comes earlier on its own: the run to find starts at its second use.
    ("The capital of the United States is Washington", "the United States", True),
    ("New York, not New Delhi", "New Delhi", True),
    # Punctuation between the words: the raw `answer.lower() in prediction.lower()` of the
    # docstring's pitfall passed every case above (a free-points audit).
    ("Tokyo, the capital.", "Tokyo the capital", True),
]
EMPTY = [
    ("anything at all", "", False),
    ("", "", False),
    ("?!", "?!", False),
    ("Tokyo", "   ", False),
    ("", "Tokyo", False),
]


@pytest.mark.exact_match
@pytest.mark.points(1)
def test_exact_match_ignores_case_punctuation_and_spacing(learner):
    for prediction, answer, expected in NORMALISATION:
        _check_match(learner, prediction, answer, expected)


@pytest.mark.exact_match
@pytest.mark.points(1)
def test_exact_match_respects_word_boundaries(learner):
    for prediction, answer, expected in BOUNDARIES:
        _check_match(learner, prediction, answer, expected)


@pytest.mark.exact_match
@pytest.mark.points(1)
def test_exact_match_finds_the_answer_in_order_inside_the_reply(learner):
    for prediction, answer, expected in CONTAINMENT:
        _check_match(learner, prediction, answer, expected)


@pytest.mark.exact_match
@pytest.mark.points(1)
def test_exact_match_never_matches_an_empty_answer(learner):
    # Beside an answer that has words, which does match: `return False` passed alone (a
    # free-points audit).
    for prediction, answer, expected in EMPTY + [("Tokyo", "Tokyo", True)]:
        _check_match(learner, prediction, answer, expected)


_PIECES = st.sampled_from(["tokyo", "Tokyo", "Rome", "romeo", "D.C.", "d", "c", "new", "Delhi", "1945", "19", "45",
                           "é", "", " ", "  ", ",", ".", "!", "-", "'", "\n", "café", "über",
                           "東京", "。", "、", "«", "»", "_", "ß", "SS", "Straße", "\u00a0", "²", "\t"])


@pytest.mark.exact_match
@pytest.mark.points(1)
@settings(max_examples=150, deadline=None)
@given(prediction=st.lists(_PIECES, max_size=10).map("".join), answer=st.lists(_PIECES, max_size=4).map("".join),
       embed=st.booleans())
def test_exact_match_agrees_with_the_reference_on_random_text(learner, prediction, answer, embed):
    if embed:  # half the cases contain the answer in some spelling, so True is exercised too
        prediction = f"{prediction} {answer.upper()}! {prediction}"
    _check_match(learner, prediction, answer, ref.exact_match(prediction, answer))


def _check_ratio(learner, texts: list[str], n: int, hint: str) -> None:
    call = call_text(learner.distinct_n, texts, n)
    got = learner.distinct_n(texts, n)
    expected = ref.distinct_n(texts, n)
    check_true(isinstance(got, float), call=call, problem=f"returned {type_name(got)} {describe(got)}, expected a float",
               hint="divide the number of unique n-grams by the number of all n-grams")
    if not math.isclose(got, expected, rel_tol=0, abs_tol=RATIO_TOL):
        raise Mismatch(call, f"returned {got:.6g}, expected {expected:.6g}", hint)


@pytest.mark.distinct_n
@pytest.mark.points(1)
def test_distinct_n_on_worked_examples(learner):
    _check_ratio(learner, ["the cat sat", "the cat ran"], 2, "4 bigrams, 3 of them different: 0.75")
    _check_ratio(learner, ["the cat sat", "the cat ran"], 1, "count words (n=1): 6 words, 4 different")
    _check_ratio(learner, ["there was a little girl who loved to read"] * 3, 2,
                 "three identical runs repeat every bigram three times: unique / total = 1/3")
    _check_ratio(learner, ["a b c d e"], 3, "a text of w words has w - n + 1 n-grams: (a b c) (b c d) (c d e)")
    _check_ratio(learner, ["ab c a bc"], 2,
                 "an n-gram is a tuple of words: ('ab', 'c') and ('a', 'bc') differ, though both join to 'abc' "
                 "without a separator")


@pytest.mark.distinct_n
@pytest.mark.points(1)
def test_distinct_n_pools_ngrams_but_never_across_texts(learner):
    _check_ratio(learner, ["x y", "x y"], 2,
                 "each text has one bigram (x y), the same twice: 1/2. Joining the texts invents (y x); "
                 "averaging per text gives 1.0. Pool the n-grams of all texts, but cut them within each text")
    _check_ratio(learner, ["good morning", "good morning", "good night"], 2,
                 "pool the bigrams of all texts: 3 in all, 2 different")


@pytest.mark.distinct_n
@pytest.mark.points(1)
def test_distinct_n_splits_words_on_any_whitespace(learner):
    _check_ratio(learner, ["the  cat\nsat ", " the cat"], 2,
                 "split words with text.split() (no argument): split(' ') leaves empty words for double spaces")
    _check_ratio(learner, ["Once upon a time, once upon a time,"], 2,
                 "words are compared as they are: 'Once' and 'once' differ, 'time,' keeps its comma")
    # Japanese text: str.split() also splits on the full-width space U+3000 (and the no-break
    # space); an ASCII-only split keeps each line one word.
    _check_ratio(learner, ["東京\u3000大阪\u3000京都", "東京\u3000大阪"], 1,
                 "split with text.split() (no argument): it splits on every kind of whitespace, the full-width "
                 "space of Japanese text (U+3000) too")
    _check_ratio(learner, ["Tokyo\u00a0Osaka Tokyo"], 1,
                 "split with text.split() (no argument): it splits on every kind of whitespace, the no-break "
                 "space (U+00A0) too")
    _check_ratio(learner, ["東京！ 東京!", "Ｔｏｋｙｏ Tokyo"], 1,
                 "words are compared character for character: the full-width '！' and 'Ｔｏｋｙｏ' differ from "
                 "'!' and 'Tokyo' (no Unicode normalisation)")


@pytest.mark.distinct_n
@pytest.mark.points(1)
@pytest.mark.parametrize("texts,n", [([], 2), ([""], 1), (["one two"], 3), (["   "], 1)],
                         ids=["no texts", "empty text", "too short", "only spaces"])
def test_distinct_n_without_ngrams_is_zero(learner, texts, n):
    call = call_text(learner.distinct_n, texts, n)
    try:
        got = learner.distinct_n(texts, n)
    except ZeroDivisionError:
        raise Mismatch(call, "raised ZeroDivisionError", "with no n-grams at all, return 0.0 instead of dividing") from None
    check_true(got == 0.0 and isinstance(got, float), call=call, problem=f"returned {describe(got)}, expected 0.0",
               hint="a text shorter than n words has no n-grams; with none at all return 0.0")
    # Add one text of n different words, and every n-gram is different: 1.0 (`return 0.0` passed
    # every case without it, a free-points audit).
    fuller = texts + [" ".join(["red", "green", "blue", "white"][:n])]
    got = learner.distinct_n(fuller, n)
    check_true(got == 1.0, call=call_text(learner.distinct_n, fuller, n), problem=f"returned {describe(got)}, expected 1.0",
               hint="distinct-n is the number of different n-grams divided by the number of n-grams")
    # "n < 1 raises ValueError, also where there are no n-grams": n is checked first.
    expect_error(learner.distinct_n, ValueError, texts, 0,
                 hint="check n before anything else: n < 1 raises ValueError even when there are no n-grams")


@pytest.mark.distinct_n
@pytest.mark.points(1)
@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(["a", "b", "the", "cat", "A", "cat."]), max_size=8).map(" ".join),
                      max_size=5),
       n=st.integers(1, 4))
def test_distinct_n_agrees_with_the_reference_and_rejects_n_below_one(learner, texts, n):
    _check_ratio(learner, texts, n, "unique n-grams / all n-grams, n-grams of whitespace words within each text")
    expect_error(learner.distinct_n, ValueError, texts, 1 - n, hint="n must be at least 1: raise ValueError")
