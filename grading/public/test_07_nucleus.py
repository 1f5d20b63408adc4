"""Public tests for exercises 11 and 12 (exercises/nucleus.py). Run: decodelab check top_p / sample_top_p"""
import math

import pytest
import torch

from grading.harness.compare import UNIT_RANGE_REASONS, call_text, check_tensor, check_true, describe, expect_error


# Where only the most probable token of a two-token nucleus was drawn, the other is the one
# whose running total passes p: a nucleus built with `cumsum <= p` leaves it out.
_CROSSING = ("id {token} never came, and it is the token whose running total passes p as it joins the nucleus: "
             "the nucleus keeps it (a token stays when the mass ranked ABOVE it is below p)")


def _check_ids(got, batch: int, call: str) -> None:
    """``got`` must be int64 token ids of shape ``(batch,)``."""
    check_true(isinstance(got, torch.Tensor) and tuple(got.shape) == (batch,) and got.dtype == torch.int64,
               call=call, problem=f"the result is {describe(got)}, expected int64 token ids of shape ({batch},)",
               hint="return (batch,) int64 ids: squeeze the axis torch.multinomial adds")


@pytest.mark.top_p
def test_top_p_worked_example(learner):
    probs = torch.tensor([0.1, 0.5, 0.15, 0.25])
    # Ranked: 0.5 (id 1), 0.25 (id 3), 0.15 (id 2), 0.1 (id 0); mass above each: 0, 0.5, 0.75, 0.9.
    # p = 0.7 keeps ids 1 and 3 (0.25 crosses 0.7 and is kept); p = 0.8 also keeps id 2.
    for p, expected in ((0.7, [False, True, False, True]), (0.8, [False, True, True, True])):
        got = learner.top_p_mask(probs, p)
        check_tensor(got, torch.tensor(expected), call=call_text(learner.top_p_mask, probs, p),
                     hint="keep a token when the mass ranked above it is below p; the mask is in vocabulary order")


@pytest.mark.top_p
def test_top_p_keeps_the_token_that_crosses_p(learner):
    probs = torch.tensor([0.3, 0.6, 0.1])
    # 0.6 alone is short of 0.65; 0.3 crosses it and must be kept; 0.1 has 0.9 above it.
    got = learner.top_p_mask(probs, 0.65)
    check_tensor(got, torch.tensor([True, True, False]), call=call_text(learner.top_p_mask, probs, 0.65),
                 hint="the token that crosses p must be kept")


@pytest.mark.top_p
def test_top_p_zero_keeps_only_the_most_probable_token(learner):
    probs = torch.tensor([0.2, 0.1, 0.4, 0.3])
    got = learner.top_p_mask(probs, 0.0)
    check_tensor(got, torch.tensor([False, False, True, False]), call=call_text(learner.top_p_mask, probs, 0.0),
                 hint="the most probable token is always kept, even when p = 0")


@pytest.mark.top_p
def test_top_p_a_tie_at_the_cut_keeps_one_of_them(learner):
    probs = torch.tensor([0.5, 0.2, 0.1, 0.2])
    # p = 0.6: ranked 0.5, then the two 0.2 in either order; the first of them has 0.5 above it
    # (kept), the second 0.7 (dropped). Either of ids 1 and 3 may be the one kept.
    got = learner.top_p_mask(probs, 0.6)
    call = call_text(learner.top_p_mask, probs, 0.6)
    check_true(isinstance(got, torch.Tensor) and got.dtype == torch.bool and tuple(got.shape) == (4,), call=call,
               problem=f"the result is {describe(got)}, expected a bool tensor of shape (4,)",
               hint="one bool per token, in vocabulary order")
    kept = got.nonzero().flatten().tolist()
    check_true(kept in ([0, 1], [0, 3]), call=call,
               problem=f"keeps ids {kept}, expected id 0 and exactly one of the tied ids 1 and 3",
               hint="decide by the mass ranked above each token, not by its probability's value: "
                    "tied tokens are ranked one after the other")


@pytest.mark.top_p
def test_top_p_decides_each_row_on_its_own(learner):
    probs = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]])
    # p = 0.6: row 0 keeps only id 0 (0.7 >= 0.6); row 1 keeps ids 1 and 2 (0.5 + 0.4).
    got = learner.top_p_mask(probs, 0.6)
    expected = [[True, False, False], [False, True, True]]
    check_tensor(got, torch.tensor(expected),
                 call=call_text(learner.top_p_mask, probs, 0.6),
                 hint=lambda: _batch_hint(learner, probs, 0.6, got, expected))


def _batch_hint(learner, probs: torch.Tensor, p: float, got, expected: list) -> str:
    """Blame the batch only where it is to blame: when each row given alone comes back as it did
    in the batch, the rows were kept apart and the mistake lies in the rule within a row; when each
    row alone comes back right, the rule is right and the batch is to blame."""
    alone: list = []
    try:
        alone = [learner.top_p_mask(row.clone(), p) for row in probs]
        rows_apart = all(isinstance(row, torch.Tensor) and torch.equal(row, batch_row) for row, batch_row in zip(alone, got))
    except Exception:  # noqa: BLE001 (a row alone the learner's code cannot take: say the batch rule)
        rows_apart = False
    if len(alone) == len(expected) and all(isinstance(row, torch.Tensor) and row.tolist() == want
                                           for row, want in zip(alone, expected)):
        return ("each row given alone comes back right, so the rule is fine: the batch is what goes wrong — sort, "
                "add up and put each decision back at its token's position along the last axis only (dim=-1), "
                "each row on its own")
    if rows_apart:
        return ("each row given alone comes back the same, so your rows are kept apart: the rule within a row is "
                "off (the worked example's failure shows it on one row)")
    return "sort and add up along the last axis only: each row is its own distribution"


@pytest.mark.top_p
def test_top_p_rejects_p_above_one(learner):
    expect_error(learner.top_p_mask, ValueError, torch.tensor([0.5, 0.5]), 1.5, must_mention=UNIT_RANGE_REASONS,
                 hint="p must lie in [0, 1]: raise ValueError saying so")


@pytest.mark.top_p
@pytest.mark.parametrize("p", [-0.1, math.nan, "0.9"], ids=["-0.1", "nan", "the string '0.9'"])
def test_top_p_rejects_p_below_zero_or_not_a_number(learner, p):
    expect_error(learner.top_p_mask, ValueError, torch.tensor([0.5, 0.5]), p, must_mention=UNIT_RANGE_REASONS,
                 hint="p must be a number in [0, 1]: nan fails every comparison, and a string is no number "
                      "(comparing it raises TypeError, not ValueError)")


@pytest.mark.sample_top_p
def test_sample_top_p_gives_one_id_per_row(learner):
    probs = torch.tensor([[0.1, 0.5, 0.15, 0.25], [0.25, 0.25, 0.25, 0.25]])
    got = learner.sample_top_p(probs, 0.9, torch.Generator().manual_seed(0))
    call = call_text(learner.sample_top_p, probs, 0.9, torch.Generator())
    _check_ids(got, 2, call)


@pytest.mark.sample_top_p
def test_sample_top_p_never_leaves_the_nucleus(learner):
    probs = torch.tensor([[0.1, 0.5, 0.15, 0.25]]).repeat(500, 1)
    # With p = 0.7 the nucleus is ids 1 and 3: a correct sampler never returns 0 or 2.
    got = learner.sample_top_p(probs, 0.7, torch.Generator().manual_seed(1))
    call = call_text(learner.sample_top_p, probs, 0.7, torch.Generator())
    _check_ids(got, 500, call)
    outside = sorted({int(i) for i in got} - {1, 3})
    check_true(not outside, call=call, problem=f"drew token ids {outside}, which are outside the nucleus {{1, 3}}",
               hint="zero the probabilities outside top_p_mask, and return token ids (not sorted positions)")
    drew = {int(i) for i in got}
    check_true(drew == {1, 3}, call=call, problem=f"in 500 draws only ids {sorted(drew)} came up; both 1 and 3 should",
               hint="draw at random with torch.multinomial, rather than taking the argmax" + (
                   f"; if you do draw at random, {_CROSSING.format(token=3)}" if drew == {1} else ""))


@pytest.mark.sample_top_p
def test_sample_top_p_at_p_zero_is_the_argmax(learner):
    probs = torch.tensor([[0.2, 0.1, 0.4, 0.3], [0.5, 0.3, 0.1, 0.1]])
    got = learner.sample_top_p(probs, 0.0, torch.Generator().manual_seed(2))
    check_tensor(got, torch.tensor([2, 0]), call=call_text(learner.sample_top_p, probs, 0.0, torch.Generator()),
                 hint="with p = 0 the nucleus is the most probable token alone, so the draw is certain")


@pytest.mark.sample_top_p
def test_sample_top_p_repeats_with_the_same_seed(learner):
    probs = torch.softmax(torch.arange(20, dtype=torch.float32) / 4, dim=-1).repeat(8, 1)
    first = learner.sample_top_p(probs, 0.9, torch.Generator().manual_seed(3))
    again = learner.sample_top_p(probs, 0.9, torch.Generator().manual_seed(3))
    check_tensor(again, first, call=call_text(learner.sample_top_p, probs, 0.9, torch.Generator()),
                 hint="pass generator=generator to torch.multinomial")


@pytest.mark.sample_top_p
def test_sample_top_p_draws_in_vocabulary_order(learner):
    probs = torch.tensor([[0.25, 0.1, 0.5, 0.15]]).repeat(50, 1)
    # p = 0.7: ranked 0.5 (id 2), 0.25 (id 0), ... so the nucleus is ids 2 and 0. Zeroing the
    # others IN VOCABULARY ORDER gives these rows; the same seed must then draw the same ids.
    kept = torch.tensor([[0.25, 0.0, 0.5, 0.0]]).repeat(50, 1)
    expected = torch.multinomial(kept, 1, generator=torch.Generator().manual_seed(4)).squeeze(1)
    got = learner.sample_top_p(probs, 0.7, torch.Generator().manual_seed(4))
    call = call_text(learner.sample_top_p, probs, 0.7, torch.Generator())
    _check_ids(got, 50, call)
    check_tensor(got, expected, call=call,
                 hint=lambda: "draw at random with torch.multinomial, rather than taking the argmax; if you do draw at "
                              f"random, {_CROSSING.format(token=0)}" if {int(i) for i in got} == {2} else
                 "zero the tokens outside the nucleus without sorting (torch.where(keep, probs, 0)), then ONE "
                 "torch.multinomial(kept, 1, generator=generator): sorted rows draw other ids from the same seed")


@pytest.mark.sample_top_p
def test_sample_top_p_leaves_probs_alone(learner):
    probs = torch.tensor([[0.1, 0.5, 0.15, 0.25], [0.25, 0.25, 0.25, 0.25]])
    call = call_text(learner.sample_top_p, probs, 0.7, torch.Generator())
    learner.sample_top_p(probs, 0.7, torch.Generator().manual_seed(5))
    changed = learner.arguments_changed_by_last_call()
    check_true(not changed, call=call, problem=f"the call changed {', '.join(changed)} in place",
               hint="zero the dropped tokens in a copy (torch.where), not in probs itself")
