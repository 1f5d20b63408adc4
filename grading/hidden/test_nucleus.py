"""Hidden suite: top_p_mask and sample_top_p (exercises 11 and 12).

Ground truth: :mod:`reference.nucleus` — transformers' ``TopPLogitsWarper`` in float64 for the
mask, and ``torch.multinomial`` on the nucleus in vocabulary order for the draw.

Tolerances. Masks are bool and must match exactly, but only where the rule is unambiguous:
every threshold used here is moved (by :func:`reference.nucleus.away_from_boundaries`) until
each cumulative sum of every row is at least 1e-4 from it, far more than the ~1e-6 rounding of
a float32 cumulative sum over 32000 tokens; and the rows have no exact ties. Sampled ids must
match the reference exactly under the same seeded generator (same draw, same tokens); a
sampler that draws correctly in another way still earns the statistical check, whose
false-failure rate is stated in :mod:`grading.harness.statistics` (below 1e-6 per run, all checks
together).
"""
from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.harness.compare import (
    UNIT_RANGE_REASONS, Mismatch, call_text, check_tensor, check_true, describe, type_name, expect_accepted, expect_error,
)
from grading.grader.expected import remembered
from grading.harness.statistics import check_sampler_fit, left_out_crossing_hint
from reference import distributions as _ref_distributions
from reference import nucleus as _ref

ref_distributions = remembered(_ref_distributions)
ref = remembered(_ref)

PROMPTS = ["The capital of Japan is", "Once upon a time,", "日本の首都は"]


def _random_probs(*shape: int, scale: float = 3.0, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.softmax(torch.randn(*shape, generator=generator) * scale, dim=-1)


def _model_probs(backend, prompts: list[str] = PROMPTS) -> torch.Tensor:
    """``(len(prompts), vocab)`` next-token probabilities of the backend's model, float32 on the CPU."""
    rows = []
    for prompt in prompts:
        logits = ref_distributions.next_token_logits(backend.model, backend.encode(prompt))[0].float().cpu()
        rows.append(ref_distributions.softmax_with_temperature(logits, 1.0))
    return torch.stack(rows)


def _safe(probs: torch.Tensor, p: float) -> float:
    """``p`` moved away from every float-rounding boundary of the rule (see the module docstring)."""
    return ref.away_from_boundaries(probs, p)


# ---------------------------------------------------------------- top_p_mask

def _sorted_order_mask(expected: torch.Tensor, probs: torch.Tensor) -> torch.Tensor:
    """The right decisions left in sorted order (position i = the i-th most probable token)."""
    order = probs.argsort(dim=-1, descending=True)
    return expected.gather(-1, order)


def _without_crossing_token(probs: torch.Tensor, p: float) -> torch.Tensor:
    """What ``cumsum <= p`` keeps: the nucleus minus the token that crosses p (the top one stays)."""
    sorted_probs, order = probs.double().sort(dim=-1, descending=True)
    keep = sorted_probs.cumsum(-1) <= p
    keep[..., 0] = True
    return torch.zeros_like(keep).scatter(-1, order, keep)


def _mass_above_rule(probs: torch.Tensor, p: float, batch_axis: bool = False) -> torch.Tensor:
    """The mass-above rule on each row; with ``batch_axis`` the running totals are taken down the
    batch (``cumsum(dim=0)`` of the row-sorted probabilities) instead of along each row."""
    sorted_probs, order = probs.double().sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(0 if batch_axis else -1) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    return torch.zeros_like(keep).scatter(-1, order, keep)


_DOWN_THE_BATCH = ("decide each row on its own: you added up the sorted probabilities down the batch (dim=0); "
                   "add up along the last axis (dim=-1)")
_WHOLE_BATCH = "decide each row on its own: you ranked the whole batch as one distribution; sort and add up within each row"


def _batch_replays(probs: torch.Tensor, p: float) -> dict[str, torch.Tensor]:
    """The two ways of mixing rows, replayed, for any batch of more than one row (a 3-D one too)."""
    if probs.dim() < 2 or probs.shape[:-1].numel() < 2:
        return {}
    return {_DOWN_THE_BATCH: _mass_above_rule(probs, p, batch_axis=True),
            _WHOLE_BATCH: _mass_above_rule(probs.reshape(1, -1), p).reshape(probs.shape)}


def _named_mask_mistake(probs: torch.Tensor, p: float, got) -> str | None:
    """The learner's mistake when the mask shows which it is: a wrong type or shape, the one classic
    mistake whose replay gives the mask, a whole row forced, a row left empty; else None."""
    if not isinstance(got, torch.Tensor) or got.shape != probs.shape:
        return "return a bool tensor with the same shape as probs: one True/False per token, in vocabulary order"
    if got.dtype != torch.bool:
        return "return a bool mask (a comparison such as `mass_above < p` gives one)"
    got = got.detach().cpu()
    expected = ref.top_p_mask(probs, p)
    replays = {
        "your mask is inverted: True must mean KEEP": ~expected,
        "the token that crosses p must be kept: compare the mass ranked ABOVE each token with p":
            _without_crossing_token(probs, p),
        "your mask is in sorted order (the first positions are True): put each decision back at its token's "
        "position (scatter with the sort order)": _sorted_order_mask(expected, probs),
        "probs are already probabilities: do not apply softmax to them again":
            ref.top_p_mask(torch.softmax(probs, dim=-1), p),
        **_batch_replays(probs, p),
    }
    # On a two-token input several mistakes give the same mask: a mistake is named only when its
    # replay, and no other, gives the learner's mask (and differs from the right one). A replay
    # that keeps every token names nothing: many mistakes keep everything.
    matching = [hint for hint, replay in replays.items()
                if torch.equal(got, replay) and not torch.equal(replay, expected) and not bool(replay.all())]
    if len(matching) == 1:
        return matching[0]
    if matching:
        return ("on this small input several different mistakes give your mask; rank the tokens highest first; "
                "keep a token while the mass ranked above it is below p")
    rows, right_rows = got.reshape(-1, got.shape[-1]), expected.reshape(-1, expected.shape[-1])
    wrong = (rows != right_rows).any(-1)
    if len(rows) > 1 and bool(wrong.any()) and not bool(wrong.all()) and bool(rows[wrong].all()):
        return ("some rows keep every token while the others are right: the top token of EACH row is kept "
                "whatever p is, not every token of one row")
    if bool((got.sum(-1) == 0).any()):
        if p == 0:
            return "a row keeps no token at all: the most probable token is always kept, even when p = 0"
        return (f"a row keeps no token at all, yet its most probable token has nothing ranked above it (0 < p = {p:g}): "
                "every row keeps at least that one")
    return None


def _mask_hint(probs: torch.Tensor, p: float, got) -> str:
    """Name a classic mistake when replaying it, and it alone, gives the learner's mask; else state the rule."""
    named = _named_mask_mistake(probs, p, got)
    if named is not None:
        return named
    expected = ref.top_p_mask(probs, p)
    got = got.detach().cpu()
    if bool((got & ~expected).any()) and not bool((~got & expected).any()):
        return ("you keep too many tokens: the mass ranked above a token is the total of the more probable tokens of "
                "its own row (sorted highest first, along the last axis); keep the token only while that total is below p")
    return "rank the tokens highest first; keep a token while the mass ranked above it is below p"


def _mask_of(learner, probs: torch.Tensor, p: float) -> tuple[torch.Tensor, str]:
    """The learner's mask, checked to be a bool tensor of ``probs``' shape, and the call's text."""
    got = learner.top_p_mask(probs, p)
    call = call_text(learner.top_p_mask, probs, p)
    check_true(isinstance(got, torch.Tensor) and got.dtype == torch.bool and got.shape == probs.shape, call=call,
               problem=f"the result is {describe(got)}, expected a bool tensor of shape {tuple(probs.shape)}",
               hint="one bool per token, in vocabulary order")
    return got, call


def _check_mask(learner, probs: torch.Tensor, p: float) -> None:
    expected = ref.top_p_mask(probs, p)
    got = learner.top_p_mask(probs.clone(), p)
    check_tensor(got, expected, call=call_text(learner.top_p_mask, probs, p), hint=lambda: _mask_hint(probs, p, got))


@pytest.mark.top_p
@pytest.mark.points(1)
def test_top_p_mask_gives_a_bool_mask_of_probs_shape_and_the_worked_example(learner):
    # Shape and dtype only: values of float16 and bfloat16 rows are tested nowhere (their
    # cumulative sums are too coarse to stay 1e-4 from a threshold), but such rows are taken.
    for probs in (_random_probs(11), _random_probs(2, 3, 17), _random_probs(4, 50).double(), _random_probs(3, 9).half(),
                  _random_probs(2, 13).to(torch.bfloat16)):
        got = learner.top_p_mask(probs, 0.5)
        call = call_text(learner.top_p_mask, probs, 0.5)
        if not isinstance(got, torch.Tensor):
            raise Mismatch(call, f"the result should be a torch.Tensor, got {type_name(got)} {describe(got)}",
                           "return a bool tensor, one True/False per token")
        check_true(tuple(got.shape) == tuple(probs.shape), call=call,
                   problem=f"the result has shape {tuple(got.shape)}, expected {tuple(probs.shape)}",
                   hint="one decision per token: the mask has exactly the shape of probs")
        check_true(got.dtype == torch.bool, call=call, problem=f"the result has dtype {got.dtype}, expected torch.bool",
                   hint="return the comparison itself (a bool tensor), not 0/1 numbers")
        check_true(got.device == probs.device, call=call, problem=f"the result is on {got.device}, probs on {probs.device}",
                   hint="build the mask from probs (zeros_like / scatter) so it stays on probs' device")
    # And the docstring's example: all True, all False or the argmax alone had the shape too (a
    # free-points audit).
    for p in (0.7, 0.8):
        _check_mask(learner, torch.tensor([0.1, 0.5, 0.15, 0.25]), p)


@pytest.mark.top_p
@pytest.mark.points(2)
@pytest.mark.parametrize("p", [0.1, 0.5, 0.9, 0.97])
def test_top_p_mask_matches_the_warper_on_random_rows(learner, p):
    for seed, scale in ((1, 1.0), (2, 3.0), (3, 6.0)):
        probs = _random_probs(3, 500, scale=scale, seed=seed)
        _check_mask(learner, probs, _safe(probs, p))


@pytest.mark.top_p
@pytest.mark.points(2)
def test_top_p_mask_on_the_models_next_token_distribution(learner, backend):
    probs = _model_probs(backend)
    for p in (0.2, 0.5, 0.8, 0.9, 0.95):
        safe = _safe(probs, p)
        _check_mask(learner, probs, safe)
        _check_mask(learner, probs[0], safe)


# Real Mistral-7B numbers when a capture file is given. Worth 0 points: a grade's maximum
# must not depend on whether the grader has a capture file; the result is still reported.
@pytest.mark.top_p
@pytest.mark.points(0)
def test_top_p_mask_on_mistral_7b_captured_logits(learner, capture):
    probs = torch.stack([torch.softmax(prompt["last_logits"].float(), dim=-1) for prompt in capture.prompts])
    for p in (0.5, 0.9):
        _check_mask(learner, probs, _safe(probs, p))


def _tie_hint(tied: torch.Tensor, p: float, kept: list[int]) -> str:
    """For a batch whose rows each have two tokens tied at the top: the batch mistake whose replay
    keeps as many tokens per row as the learner (counts do not depend on which of a tie is ranked
    first), else the rule for ties."""
    for hint, replay in _batch_replays(tied, p).items():
        if replay.sum(-1).tolist() == kept:
            return hint
    return (f"each row keeps exactly one of its two tied top tokens at p = {p:g}, each row decided on its own: "
            "the tied tokens are ranked one after the other, and the second has the first's probability above it")


@pytest.mark.top_p
@pytest.mark.points(1)
def test_top_p_mask_at_p_zero_p_one_and_ties(learner):
    probs = _random_probs(4, 30, seed=4)
    expected_top = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, probs.argmax(-1, keepdim=True), True)
    got = learner.top_p_mask(probs, 0.0)
    check_tensor(got, expected_top, call=call_text(learner.top_p_mask, probs, 0.0),
                 hint=lambda: _named_mask_mistake(probs, 0.0, got) or (
                     "with p = 0 only the most probable token is kept: nothing is ranked above it, and it is always kept"))
    # Probabilities that are exact binary fractions: every cumulative sum is exact, so p = 1
    # keeps every token of non-zero probability, in any correct implementation. A token of
    # probability 0 is not graded: the mass above it lands exactly on p = 1, one of the spots
    # the docstring leaves to rounding (a rule that keeps a token while the mass above it is
    # at most p, as llama's sample_top_p has it, keeps it; the draw never picks it either way).
    dyadic = torch.tensor([[0.25, 0.0, 0.5, 0.125, 0.0, 0.125], [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]])
    got = learner.top_p_mask(dyadic, 1.0)
    expected_at_one = dyadic > 0
    if isinstance(got, torch.Tensor) and got.shape == dyadic.shape:
        expected_at_one = torch.where(dyadic == 0, got.detach().cpu().to(torch.bool), expected_at_one)
    check_tensor(got, expected_at_one, call=call_text(learner.top_p_mask, dyadic, 1.0),
                 hint="with p = 1 every token of non-zero probability is kept")
    moderate = torch.tensor([[0.3, 0.05, 0.2, 0.45], [0.1, 0.2, 0.3, 0.4]])
    got = learner.top_p_mask(moderate, 1.0)
    check_tensor(got, torch.ones_like(moderate, dtype=torch.bool), call=call_text(learner.top_p_mask, moderate, 1.0),
                 hint="with p = 1 every token of non-zero probability is kept")
    # A long tail of halvings, shuffled: above its last two tokens (2^-12 each) lies 1 - 2^-12,
    # exact and 2.4e-4 short of p = 1, outside the rounding spots: p itself must be the bound,
    # not a p "safely" below 1 (0.999 drops the last three).
    tail = torch.tensor([[2.0 ** -k for k in (3, 12, 1, 9, 5, 12, 2, 11, 7, 4, 10, 6, 8)]])
    got = learner.top_p_mask(tail, 1.0)
    check_tensor(got, torch.ones_like(tail, dtype=torch.bool), call=call_text(learner.top_p_mask, tail, 1.0),
                 hint="with p = 1 every token of non-zero probability is kept, the smallest of a long tail too: "
                      "compare the mass above each token with p itself")
    # Two tokens tied for the largest probability: the rule still keeps exactly one of them
    # (the mass above the second is the first's, 0.4), at p = 0 and at p = 0.3 alike.
    tied = torch.tensor([[0.4, 0.4, 0.2], [0.1, 0.45, 0.45]])
    for p in (0.0, 0.3):
        got, call = _mask_of(learner, tied, p)
        kept = got.sum(-1).tolist()
        check_true(kept == [1, 1] and bool((got <= (tied == tied.amax(-1, keepdim=True))).all()), call=call,
                   problem=f"each row keeps {kept} tokens, expected exactly one of the two tied most probable",
                   hint=_tie_hint(tied, p, kept))
    # A tie at the cut below the top (the docstring's example): the mass above the first 0.2 is
    # 0.5 < 0.6, above the second 0.7; exactly one of ids 1 and 3 is kept, either one.
    got, call = _mask_of(learner, torch.tensor([[0.5, 0.2, 0.1, 0.2]]), 0.6)
    kept_ids = got[0].nonzero().flatten().tolist()
    check_true(kept_ids in ([0, 1], [0, 3]), call=call,
               problem=f"keeps ids {kept_ids}, expected id 0 and exactly one of the tied ids 1 and 3",
               hint="the token that crosses p must be kept: the first of the tied 0.2s has only 0.5 above it, below "
                    "0.6" if kept_ids == [0] else
                    "the tied tokens are ranked one after the other: the second of them has 0.5 + 0.2 above it")
    # The integers 0 and 1 are numbers in [0, 1] too.
    for rows, p, expected in ((probs, 0, expected_top), (moderate, 1, torch.ones_like(moderate, dtype=torch.bool))):
        got = learner.top_p_mask(rows, p)
        check_tensor(got, expected, call=call_text(learner.top_p_mask, rows, p),
                     hint="p may be an int (0 or 1): check that it is a number in [0, 1], not that it is a float")


@pytest.mark.top_p
@pytest.mark.points(1)
def test_top_p_mask_decides_each_row_on_its_own(learner):
    # A (2, 3, 40) batch whose rows range from one confident token to nearly uniform: a
    # cumulative sum over the batch, or over the wrong axis, cuts most rows in the wrong place.
    generator = torch.Generator().manual_seed(5)
    scales = torch.tensor([[[0.2], [2.0], [8.0]], [[12.0], [1.0], [4.0]]])
    probs = torch.softmax(torch.randn(2, 3, 40, generator=generator) * scales, dim=-1)
    for p in (0.6, 0.9):
        _check_mask(learner, probs, _safe(probs, p))
    # "any leading axes" includes a batch whose axes were swapped (beams and prompts trading
    # places): not contiguous, so probs.view(-1, vocab) cannot flatten it (reshape can).
    swapped = probs.transpose(0, 1)
    _check_mask(learner, swapped, _safe(swapped, 0.9))


@pytest.mark.top_p
@pytest.mark.points(1)
@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan"), "0.9", None],
                         ids=["-0.1", "1.5", "nan", "the string '0.9'", "None"])
def test_top_p_mask_rejects_p_outside_zero_one(learner, p):
    # "p outside [0, 1] (or not a number) raises ValueError saying so": the message says what p
    # must be, not only what it is ("p=1.5" names the value and gives no reason).
    expect_accepted(learner.top_p_mask, _random_probs(5), 0.9, hint="p = 0.9 lies in [0, 1]: build its mask; refuse "
                    "only a p outside [0, 1] or one that is not a number")
    expect_error(learner.top_p_mask, ValueError, _random_probs(5), p, must_mention=UNIT_RANGE_REASONS,
                 hint="check that 0 <= p <= 1 before anything else, and raise ValueError saying so")


# Rows of 2..30 distinct integer weights, normalised: no exact ties, even in float32.
weights = st.lists(st.integers(1, 1000), min_size=2, max_size=30, unique=True)


def _row(values: list[int]) -> torch.Tensor:
    row = torch.tensor(values, dtype=torch.float64)
    return row / row.sum()


@pytest.mark.top_p
@pytest.mark.points(1)
@settings(max_examples=50, deadline=None)
@given(values=weights, p=st.floats(0.0, 1.0))
def test_top_p_nucleus_holds_p_and_is_the_smallest_such_set(learner, values, p):
    probs = _row(values)
    got = learner.top_p_mask(probs, p)
    call = call_text(learner.top_p_mask, probs, p)
    if not (isinstance(got, torch.Tensor) and got.shape == probs.shape and got.dtype == torch.bool):
        raise Mismatch(call, f"the result is {describe(got)}, expected a bool tensor of shape {tuple(probs.shape)}",
                       "return a bool mask with the shape of probs")
    kept = probs[got]
    mass = float(kept.sum())
    # 1e-6 of slack: far more than the rounding of a sum of 30 float64 (or float32) terms, far
    # less than the smallest probability here (1 / 30000).
    check_true(mass >= p - 1e-6, call=call,
               problem=f"the kept tokens hold {mass:.6f} of the probability, less than p = {p:.6f}",
               hint=lambda: _named_mask_mistake(probs, p, got) or (
                   "the kept tokens must hold at least p: keep tokens, most probable first, until the running "
                   "total reaches p (the token that reaches it included)"))
    smallest = float(kept.min()) if kept.numel() else 0.0
    check_true(kept.numel() <= 1 or mass - smallest < p + 1e-6, call=call,
               problem=f"the kept tokens hold {mass:.6f}; without the least probable of them ({smallest:.6f}) "
                       f"they would still hold {mass - smallest:.6f} >= p = {p:.6f}: the nucleus is not the smallest",
               hint=lambda: _named_mask_mistake(probs, p, got) or (
                   "stop at the token that crosses p: a token whose mass ranked above is already >= p is dropped"))


@pytest.mark.top_p
@pytest.mark.points(1)
@settings(max_examples=50, deadline=None)
@given(values=weights, p=st.floats(0.0, 1.0), q=st.floats(0.0, 1.0))
def test_top_p_keeps_the_argmax_and_grows_with_p(learner, values, p, q):
    # From p = 0 (the argmax alone) to p = 1 (every token: the smallest probability here, 1/30000,
    # is far above rounding) through two p between them: a mask that never changes with p, all
    # True or the argmax alone, grows trivially and is caught at one end.
    probs = _row(values).float()
    low, high = min(p, q), max(p, q)
    masks = []
    for threshold in (0.0, low, high, 1.0):
        got = learner.top_p_mask(probs, threshold)
        call = call_text(learner.top_p_mask, probs, threshold)
        if not (isinstance(got, torch.Tensor) and got.shape == probs.shape and got.dtype == torch.bool):
            raise Mismatch(call, f"the result is {describe(got)}, expected a bool tensor of shape {tuple(probs.shape)}",
                           "return a bool mask with the shape of probs")
        check_true(bool(got[probs.argmax()]), call=call,
                   problem=f"the most probable token (id {int(probs.argmax())}, probability {float(probs.max()):.4f}) is dropped",
                   hint=lambda: _named_mask_mistake(probs, threshold, got) or (
                       "the most probable token is always kept (nothing is ranked above it)"))
        masks.append((threshold, got))
    (_, at_zero), (_, at_one) = masks[0], masks[-1]
    check_true(int(at_zero.sum()) == 1, call=call_text(learner.top_p_mask, probs, 0.0),
               problem=f"p = 0 kept {int(at_zero.sum())} of {probs.numel()} tokens, expected exactly one (the most probable)",
               hint="no mass is ranked above the top token, and 0 < 0 is False for every token after it")
    check_true(bool(at_one.all()), call=call_text(learner.top_p_mask, probs, 1.0),
               problem=f"p = 1 kept {int(at_one.sum())} of {probs.numel()} tokens, expected all of them (every "
                       f"probability here is at least {float(probs.min()):.2e}, far above rounding)",
               hint="the mass ranked above the last token is 1 minus its own probability, which is below 1")
    for (lower, smaller), (higher, larger) in zip(masks, masks[1:]):
        extra = smaller & ~larger
        check_true(not bool(extra.any()), call=call_text(learner.top_p_mask, probs, higher),
                   problem=f"token {int(extra.nonzero()[0]) if extra.any() else -1} is kept at p = {lower:.4f} but dropped "
                           f"at the larger p = {higher:.4f}: a larger p must keep at least the same tokens",
                   hint="the decision 'mass ranked above < p' can only turn from False to True as p grows")


# ---------------------------------------------------------------- sample_top_p

def _generator(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    return torch.Generator(device=device).manual_seed(seed)


def _draws_without_crossing(probs: torch.Tensor, p: float, got, generator: torch.Generator) -> bool:
    """Whether ``got`` are the draws, from ``generator``, of a nucleus that leaves out the token
    crossing p (``cumsum <= p``), and differ from the right nucleus's: that slip, not the draw, is wrong."""
    narrow = _without_crossing_token(probs, p)
    if not isinstance(got, torch.Tensor) or got.shape != probs.shape[:1] or torch.equal(narrow, ref.top_p_mask(probs, p)):
        return False
    replay = torch.multinomial(probs.masked_fill(~narrow, 0.0), 1, generator=generator).squeeze(1)
    return torch.equal(got.cpu(), replay.cpu())


def _replayed_draw(probs: torch.Tensor, p: float, got: torch.Tensor, make_generator) -> str | None:
    """Name a mistake when replaying its draw from ``make_generator()``, and no other replay, gives
    the learner's ids (and differs from the right draw); else None."""
    keep = ref.top_p_mask(probs, p)
    expected = ref.sample_top_p(probs, p, make_generator())
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    sorted_kept = sorted_probs.masked_fill(~keep.gather(-1, order), 0.0)
    ranks = torch.multinomial(sorted_kept, 1, generator=make_generator()).squeeze(1)
    replays = {
        "these are positions in the sorted order, not token ids: but better than mapping them back, draw from "
        "the probabilities in vocabulary order": ranks,
        "you drew from the sorted probabilities: the right distribution, but not the same draw — draw in "
        "vocabulary order so a seeded generator gives the reference's tokens": order.gather(-1, ranks[:, None]).squeeze(1),
    }
    matching = [hint for hint, replay in replays.items()
                if torch.equal(got.cpu(), replay.cpu()) and not torch.equal(replay.cpu(), expected.cpu())]
    return matching[0] if len(matching) == 1 else None


def _sample_hint(probs: torch.Tensor, p: float, seed: int, got) -> str:
    """Name a mistake when replaying its draw with the same seed, and no other replay, gives the learner's ids."""
    if not isinstance(got, torch.Tensor) or got.shape != probs.shape[:1]:
        return "return one token id per row: shape (batch,) — squeeze the num_samples axis"
    replayed = _replayed_draw(probs, p, got, lambda: _generator(seed, probs.device))
    if replayed is not None:
        return replayed
    keep = ref.top_p_mask(probs, p)
    if got.dtype == torch.int64 and bool((got >= 0).all() and (got < probs.shape[-1]).all()):
        if not bool(keep.gather(-1, got[:, None]).all()):
            return "a drawn token lies outside the nucleus: zero the probabilities of the dropped tokens first"
    return ("zero the probabilities outside top_p_mask (keep vocabulary order and dtype), then call "
            "torch.multinomial(kept, num_samples=1, generator=generator) once for the whole batch")


def _global_draw_hint(probs: torch.Tensor, p: float, drawn) -> str:
    """Why a draw without a generator is not the one torch's global generator, seeded 0, gives:
    a mistake the draw replays, where one does; else both places to look."""
    if not isinstance(drawn, torch.Tensor) or drawn.shape != probs.shape[:1]:
        return "return one token id per row: shape (batch,) — squeeze the num_samples axis"
    seeded = lambda: torch.Generator().manual_seed(0)  # noqa: E731 (the global generator as the test seeded it)
    if _draws_without_crossing(probs, p, drawn, seeded()):
        return ("your nucleus is not top_p_mask's: these are the draws of one that leaves out the token whose "
                "running total passes p as it joins (the nucleus keeps it)")
    return _replayed_draw(probs, p, drawn, seeded) or (
        "these are not the draws torch's global generator gives: with generator=None, pass generator=None on to "
        "torch.multinomial (not Python's random or a generator of your own), and draw once for the batch from the "
        "nucleus's probabilities in vocabulary order")


def _check_sample(learner, probs: torch.Tensor, p: float, seed: int) -> None:
    reference_generator = _generator(seed, probs.device)
    expected = ref.sample_top_p(probs, p, reference_generator)
    generator = _generator(seed, probs.device)
    got = learner.sample_top_p(probs.clone(), p, generator)
    call = call_text(learner.sample_top_p, probs, p, _generator(seed))
    check_tensor(got, expected, call=call, hint=lambda: _sample_hint(probs, p, seed, got))
    # The draws that come after depend on where this call leaves the generator: a shortcut that
    # skips the draw (p = 0: the argmax) gives the right ids and shifts every later draw.
    check_true(torch.equal(generator.get_state(), reference_generator.get_state()), call=call,
               problem="the ids are right, but the generator is not where one torch.multinomial call for the batch "
                       "leaves it, so every later draw from it differs from the reference's",
               hint="call torch.multinomial(kept, num_samples=1, generator=generator) once for the whole batch, "
                    "even when the nucleus is one token")


@pytest.mark.sample_top_p
@pytest.mark.points(1)
def test_sample_top_p_returns_one_id_per_row_and_leaves_probs_alone(learner):
    for batch in (6, 1):  # a batch of one still gives shape (1,), not a 0-d tensor
        probs = _random_probs(batch, 40, seed=6)
        got = learner.sample_top_p(probs, 0.8, _generator(0))
        changed = learner.arguments_changed_by_last_call()
        call = call_text(learner.sample_top_p, probs, 0.8, _generator(0))
        if not isinstance(got, torch.Tensor):
            raise Mismatch(call, f"the result should be a torch.Tensor, got {type_name(got)} {describe(got)}",
                           "return the ids torch.multinomial gives you, as a tensor")
        check_true(tuple(got.shape) == (batch,), call=call,
                   problem=f"the result has shape {tuple(got.shape)}, expected ({batch},)",
                   hint="torch.multinomial(..., num_samples=1) gives (batch, 1): drop only that last axis "
                        "(squeeze(-1)); a bare squeeze() also drops the batch axis when batch is 1")
        check_true(got.dtype == torch.int64, call=call, problem=f"the result has dtype {got.dtype}, expected torch.int64",
                   hint="token ids are int64, as torch.multinomial returns them")
        check_true(not changed, call=call,
                   problem=f"the call changed {', '.join(changed)} in place",
                   hint="zero the dropped tokens (and do any other arithmetic on probs) in a new tensor, "
                        "torch.where(keep, probs, 0), not in the caller's tensor")
    # "p: a number in [0, 1]; anything else raises ValueError": no shortcut around top_p_mask's check.
    for p in (1.5, -0.5):
        expect_error(learner.sample_top_p, ValueError, _random_probs(2, 40, seed=6), p, _generator(0),
                     hint="call top_p_mask(probs, p) first, for every p: it raises ValueError for p outside [0, 1]")


@pytest.mark.sample_top_p
@pytest.mark.points(1)
@pytest.mark.parametrize("p", [0.0, 0.5, 0.9])
def test_sample_top_p_draws_the_references_tokens_with_the_same_seed(learner, p):
    probs = _random_probs(16, 300, scale=2.0, seed=7)
    _check_sample(learner, probs, _safe(probs, p), seed=11)
    probs = _random_probs(5, 60, scale=4.0, seed=8).double()
    _check_sample(learner, probs, _safe(probs, p), seed=12)


@pytest.mark.sample_top_p
@pytest.mark.points(1)
def test_sample_top_p_on_the_models_next_token_distribution(learner, backend):
    # Each prompt's row 10 times: one draw per row landed inside the nucleus by chance (the tiny
    # model puts 0.996 on "Tokyo"), so drawing from all the probabilities, p ignored, passed; at
    # p = 0.3 the other two rows' nuclei hold 0.46 and 0.61, and such a draw stays inside them
    # all 20 times with probability 0.46**10 * 0.61**10, about 3e-6.
    probs = _model_probs(backend).repeat_interleave(10, dim=0).to(backend.device)
    for p, seed in ((0.3, 21), (0.9, 22)):
        _check_sample(learner, probs, _safe(probs, p), seed)


@pytest.mark.sample_top_p
@pytest.mark.points(0)
def test_sample_top_p_on_mistral_7b_captured_logits(learner, capture):
    # Worth 0 points, like every capture test (see above).
    probs = torch.stack([torch.softmax(prompt["last_logits"].float(), dim=-1) for prompt in capture.prompts])
    _check_sample(learner, probs, _safe(probs, 0.9), seed=41)


@pytest.mark.sample_top_p
@pytest.mark.points(1)
def test_sample_top_p_draws_one_of_the_tokens_tied_at_the_cut(learner):
    # The nucleus is top_p_mask's: of the tokens tied at the cut it holds only as many as the
    # rule needs (which ones is the sort's choice, both accepted), never all of them. 2000 rows
    # of the same distribution in one call: a nucleus of all the tied tokens shows in the draws.
    cases = (([0.4, 0.4, 0.2], 0.0, ({0}, {1})), ([0.5, 0.2, 0.1, 0.2], 0.6, ({0, 1}, {0, 3})))
    for row, p, nuclei in cases:
        probs = torch.tensor([row]).expand(2000, -1).contiguous()
        call = call_text(learner.sample_top_p, probs, p, _generator(5))
        got = learner.sample_top_p(probs, p, _generator(5))
        if not (isinstance(got, torch.Tensor) and got.shape == (2000,) and not got.is_floating_point()):
            raise Mismatch(call, f"the result is {describe(got)}, expected 2000 integer token ids, shape (2000,)",
                           "return one token id per row, shape (batch,)")
        drawn = set(got.tolist())
        if any(drawn == nucleus for nucleus in nuclei):
            continue
        shown = f"{' or '.join(str(sorted(nucleus)) for nucleus in nuclei)}"
        # Every token of the nucleus shows up in 2000 draws (the least likely, 2/7 of it, is missed
        # with probability (5/7)**2000): ids from a part of the nucleus alone are no sampler.
        if any(drawn < nucleus for nucleus in nuclei):
            rule = torch.tensor(row)
            raise Mismatch(call, f"the 2000 rows (all {row}) drew only ids {sorted(drawn)}; the nucleus at p = {p} is "
                                 f"{shown}, and in 2000 draws each of its tokens shows up",
                           left_out_crossing_hint(got, ref.nucleus_distribution(rule, p), rule, p)
                           or "draw from the whole nucleus with torch.multinomial and the generator: each kept token "
                              "has a chance in proportion to its probability")
        raise Mismatch(call, f"the 2000 rows (all {row}) drew ids {sorted(drawn)}; the nucleus at p = {p} is {shown} "
                             "(tied tokens at the cut: one of them is in, not both)",
                       "the ids drawn show a nucleus that holds more of the tied tokens than the rule needs: "
                       "build it with top_p_mask, which keeps exactly the ranks the rule needs even when tokens tie")


@pytest.mark.sample_top_p
@pytest.mark.points(1)
@pytest.mark.parametrize("vocab,p", [(12, 0.8), (40, 0.6)])
def test_sample_top_p_follows_the_nucleus_distribution(learner, vocab, p):
    # Statistical check: 4000 rows of the same distribution in one call. A sampler that draws
    # correctly but not the reference's way (sorted, then mapped back) passes this test. Then the
    # same without a generator: torch's global one.
    # False-failure rate at most 1e-7 for this check, 1e-6 for the whole run (grading/harness/statistics.py).
    generator = torch.Generator().manual_seed(vocab)
    row = torch.softmax(torch.randn(vocab, generator=generator) * 1.5, dim=-1)
    p = _safe(row, p)
    probs = row.expand(4000, vocab).contiguous()
    call = call_text(learner.sample_top_p, probs, p, _generator(31))
    got = learner.sample_top_p(probs, p, _generator(31))
    if not (isinstance(got, torch.Tensor) and got.shape == (4000,) and not got.is_floating_point()):
        raise Mismatch(call, f"the result is {describe(got)}, expected 4000 integer token ids, shape (4000,)",
                       "return one token id per row, shape (batch,)")
    expected = ref.nucleus_distribution(row, p)
    check_sampler_fit(got, expected, call=call,
                      hint=lambda: left_out_crossing_hint(got, expected, row, p)
                      or "draw each row from its nucleus, with the nucleus probabilities in proportion "
                         "(and map sorted positions back to token ids if you sort)")
    # Without a generator the draws come from torch's global one, whose state moves on with each
    # call: two calls of 4000 draws each are the same with probability far below 1e-100.
    first, second = (learner.sample_top_p(probs, p) for _ in range(2))
    call = call_text(learner.sample_top_p, probs, p)
    check_true(isinstance(first, torch.Tensor) and isinstance(second, torch.Tensor) and first.shape == second.shape == (4000,),
               call=call, problem=f"the result is {describe(first)}, expected 4000 token ids, shape (4000,)",
               hint="with generator=None, pass generator=None on to torch.multinomial: it then uses torch's global generator")
    check_true(not torch.equal(first, second), call=call,
               problem="two calls without a generator drew the same 4000 tokens: they did not come from torch's "
                       "global generator, which moves on with every draw",
               hint="with generator=None, pass generator=None on to torch.multinomial (do not make a new torch.Generator)")


@pytest.mark.sample_top_p
@pytest.mark.points(1)
@settings(max_examples=40, deadline=None)
@given(values=weights, p=st.floats(0.0, 1.0), seed=st.integers(0, 2**31 - 1))
def test_sample_top_p_stays_in_the_nucleus_and_repeats_with_the_seed(learner, values, p, seed):
    row = _row(values).float()
    p = _safe(row, p)
    probs = row.expand(8, -1).contiguous()
    # This example's first call: the learner's process has just seeded its global generators
    # with 0 (grading.harness.target), so without a generator the ids are those that torch's
    # global generator, seeded 0, draws; Python's random, seeded alike, draws others.
    drawn = learner.sample_top_p(probs, p)
    expected = ref.sample_top_p(probs, p, torch.Generator().manual_seed(0))
    check_true(isinstance(drawn, torch.Tensor) and drawn.shape == expected.shape and torch.equal(drawn, expected),
               call=call_text(learner.sample_top_p, probs, p),
               problem=f"drew {describe(drawn)} without a generator; torch's global generator, seeded 0 just before "
                       f"this call, draws {expected.tolist()}",
               hint=lambda: _global_draw_hint(probs, p, drawn))
    call = call_text(learner.sample_top_p, probs, p, _generator(seed))
    first = learner.sample_top_p(probs, p, _generator(seed))
    again = learner.sample_top_p(probs, p, _generator(seed))
    if not (isinstance(first, torch.Tensor) and first.shape == (8,) and first.dtype == torch.int64):
        raise Mismatch(call, f"the result is {describe(first)}, expected int64 token ids of shape (8,)",
                       "return one int64 token id per row, shape (batch,)")
    keep = ref.top_p_mask(row, p)
    outside = [int(i) for i in first if not (0 <= int(i) < len(values)) or not bool(keep[int(i)])]
    check_true(not outside, call=call,
               problem=f"drew token(s) {outside[:3]} outside the nucleus (which holds ids {keep.nonzero().flatten().tolist()[:8]})",
               hint=lambda: _sample_hint(probs, p, seed, first))
    check_true(torch.equal(first, again), call=call,
               problem=f"two calls with generators seeded alike gave {first.tolist()} and {again.tolist()}",
               hint="pass generator=generator to torch.multinomial, so a seeded generator decides the draw")
