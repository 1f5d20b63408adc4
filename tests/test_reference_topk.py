"""reference/topk.py against transformers' TopKLogitsWarper and against independent math."""
from __future__ import annotations

import pytest
import torch
from transformers.generation.logits_process import TopKLogitsWarper

from reference.tokenizer import load_mistral_tokenizer
from reference.topk import top_k_mask, top_k_table


@pytest.fixture(scope="module")
def tokenizer():
    return load_mistral_tokenizer()


def counted_mask(scores: torch.Tensor, k: int) -> torch.Tensor:
    """Independent definition: keep a token when fewer than k tokens of its row score strictly higher."""
    flat = scores.double().reshape(-1, scores.shape[-1])
    higher = (flat[:, None, :] > flat[:, :, None]).sum(-1)
    return (higher < k).reshape(scores.shape)


def random_logits(*shape: int, seed: int = 0, scale: float = 3.0) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed)) * scale


def _mask_message(scores, k, got, want) -> str:
    differ = int((got != want).sum()) if got.shape == want.shape else "all"
    return (f"top_k_mask(<{scores.dtype} {tuple(scores.shape)}>, k={k}) differs from the expected mask in "
            f"{differ} places; kept {int(got.sum())}, expected {int(want.sum())}")


@pytest.mark.parametrize("k", [1, 2, 10, 99, 100, 500])
def test_mask_matches_counting_definition_on_random_logits(k):
    scores = random_logits(4, 100, seed=k)
    got, want = top_k_mask(scores, k), counted_mask(scores, k)
    assert got.dtype == torch.bool and got.shape == scores.shape, f"got {got.dtype} {tuple(got.shape)}"
    assert torch.equal(got, want), _mask_message(scores, k, got, want)


@pytest.mark.parametrize("k", [1, 5, 50])
def test_mask_matches_the_warper_with_its_default_filter(k):
    scores = random_logits(3, 1000, seed=10 + k)
    warped = TopKLogitsWarper(top_k=k)(None, scores.clone())
    want = warped != float("-inf")
    got = top_k_mask(scores, k)
    assert torch.equal(got, want), _mask_message(scores, k, got, want)
    assert int(got.sum()) == 3 * k, f"kept {int(got.sum())} of 3 rows, expected exactly {3 * k} without ties"


def test_probabilities_and_logits_give_the_same_mask():
    logits = random_logits(5, 300, seed=3)
    for k in (1, 7, 40):
        from_logits, from_probs = top_k_mask(logits, k), top_k_mask(logits.softmax(-1), k)
        assert torch.equal(from_logits, from_probs), (
            f"top_k_mask(logits, {k}) and top_k_mask(softmax(logits), {k}) differ in "
            f"{int((from_logits != from_probs).sum())} places, expected none"
        )


@pytest.mark.parametrize(
    "scores,k,expected",
    [
        ([0.4, 0.2, 0.2, 0.2], 2, [True, True, True, True]),
        ([0.4, 0.2, 0.2, 0.2], 1, [True, False, False, False]),
        ([0.25, 0.25, 0.25, 0.25], 1, [True, True, True, True]),
        ([0.1, 0.3, 0.3, 0.2, 0.1], 2, [False, True, True, False, False]),
        ([0.1, 0.3, 0.3, 0.2, 0.1], 3, [False, True, True, True, False]),
        ([0.1, 0.3, 0.3, 0.2, 0.1], 4, [True, True, True, True, True]),
    ],
)
def test_ties_with_the_kth_score_are_all_kept(scores, k, expected):
    got = top_k_mask(torch.tensor(scores), k)
    assert got.tolist() == expected, f"top_k_mask({scores}, {k}) = {got.tolist()}, expected {expected}"


def test_minus_inf_and_huge_logits():
    scores = torch.tensor([[1e4, -1e4, float("-inf"), 9999.0], [3.0, float("-inf"), float("-inf"), 1.0]])
    got = top_k_mask(scores, 2)
    expected = [[True, False, False, True], [True, False, False, True]]
    assert got.tolist() == expected, f"top_k_mask(<±1e4 and -inf>, 2) = {got.tolist()}, expected {expected}"
    # Fewer finite scores than k: the warper keeps every score >= the k-th largest, which is
    # -inf itself, so the -inf tokens count as kept (softmax still gives them probability 0).
    got = top_k_mask(torch.tensor([2.0, float("-inf"), 1.0]), 3)
    assert got.tolist() == [True, True, True], f"top_k_mask([2, -inf, 1], 3) = {got.tolist()}, expected all kept"


def test_batches_of_any_rank_are_decided_row_by_row():
    scores = random_logits(2, 3, 4, 50, seed=5) + torch.arange(24.0).reshape(2, 3, 4, 1) * 100
    got = top_k_mask(scores, 6)
    want = counted_mask(scores, 6)
    assert got.shape == scores.shape and torch.equal(got, want), _mask_message(scores, 6, got, want)
    assert got.sum(-1).eq(6).all(), f"rows keep {got.sum(-1).unique().tolist()} tokens, expected 6 each"


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_dtypes(dtype):
    scores = random_logits(3, 200, seed=7).to(dtype)
    got = top_k_mask(scores, 12)
    want = counted_mask(scores, 12)
    assert got.dtype == torch.bool, f"top_k_mask on {dtype} returned {got.dtype}, expected torch.bool"
    assert torch.equal(got, want), _mask_message(scores, 12, got, want)


def test_k_at_least_the_vocabulary_keeps_everything():
    scores = random_logits(2, 9, seed=8)
    for k in (9, 10, 32000):
        got = top_k_mask(scores, k)
        assert got.all(), f"top_k_mask(<(2, 9)>, {k}) kept {int(got.sum())} of 18, expected all"


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "3"])
def test_bad_k_raises(k):
    with pytest.raises(ValueError, match="k must be"):
        top_k_mask(torch.zeros(4), k)
    if k != 0:  # a table of min(0, vocab) = 0 rows is empty, not an error
        with pytest.raises(ValueError, match="k must be"):
            top_k_table(torch.zeros(4), None, k)


def test_table_of_k_zero_is_empty(tokenizer):
    got = top_k_table(torch.tensor([0.2, 0.5, 0.3]), tokenizer, 0)
    assert got == [], f"top_k_table([0.2, 0.5, 0.3], k=0) = {got}, expected [] (min(k, vocab) = 0 rows)"


def _expected_table(probs: torch.Tensor, tokenizer, k: int) -> list[tuple[int, str, float]]:
    order = sorted(range(len(probs)), key=lambda i: (-float(probs[i]), i))[:k]
    return [(i, tokenizer.decode([i]), float(probs[i])) for i in order]


@pytest.mark.parametrize("k", [1, 3, 10])
def test_table_matches_a_python_sort(tokenizer, k):
    probs = random_logits(32000, seed=9).softmax(-1)
    got, want = top_k_table(probs, tokenizer, k), _expected_table(probs, tokenizer, k)
    assert got == want, f"top_k_table(<(32000,)>, k={k}) = {got[:3]}..., expected {want[:3]}..."
    assert all(type(i) is int and type(t) is str and type(p) is float for i, t, p in got), (
        f"rows hold types {[tuple(type(v).__name__ for v in row) for row in got[:1]]}, expected (int, str, float)"
    )


def test_table_default_k_is_ten(tokenizer):
    probs = random_logits(500, seed=11).softmax(-1)
    got = top_k_table(probs, tokenizer)
    assert len(got) == 10, f"top_k_table(<(500,)>) gave {len(got)} rows, expected 10"


def test_table_lists_ties_lower_id_first(tokenizer):
    probs = torch.full((32000,), 1e-6)
    tied = [31000, 415, 20000, 5565, 3, 12345]
    probs[tied] = 0.1
    got = [row[0] for row in top_k_table(probs, tokenizer, 4)]
    assert got == [3, 415, 5565, 12345], f"top_k_table with six tied tokens gave ids {got}, expected [3, 415, 5565, 12345]"


def test_table_k_above_the_vocabulary_lists_everything(tokenizer):
    probs = torch.tensor([0.2, 0.5, 0.3])
    got = top_k_table(probs, tokenizer, 10)
    want = [(1, tokenizer.decode([1]), float(probs[1])), (2, tokenizer.decode([2]), float(probs[2])),
            (0, tokenizer.decode([0]), float(probs[0]))]
    assert got == want, f"top_k_table([0.2, 0.5, 0.3], k=10) = {got}, expected {want}"


def test_table_shows_decoded_text_not_pieces(tokenizer):
    tokyo = tokenizer.convert_tokens_to_ids("▁Tokyo")
    probs = torch.zeros(32000)
    probs[tokyo], probs[233] = 0.7, 0.3  # 233 is the byte-fallback piece <0xE6>
    got = top_k_table(probs, tokenizer, 2)
    assert got == [(tokyo, "Tokyo", pytest.approx(0.7)), (233, "\ufffd", pytest.approx(0.3))], (
        f"top_k_table gave {got}, expected the decoded texts 'Tokyo' and the replacement character"
    )


def test_table_rejects_a_batch(tokenizer):
    with pytest.raises(ValueError, match="shape"):
        top_k_table(torch.rand(2, 5), tokenizer, 3)
