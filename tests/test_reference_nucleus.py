"""reference.nucleus against transformers' TopPLogitsWarper and an independent float64 rule."""
from __future__ import annotations

import math

import pytest
import torch
from transformers.generation.logits_process import TopPLogitsWarper

from grading.harness.statistics import fit_report
from reference import nucleus as ref


def rule_by_hand(probs: torch.Tensor, p: float) -> torch.Tensor:
    """The documented rule in plain Python floats: keep a token when the mass ranked above it is < p."""
    flat = probs.reshape(-1, probs.shape[-1]).tolist()
    rows = []
    for row in flat:
        ranked = sorted(range(len(row)), key=lambda i: -row[i])
        keep = [False] * len(row)
        above = 0.0
        for rank, index in enumerate(ranked):
            keep[index] = rank == 0 or above < p
            above += row[index]
        rows.append(keep)
    return torch.tensor(rows, dtype=torch.bool).reshape(probs.shape)


def random_probs(*shape: int, scale: float, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.softmax(torch.randn(*shape, generator=generator, dtype=torch.float64) * scale, dim=-1)


@pytest.mark.parametrize("scale", [0.5, 2.0, 6.0])
@pytest.mark.parametrize("p", [0.05, 0.3, 0.6, 0.9, 0.99])
def test_top_p_mask_matches_the_rule_by_hand(scale, p):
    probs = random_probs(4, 300, scale=scale, seed=int(scale * 10))
    safe = ref.away_from_boundaries(probs, p)
    got = ref.top_p_mask(probs, safe)
    expected = rule_by_hand(probs, safe)
    assert torch.equal(got, expected), (
        f"top_p_mask(<float64 (4, 300), scale {scale}>, {safe}) keeps {got.sum(-1).tolist()} tokens per row, "
        f"the rule by hand keeps {expected.sum(-1).tolist()}"
    )


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8, 0.95])
def test_top_p_mask_agrees_with_the_warper_on_float32_logits(p):
    # What generate does: the warper on float32 logits. Our mask on the softmax must agree
    # wherever p is clear of rounding boundaries.
    generator = torch.Generator().manual_seed(3)
    logits = torch.randn(3, 32000, generator=generator) * 4.0
    probs = torch.softmax(logits, dim=-1)
    safe = ref.away_from_boundaries(probs, p)
    expected = TopPLogitsWarper(top_p=safe)(None, logits.clone()) != -math.inf
    got = ref.top_p_mask(probs, safe)
    assert torch.equal(got, expected), (
        f"top_p_mask(softmax(<(3, 32000) logits>), {safe}) keeps {got.sum(-1).tolist()} tokens per row; "
        f"TopPLogitsWarper on the logits keeps {expected.sum(-1).tolist()}"
    )


def test_top_p_mask_worked_example_of_the_stub():
    probs = torch.tensor([0.1, 0.5, 0.15, 0.25])
    for p, expected in ((0.7, [False, True, False, True]), (0.8, [False, True, True, True])):
        got = ref.top_p_mask(probs, p)
        assert got.tolist() == expected, f"top_p_mask({probs.tolist()}, {p}) = {got.tolist()}, expected {expected}"


def test_p_zero_keeps_only_the_most_probable_token():
    probs = random_probs(5, 50, scale=2.0, seed=1)
    got = ref.top_p_mask(probs, 0.0)
    expected = torch.zeros_like(got).scatter(-1, probs.argmax(-1, keepdim=True), True)
    assert torch.equal(got, expected), f"top_p_mask(p=0) keeps {got.sum(-1).tolist()} tokens per row, expected 1 each (the argmax)"


def test_p_one_keeps_exactly_the_tokens_of_nonzero_probability():
    probs = torch.tensor([[0.25, 0.0, 0.5, 0.125, 0.0, 0.125], [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]])
    got = ref.top_p_mask(probs, 1.0)
    assert torch.equal(got, probs > 0), f"top_p_mask({probs.tolist()}, 1.0) = {got.tolist()}, expected probs > 0"
    # A long float32 tail: the float64 warper keeps every positive token, however small.
    tail = torch.softmax(torch.randn(2, 32000, generator=torch.Generator().manual_seed(2)) * 5.0, dim=-1)
    got = ref.top_p_mask(tail, 1.0)
    assert torch.equal(got, tail > 0), f"top_p_mask(<(2, 32000) float32>, 1.0) drops {int((~got & (tail > 0)).sum())} positive tokens"


def test_minus_inf_logits_and_huge_logits_become_dropped_tokens():
    logits = torch.tensor([[1e4, 0.0, -1e4, float("-inf")], [2.0, float("-inf"), 2.5, 1.0]])
    probs = torch.softmax(logits, dim=-1)
    got = ref.top_p_mask(probs, 0.9)
    expected = rule_by_hand(probs.double(), 0.9)
    assert torch.equal(got, expected), f"top_p_mask(softmax({logits.tolist()}), 0.9) = {got.tolist()}, expected {expected.tolist()}"
    assert not bool(got[1, 1]) and not bool(got[0, 3]), "a token of probability 0 (logit -inf) must never be kept"


def test_ties_keep_the_right_number_of_tokens():
    # Which of two equally probable tokens is ranked first is undefined; how many are kept is not.
    uniform = torch.full((1, 4), 0.25)
    for p, count in ((0.0, 1), (0.3, 2), (0.5, 2), (0.6, 3), (1.0, 4)):
        got = ref.top_p_mask(uniform, p)
        assert int(got.sum()) == count, f"top_p_mask(uniform over 4, {p}) keeps {int(got.sum())} tokens, expected {count}"


def test_each_row_of_a_batch_is_decided_on_its_own():
    # rows from nearly uniform to one confident token
    scales = torch.tensor([[[0.2], [2.0], [8.0]], [[12.0], [1.0], [4.0]]], dtype=torch.float64)
    noise = torch.randn(2, 3, 40, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    probs = torch.softmax(noise * scales, dim=-1)
    safe = ref.away_from_boundaries(probs, 0.7)
    got = ref.top_p_mask(probs, safe)
    for i in range(2):
        for j in range(probs.shape[1]):
            alone = ref.top_p_mask(probs[i, j], safe)
            assert torch.equal(got[i, j], alone), f"row [{i}, {j}] of a batch differs from the same row alone"


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_the_mask_is_bool_with_the_shape_of_probs(dtype):
    probs = random_probs(3, 7, scale=1.0, seed=5).to(dtype)
    got = ref.top_p_mask(probs, 0.5)
    assert got.dtype == torch.bool and got.shape == probs.shape, f"{dtype}: got {got.dtype} {tuple(got.shape)}"


@pytest.mark.parametrize("p", [-0.1, 1.0001, float("nan"), float("inf"), True, "0.5", None])
def test_p_outside_zero_one_raises_value_error(p):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ref.top_p_mask(torch.tensor([0.5, 0.5]), p)


def test_away_from_boundaries_moves_p_clear_of_every_cumulative_sum():
    probs = torch.tensor([[0.5, 0.3, 0.2]])
    moved = ref.away_from_boundaries(probs, 0.8)  # 0.5 + 0.3 lands on 0.8 exactly
    assert abs(moved - 0.8) <= 2e-4 and ref.boundary_distance(probs, moved) >= ref.BOUNDARY_MARGIN, (
        f"away_from_boundaries([0.5, 0.3, 0.2], 0.8) = {moved}, distance {ref.boundary_distance(probs, moved)}"
    )
    assert ref.away_from_boundaries(probs, 0.0) == 0.0, "p = 0 is never at a boundary (the top token is always kept)"
    # p = 1 is a boundary for a row with a token of probability 0 (float sums decide it) ...
    assert ref.away_from_boundaries(torch.tensor([0.5, 0.5, 0.0]), 1.0) < 1.0
    # ... and safe for a row of moderate, positive probabilities.
    assert ref.away_from_boundaries(torch.tensor([0.5, 0.3, 0.2]), 1.0) == 1.0


def test_sample_top_p_is_one_multinomial_call_on_the_zeroed_nucleus():
    probs = random_probs(6, 100, scale=2.0, seed=6).float()
    for seed in range(5):
        got = ref.sample_top_p(probs, 0.8, torch.Generator().manual_seed(seed))
        kept = torch.where(ref.top_p_mask(probs, 0.8), probs, torch.zeros_like(probs))
        expected = torch.multinomial(kept, 1, generator=torch.Generator().manual_seed(seed)).squeeze(1)
        assert got.dtype == torch.int64 and got.shape == (6,), f"sample_top_p gave {got.dtype} {tuple(got.shape)}"
        assert torch.equal(got, expected), f"seed {seed}: sample_top_p gave {got.tolist()}, multinomial gave {expected.tolist()}"
        # The stub says renormalising first is allowed: it must give the same draws.
        renormalised = torch.multinomial(kept / kept.sum(-1, keepdim=True), 1,
                                         generator=torch.Generator().manual_seed(seed)).squeeze(1)
        assert torch.equal(got, renormalised), f"seed {seed}: renormalised draws {renormalised.tolist()} differ from {got.tolist()}"


def test_sample_top_p_follows_the_nucleus_distribution():
    row = torch.softmax(torch.randn(15, generator=torch.Generator().manual_seed(7)) * 1.5, dim=-1)
    p = ref.away_from_boundaries(row, 0.75)
    draws = ref.sample_top_p(row.expand(20000, 15).contiguous(), p, torch.Generator().manual_seed(8))
    report = fit_report(draws, ref.nucleus_distribution(row, p))
    assert report.passed, f"20000 reference draws do not fit the nucleus: {report.describe()}"
    assert report.outside == 0, "a reference draw fell outside the nucleus"


def test_sample_top_p_wants_a_batch():
    with pytest.raises(ValueError, match="batch"):
        ref.sample_top_p(torch.tensor([0.5, 0.5]), 0.9)


def test_crossing_tokens_are_those_a_cumsum_at_most_p_slip_leaves_out():
    from grading.harness.statistics import crossing_tokens

    cases = [
        ([0.1, 0.5, 0.15, 0.25], 0.7, [3]),   # ranked 0.5, 0.25: mass above 0.25 is 0.5 < 0.7, through it 0.75
        ([0.5, 0.2, 0.1, 0.2], 0.6, [1, 3]),  # tied at the cut: either may be the one ranked first
        ([0.5, 0.5, 0.0, 0.0], 0.9998, [0, 1]),  # tied at the top: the slip keeps one of them
        ([0.9, 0.1], 0.5, []),                # the most probable token alone is kept either way
        ([0.3, 0.6, 0.1], 0.0, []),           # p = 0: the argmax alone, by both rules
    ]
    for probs, p, expected in cases:
        got = crossing_tokens(torch.tensor(probs), p)
        assert got == expected, f"crossing_tokens({probs}, {p}) = {got}, expected {expected}"


def test_the_crossing_hint_speaks_only_when_that_one_token_is_missing():
    from grading.harness.statistics import left_out_crossing_hint

    before = torch.tensor([0.1, 0.5, 0.15, 0.25])
    expected = torch.tensor([0.0, 0.5 / 0.75, 0.0, 0.25 / 0.75])  # the nucleus at p = 0.7: ids 1 and 3
    cases = {
        "only id 1 drawn: id 3 crosses p": (torch.tensor([1] * 500), "token 3 never came"),
        "both drawn": (torch.tensor([1, 3] * 250), None),
        "only id 3 drawn: the missing id 1 crosses nothing": (torch.tensor([3] * 500), None),
        "ids far outside the vocabulary": (torch.tensor([1] * 499 + [10**12]), "token 3 never came"),
    }
    for what, (draws, wanted) in cases.items():
        got = left_out_crossing_hint(draws, expected, before, 0.7)
        assert (got is None) if wanted is None else (got is not None and got.startswith(wanted)), (
            f"left_out_crossing_hint({what}) = {got!r}, expected {wanted!r}")
    # Four tokens tied inside a top-k cut, all of them crossing p: an argmax leaves out all four,
    # which no cumsum slip does; the hint is then not about the nucleus.
    tied = torch.tensor([0.4, 0.15, 0.15, 0.15, 0.15])
    assert left_out_crossing_hint(torch.tensor([0] * 500), tied, tied, 0.9998) is None
