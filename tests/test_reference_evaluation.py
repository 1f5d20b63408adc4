"""reference.evaluation: exact match and distinct-n against hand-worked cases and independent
implementations, and the task comparison's shape on a small random model."""
from __future__ import annotations

from fractions import Fraction

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers import MistralConfig, MistralForCausalLM

from reference import evaluation as ref
from reference.backends import Backend
from reference.tokenizer import load_mistral_tokenizer


@pytest.mark.parametrize("prediction,answer,expected", [
    ("Tokyo.", "tokyo", True),
    ("It is Washington D. C. of course", "Washington, D.C.", True),   # the seed's reply, spaced out
    ("Washington, D.C. is the capital.", "Washington, D.C.", True),
    ("Romeo and Juliet", "Rome", False),
    ("Paris, France", "France Paris", False),
    ("It ended in 19456", "1945", False),
    ("ended in 1945", "1945", True),
    ("anything", "", False),
    ("?!", "?!", False),
    ("", "", False),
    ("under_score", "under", True),    # '_' is not a letter or digit: it separates words (re's \w would keep it)
    ("under_score", "under score", True),
    ("Reykjavík is cold", "REYKJAVÍK", True),
])
def test_exact_match_worked_cases(prediction, answer, expected):
    got = ref.exact_match(prediction, answer)
    assert got is expected, f"exact_match({prediction!r}, {answer!r}) returned {got}, expected {expected}"


def padded_match(prediction: str, answer: str) -> bool:
    """The rule a third way: normalise to single-spaced text and search with spaces around it."""
    def normalise(text: str) -> str:
        return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())

    wanted = normalise(answer)
    return bool(wanted) and f" {wanted} " in f" {normalise(prediction)} "


TEXT = st.lists(st.sampled_from(list("abcAB ,.-_'!\n\t1é") + ["ß", "İ", "Rome", "romeo"]), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(prediction=TEXT, answer=TEXT)
def test_exact_match_agrees_with_a_padded_string_search(prediction, answer):
    assert ref.exact_match(prediction, answer) == padded_match(prediction, answer), (
        f"exact_match({prediction!r}, {answer!r}) returned {ref.exact_match(prediction, answer)}, "
        f"padded search says {padded_match(prediction, answer)}"
    )


@settings(max_examples=200, deadline=None)
@given(prefix=TEXT, answer=TEXT, suffix=TEXT)
def test_an_answer_set_between_spaces_is_always_found(prefix, answer, suffix):
    prediction = f"{prefix} {answer}. {suffix}"
    has_words = any(c.isalnum() for c in answer.lower())
    assert ref.exact_match(prediction, answer) == has_words, f"exact_match({prediction!r}, {answer!r})"


@pytest.mark.parametrize("texts,n,expected", [
    (["the cat sat", "the cat ran"], 2, Fraction(3, 4)),
    (["the cat sat", "the cat ran"], 1, Fraction(4, 6)),
    (["x y", "x y"], 2, Fraction(1, 2)),           # joining the texts would invent (y x) and give 2/3
    (["a b c d e"], 3, Fraction(3, 3)),
    (["the  cat\nsat ", " the cat"], 2, Fraction(2, 3)),
    (["once there was a king"] * 3, 2, Fraction(4, 12)),
    ([], 1, Fraction(0)),
    ([""], 1, Fraction(0)),
    (["one two"], 3, Fraction(0)),
])
def test_distinct_n_worked_cases(texts, n, expected):
    got = ref.distinct_n(texts, n)
    assert isinstance(got, float) and got == pytest.approx(float(expected), abs=1e-15), (
        f"distinct_n({texts!r}, {n}) returned {got!r}, expected {float(expected)}"
    )


@pytest.mark.parametrize("n", [0, -1, 1.5, True])
def test_distinct_n_rejects_a_bad_n(n):
    with pytest.raises(ValueError, match="n must be"):
        ref.distinct_n(["a b c"], n)


def distinct_with_sets(texts: list[str], n: int) -> Fraction:
    grams = [tuple(words[i : i + n]) for words in (t.split() for t in texts) for i in range(len(words) - n + 1)]
    return Fraction(len(set(grams)), len(grams)) if grams else Fraction(0)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.text(alphabet="ab \n", max_size=12), max_size=5), n=st.integers(1, 4))
def test_distinct_n_agrees_with_a_set_count(texts, n):
    assert ref.distinct_n(texts, n) == pytest.approx(float(distinct_with_sets(texts, n)), abs=1e-15)


def test_setting_labels():
    assert ref.setting_label({}) == "greedy" and ref.setting_label({"temperature": 0}) == "greedy"
    assert ref.setting_label({"top_p": 0.9, "temperature": 1.4}) == "top_p=0.9, temperature=1.4"


@pytest.fixture(scope="module")
def random_backend() -> Backend:
    torch.manual_seed(0)
    config = MistralConfig(vocab_size=32000, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                           num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
                           bos_token_id=1, eos_token_id=2, pad_token_id=2)
    model = MistralForCausalLM(config).eval()
    return Backend("random", model, load_mistral_tokenizer(), torch.device("cpu"), "test", False, "random")


QUESTIONS = [("What is the capital of Japan?", "Tokyo"), ("When did World War II end?", "1945")]
OPENERS = ["Once upon a time,", "Long, long ago,"]
SETTINGS = [{}, {"top_p": 0.2, "temperature": 0.2}, {"top_p": 0.9, "temperature": 1.4}]


def test_compare_tasks_shape_and_greedy_repeats(random_backend):
    results = ref.compare_tasks(random_backend, QUESTIONS, OPENERS, SETTINGS, seeds=[0, 1], max_new_tokens=5)
    assert [r["setting"] for r in results] == ["greedy", "top_p=0.2, temperature=0.2", "top_p=0.9, temperature=1.4"]
    for result in results:
        assert set(result) == {"setting", "greedy", "accuracy", "distinct_2", "answers", "continuations"}
        assert 0.0 <= result["accuracy"] <= 1.0 and 0.0 <= result["distinct_2"] <= 1.0
        assert len(result["answers"]) == 4 and len(result["continuations"]) == 4
        assert {"question", "answer", "seed", "reply", "correct"} == set(result["answers"][0])
        assert {"opener", "seed", "text"} == set(result["continuations"][0])
        assert all(a["correct"] == ref.exact_match(a["reply"], a["answer"]) for a in result["answers"])
    greedy = results[0]
    by_opener: dict[str, set[str]] = {}
    for item in greedy["continuations"]:
        by_opener.setdefault(item["opener"], set()).add(item["text"])
    assert all(len(texts) == 1 for texts in by_opener.values()), f"greedy runs differ across seeds: {by_opener}"
    assert greedy["distinct_2"] <= 0.5 + 1e-12, "two identical runs repeat every bigram: distinct-2 is at most 1/2"


def test_compare_tasks_sampling_repeats_with_the_same_seeds(random_backend):
    first = ref.compare_tasks(random_backend, QUESTIONS[:1], OPENERS[:1], SETTINGS[2:], seeds=[3, 4], max_new_tokens=6)
    again = ref.compare_tasks(random_backend, QUESTIONS[:1], OPENERS[:1], SETTINGS[2:], seeds=[3, 4], max_new_tokens=6)
    assert first == again, "the same seeds should give the same sampled texts"
    texts = [c["text"] for c in first[0]["continuations"]]
    assert texts[0] != texts[1], f"seeds 3 and 4 sampled the same text at temperature 1.4: {texts}"
