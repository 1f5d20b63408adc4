"""Hidden suite: top_k_mask and top_k_table (exercises 8 and 9).

Ground truth: :mod:`reference.topk` — transformers' ``TopKLogitsWarper`` for the mask (ties
with the k-th score are all kept) and a stable descending sort for the table (equal
probabilities lower id first). Masks are bool and must match exactly: a token is kept or it
is not. Probabilities in the table are copied from the input, so they must match to float
rounding (relative 1e-6 covers a float32 value passed through float64 and back).
"""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.harness.compare import Mismatch, call_text, check_tensor, check_true, describe, type_name, expect_error
from grading.grader.expected import remembered
from reference import distributions as _ref_distributions
from reference import topk as _ref
from reference.tokenizer import load_mistral_tokenizer

ref_distributions = remembered(_ref_distributions)
ref = remembered(_ref)

PROMPTS = ["The capital of Japan is", "Once upon a time,", "日本の首都は"]
TABLE_RTOL = 1e-6
GENERIC_MASK_HINT = "keep token i when its score is at least the k-th largest score of its own row"


def _random_logits(*shape: int, scale: float = 3.0, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator) * scale


def _model_probs(backend, prompt: str) -> torch.Tensor:
    logits = ref_distributions.next_token_logits(backend.model, backend.encode(prompt))[0].float().cpu()
    return ref_distributions.softmax_with_temperature(logits, 1.0)


@pytest.fixture(scope="module")
def tokenizer():
    return load_mistral_tokenizer()


# ---------------------------------------------------------------- top_k_mask

def _mask_hint(probs: torch.Tensor, k: int, got) -> str:
    """Name a classic mistake when replaying it, and it alone, gives the learner's mask; else state the rule."""
    if not isinstance(got, torch.Tensor) or got.shape != probs.shape:
        return "return a bool tensor with the same shape as probs: one True/False per token"
    if got.dtype != torch.bool:
        return "return a bool mask (probs >= threshold gives one), not indices or values"
    expected = ref.top_k_mask(probs, k)
    kept = min(k, probs.shape[-1])
    sorted_mask = torch.zeros_like(expected)
    sorted_mask[..., :kept] = True
    replays = {
        "your mask is inverted: True must mean KEEP": ~expected,
        "your mask keeps the k LEAST probable tokens: keep the k most probable": ref.top_k_mask(-probs, k),
        "your mask is in sorted order (the first k positions): give it in vocabulary order": sorted_mask,
        "you keep only the scores strictly above the k-th largest: the k-th itself and its ties are kept too":
            probs > torch.topk(probs, kept, dim=-1).values[..., -1:],
    }
    # Name a mistake only when replaying it gives the learner's mask, differs from the right one,
    # and no other replay does too (on a two-token input several mistakes give the same mask). A
    # replay that keeps every token names nothing: with ties, many mistakes keep everything; nor
    # one that keeps no token of a row (nothing is strictly above the largest score at k = 1):
    # many mistakes keep nothing, such as a log of negative scores that ranks nan first.
    matching = [hint for hint, replay in replays.items()
                if torch.equal(got, replay) and not torch.equal(replay, expected) and not bool(replay.all())
                and bool(replay.any(dim=-1).all())]
    # Exactly k of each row, all of them right: whichever of the tied tokens it kept (topk's pick,
    # argmax's, the first in sorted order), the mistake is the same.
    if bool((got.sum(-1) == kept).all()) and not bool((got & ~expected).any()) and not torch.equal(got, expected):
        matching.append("you keep exactly k tokens (torch.topk's indices): every token tied with the k-th largest "
                        "is kept too")
    if len(matching) == 1:
        return matching[0]
    if len(matching) > 1:
        return "on this small input several different mistakes give your mask; " + GENERIC_MASK_HINT + ", in vocabulary order"
    if probs.dim() > 1 and probs.shape[0] > 1 and int(got.sum()) == kept:
        return "you kept k tokens in the whole batch: decide each row on its own (topk over dim=-1)"
    if bool((got & ~expected).sum() == 0) and bool((got.sum(-1) < expected.sum(-1)).any()):
        return "your mask keeps too few tokens: keep every token whose score is >= the k-th largest (ties included)"
    return GENERIC_MASK_HINT


def _check_mask(learner, probs: torch.Tensor, k: int) -> None:
    got = learner.top_k_mask(probs, k)
    check_tensor(got, ref.top_k_mask(probs, k), call=call_text(learner.top_k_mask, probs, k),
                 hint=lambda: _mask_hint(probs, k, got))


@pytest.mark.top_k
@pytest.mark.points(1)
def test_top_k_mask_matches_the_warper(learner, backend):
    logits = _random_logits(3, 1000)
    for k in (1, 5, 50):
        _check_mask(learner, logits, k)
    for prompt in PROMPTS:
        probs = _model_probs(backend, prompt)
        for k in (10, 50):
            _check_mask(learner, probs, k)


@pytest.mark.top_k
@pytest.mark.points(1)
def test_top_k_mask_decides_each_row_on_its_own(learner):
    # Rows on very different scales: a mask taken over the whole batch, or along the wrong
    # axis, keeps most of one row and nothing of the others.
    logits = _random_logits(2, 3, 40, seed=1) + torch.tensor([[[0.0], [30.0], [-30.0]], [[5.0], [0.0], [60.0]]])
    _check_mask(learner, logits, 4)
    _check_mask(learner, logits.softmax(-1), 4)
    _check_mask(learner, logits.transpose(0, 1), 4)  # any leading axes: a swapped, non-contiguous batch too
    _check_mask(learner, logits[0, :1], 4)  # a batch of one row keeps its batch axis: (1, 40) in, (1, 40) out


@pytest.mark.top_k
@pytest.mark.points(1)
def test_top_k_mask_keeps_every_tie_with_the_kth(learner):
    cases = [
        (torch.tensor([0.4, 0.2, 0.2, 0.2]), 2),   # three tokens tie for second place: all kept
        (torch.tensor([0.25, 0.25, 0.25, 0.25]), 1),  # a uniform row: everything ties
        (torch.tensor([[0.1, 0.3, 0.3, 0.3], [0.5, 0.2, 0.2, 0.1]]), 2),
        (torch.tensor([3.0, float("-inf"), 1.0, float("-inf"), 2.0]), 2),  # masked logits stay dropped
        # ...unless the k-th largest is -inf itself: then they tie with it and are kept, and k at
        # least the vocabulary size keeps every token, -inf included (a mask read back from a
        # -inf fill would drop them).
        (torch.tensor([2.0, float("-inf"), float("-inf"), float("-inf")]), 2),
        (torch.tensor([[2.0, float("-inf"), float("-inf"), float("-inf")], [0.1, 0.2, 0.3, 0.4]]), 4),
        # A row whose k-th largest is -inf keeps all of its own tokens, not its neighbours' (a
        # shortcut that returned all True for the batch, a forty-first examiner's learner).
        (torch.tensor([[0.5, float("-inf"), float("-inf")], [0.1, 0.5, 0.4]]), 2),
        # The same at the vocabulary's size, as logits an earlier filter left: three finite
        # scores and 31,997 tied -inf, all kept (a quickselect that recurses once per tied score
        # runs out of stack there, a forty-fourth examiner's learner).
        (torch.cat([torch.tensor([1.0, 3.0, 2.0]), torch.full((31997,), float("-inf"))]), 10),
        # Not a tie: float64 scores 1e-12 apart, which a float32 copy would round together.
        (torch.tensor([0.3, 0.3 + 1e-12, 0.1], dtype=torch.float64), 1),
    ]
    for probs, k in cases:
        _check_mask(learner, probs, k)


@pytest.mark.top_k
@pytest.mark.points(1)
def test_top_k_mask_handles_k_at_the_edges(learner):
    probs = _random_logits(2, 7, seed=2).softmax(-1)
    for k in (7, 8, 1000):
        got = learner.top_k_mask(probs, k)

        def hint(got=got, k=k) -> str:
            said = _mask_hint(probs, k, got)
            return ("k at least the vocabulary size keeps every token (torch.topk needs k <= size: use min)"
                    if said == GENERIC_MASK_HINT else said)

        check_tensor(got, torch.ones(2, 7, dtype=torch.bool), call=call_text(learner.top_k_mask, probs, k), hint=hint)
    for k in (0, -3):
        expect_error(learner.top_k_mask, ValueError, probs, k,
                     hint="k < 1 would keep no token: check k first and raise ValueError")
    # And the other edge, k = 1: each row's most probable token alone (a mask of all True passed
    # every case above for red team 19).
    got = learner.top_k_mask(probs, 1)
    check_tensor(got, probs == probs.max(dim=-1, keepdim=True).values, call=call_text(learner.top_k_mask, probs, 1),
                 hint=lambda: _mask_hint(probs, 1, got))


@pytest.mark.top_k
@pytest.mark.points(1)
@settings(max_examples=40, deadline=None, derandomize=True)  # the same examples every run: a grade must not vary
@given(
    values=st.lists(st.floats(-30, 30, allow_nan=False, width=32), min_size=1, max_size=30),
    k=st.integers(1, 35),
    dtype=st.sampled_from([torch.float32, torch.float64, torch.float16]),
)
def test_top_k_mask_keeps_the_largest_scores(learner, values, k, dtype):
    probs = torch.tensor(values, dtype=dtype)
    got = learner.top_k_mask(probs, k)
    call = call_text(learner.top_k_mask, probs, k)
    check_tensor(got, ref.top_k_mask(probs, k), call=call, hint=lambda: _mask_hint(probs, k, got))
    kept, dropped = probs[got], probs[~got]
    check_true(int(got.sum()) >= min(k, len(values)), call=call,
               problem=f"keeps {int(got.sum())} tokens, fewer than min(k, vocab) = {min(k, len(values))}")
    check_true(dropped.numel() == 0 or bool(kept.min() > dropped.max()), call=call,
               problem="a dropped token scores at least as high as a kept one",
               hint="keep the LARGEST scores (torch.topk's default), not the smallest")


# ---------------------------------------------------------------- top_k_table

def _table_hint(got_row, want_row, tokenizer) -> str:
    got_text = got_row[1]
    if isinstance(got_text, str) and got_text == tokenizer.convert_ids_to_tokens(int(want_row[0])):
        return "that is the raw piece: show tokenizer.decode([id]) instead of convert_ids_to_tokens"
    return "the row for a token is (its id, tokenizer.decode([id]), its probability)"


def _check_table(got, expected: list[tuple[int, str, float]], *, call: str, tokenizer) -> None:
    """Compare a learner's table with the reference's: type, length, row form, then each row."""
    if not isinstance(got, list):
        raise Mismatch(call, f"the result should be a list of tuples, got {type_name(got)} {describe(got)}",
                       "build a Python list with one (id, text, probability) tuple per token")
    if len(got) != len(expected):
        raise Mismatch(call, f"the table has {len(got)} rows, expected {len(expected)}",
                       "one row for each of the min(k, vocab) most probable tokens")
    for rank, (row, want) in enumerate(zip(got, expected)):
        if not isinstance(row, tuple) or len(row) != 3:
            raise Mismatch(call, f"row {rank} is {describe(row)}, expected a 3-tuple (id, text, probability)",
                           "make each row a tuple: (token_id, text, probability)")
        token_id, text, probability = row
        if type(token_id) is not int or type(probability) is not float or type(text) is not str:
            raise Mismatch(
                call,
                f"row {rank} holds types ({type_name(token_id)}, {type_name(text)}, "
                f"{type_name(probability)}), expected (int, str, float)",
                "turn tensors into plain numbers with int(...) / float(...) or .tolist()",
            )
        if token_id != want[0]:
            ids = [r[0] for r in got]
            probability_of = {r[0]: r[2] for r in expected}
            hint = "sort by probability, highest first"
            probabilities = [r[2] for r in got if isinstance(r, tuple) and len(r) == 3]
            twice = sorted({i for i in ids if type(i) is int and ids.count(i) > 1})
            if twice:
                hint = (f"token {twice[0]} is listed twice: each row is a different token. Take each id together "
                        "with its probability (from the same sort), not by looking a probability up afterwards")
            elif len(probabilities) > 1 and probabilities[0] < probabilities[-1] and all(
                    a <= b for a, b in zip(probabilities, probabilities[1:])) and sorted(ids) == sorted(
                    r[0] for r in expected):
                hint = "your table is in ascending order: the most probable token comes first"
            elif probability_of.get(token_id, want[2]) != want[2] and math.isclose(probability_of[token_id], want[2],
                                                                                    rel_tol=1e-6):
                # Not a tie: two probabilities closer than float32 tells apart, in a float64 input.
                hint = (f"token {want[0]} and token {token_id} differ in probability by less than float32 can hold: "
                        "compare them in the input's own dtype, without converting first")
            elif math.isclose(probability, want[2], rel_tol=TABLE_RTOL) or (
                sorted(ids) == sorted(r[0] for r in expected)
                and all(a >= b for a, b in zip(probabilities, probabilities[1:]))
            ):
                hint = ("the right probabilities, tokens in the wrong order: equal probabilities go lower id "
                        "first (torch.topk does not promise that; use torch.sort(..., stable=True))")
            raise Mismatch(call, f"row {rank} is token {token_id}, expected token {want[0]} (probability {want[2]:.4g})", hint)
        if text != want[1]:
            raise Mismatch(call, f"row {rank} (token {token_id}) has text {text!r}, expected {want[1]!r}",
                           _table_hint(row, want, tokenizer))
        if not math.isclose(probability, want[2], rel_tol=TABLE_RTOL, abs_tol=1e-12):
            raise Mismatch(call, f"row {rank} (token {token_id}) has probability {probability:.6g}, expected {want[2]:.6g}",
                           "give the probability of that token exactly as it is in probs (not a percentage or a log)")


@pytest.mark.top_k_table
@pytest.mark.points(2)
def test_top_k_table_matches_the_reference_on_the_model(learner, backend):
    tokenizer = backend.tokenizer
    for prompt in PROMPTS:
        probs = _model_probs(backend, prompt)
        got = learner.top_k_table(probs, tokenizer)  # the default k is 10
        _check_table(got, ref.top_k_table(probs, tokenizer, 10),
                     call=call_text(learner.top_k_table, probs, tokenizer), tokenizer=tokenizer)
        got = learner.top_k_table(probs, tokenizer, 3)
        _check_table(got, ref.top_k_table(probs, tokenizer, 3),
                     call=call_text(learner.top_k_table, probs, tokenizer, 3), tokenizer=tokenizer)


@pytest.mark.top_k_table
@pytest.mark.points(1)
def test_top_k_table_rows_are_plain_python_values(learner, tokenizer):
    probs = torch.tensor([0.05, 0.5, 0.2, 0.25])
    got = learner.top_k_table(probs, tokenizer, 4)
    _check_table(got, ref.top_k_table(probs, tokenizer, 4), call=call_text(learner.top_k_table, probs, tokenizer, 4),
                 tokenizer=tokenizer)


@pytest.mark.top_k_table
@pytest.mark.points(1)
def test_top_k_table_k_larger_than_the_vocabulary(learner, tokenizer):
    probs = _random_logits(300, seed=3).softmax(-1)
    for k in (1, 7, 300, 1000, 0):  # 0: min(k, vocab) = 0 rows, an empty table
        got = learner.top_k_table(probs, tokenizer, k)
        _check_table(got, ref.top_k_table(probs, tokenizer, k), call=call_text(learner.top_k_table, probs, tokenizer, k),
                     tokenizer=tokenizer)
    # The vocabulary is probs's length, which may pass the tokenizer's: a model's output layer
    # padded to a multiple of 64 gives its extra ids a probability too (each decodes to ''), and
    # here the most probable are among them. (A k past 32,000 would list every row: 0.9 s more of
    # every submission's grading, for a cap at the tokenizer's size, so it is not asked.)
    padded = _random_logits(32064, seed=4)
    padded[-74:] += 12.0  # ids 31990 to 32063
    padded = padded.softmax(-1)
    for k in (5, 80):
        got = learner.top_k_table(padded, tokenizer, k)
        _check_table(got, ref.top_k_table(padded, tokenizer, k), call=call_text(learner.top_k_table, padded, tokenizer, k),
                     tokenizer=tokenizer)
    # Tokens of probability 0 (a distribution already filtered) are tokens too: still min(k, vocab) rows.
    filtered = torch.tensor([0.5, 0.0, 0.5, 0.0])
    for k in (3, 10):
        got = learner.top_k_table(filtered, tokenizer, k)
        _check_table(got, ref.top_k_table(filtered, tokenizer, k),
                     call=call_text(learner.top_k_table, filtered, tokenizer, k), tokenizer=tokenizer)


@pytest.mark.top_k_table
@pytest.mark.points(1)
def test_top_k_table_lists_ties_lower_id_first(learner, tokenizer):
    # Many exact ties spread over the vocabulary: torch.topk returns tied indices in no
    # promised order, the table must list them by id.
    probs = torch.full((32000,), 1e-6)
    tied = [31000, 415, 20000, 5565, 3, 12345]
    probs[tied] = 0.1
    probs[19887] = 0.2
    probs = probs / probs.sum()
    for k in (4, 7):
        got = learner.top_k_table(probs, tokenizer, k)
        _check_table(got, ref.top_k_table(probs, tokenizer, k), call=call_text(learner.top_k_table, probs, tokenizer, k),
                     tokenizer=tokenizer)
    # More tokens tied at the cut than any fixed margin of extra candidates: 50 and 200 of them.
    for vocab, first, tied, k in ((100, 50, 50, 3), (1000, 999, 200, 5)):
        probs = torch.zeros(vocab)
        probs[first] = 0.5
        probs[:tied] = 0.5 / tied
        got = learner.top_k_table(probs, tokenizer, k)
        _check_table(got, ref.top_k_table(probs, tokenizer, k), call=call_text(learner.top_k_table, probs, tokenizer, k),
                     tokenizer=tokenizer)
    # Not ties: float64 probabilities 1e-12 apart, which a float32 copy would round together.
    close = torch.tensor([0.3, 0.3 + 1e-12, 0.4 - 1e-12], dtype=torch.float64)
    got = learner.top_k_table(close, tokenizer, 3)
    _check_table(got, ref.top_k_table(close, tokenizer, 3), call=call_text(learner.top_k_table, close, tokenizer, 3),
                 tokenizer=tokenizer)


# Real Mistral-7B numbers when a capture file is given. Worth 0 points: a grade's maximum
# must not depend on whether the grader has a capture file; the result is still reported.
@pytest.mark.top_k_table
@pytest.mark.points(0)
def test_top_k_table_on_mistral_7b_captured_logits(learner, capture, tokenizer):
    for prompt in capture.prompts[:3]:
        probs = torch.softmax(prompt["last_logits"].float(), dim=-1)
        got = learner.top_k_table(probs, tokenizer)
        _check_table(got, ref.top_k_table(probs, tokenizer, 10), call=call_text(learner.top_k_table, probs, tokenizer),
                     tokenizer=tokenizer)
