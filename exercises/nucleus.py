"""Exercises 11 and 12: top-p (nucleus) sampling.

Top-k keeps a fixed number of candidates. Top-p adapts the number to the model's confidence:
it keeps the smallest set of most probable tokens whose probabilities add up to at least
``p`` — the *nucleus* (Holtzman et al., 2019, "The Curious Case of Neural Text
Degeneration"). When the model is sure, the nucleus is one or two tokens; when it hesitates,
it holds many. Sampling then draws only from the nucleus, so the long tail of unlikely
tokens, which is where nonsense comes from, never gets a chance.

Run ``decodelab check top_p`` / ``decodelab check sample_top_p`` to test your work.
"""
from __future__ import annotations

import torch


def top_p_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Return which tokens top-p keeps: a bool mask, ``True`` = keep, in vocabulary order.

    The rule: rank the tokens of a row by probability, highest first. Keep a token when the
    total probability of the tokens ranked *above* it is less than ``p``. Consequences:
    the token whose probability makes the running total cross ``p`` is kept; the most
    probable token is always kept, so ``p = 0`` keeps exactly one token (one, also when
    several tie for the largest probability); ``p = 1`` keeps every token of non-zero
    probability (up to rounding, see below); and every row of a batch is decided on its own.

    Why it matters: this mask is what ``generate(do_sample=True, top_p=...)`` applies before
    drawing. The seed notebook compares ``top_p=0.2`` (almost greedy) with ``top_p=0.9``
    (varied, and sometimes off the rails).

    Shapes:
        probs: ``(..., vocab)`` probabilities, each row summing to 1; any leading axes,
            contiguous or not (a batch whose axes were swapped with ``transpose`` too).
        p: a number in [0, 1].
        returns: a ``torch.bool`` tensor of the same shape as ``probs``, on the same device.

    Example:
        ``probs = torch.tensor([0.1, 0.5, 0.15, 0.25])``, ``p = 0.7``.
        Ranked: 0.5 (id 1), 0.25 (id 3), 0.15 (id 2), 0.1 (id 0).
        Mass above each: 0.0, 0.5, 0.75, 0.9. Kept where it is below 0.7: ids 1 and 3.
        (0.5 alone is not enough; 0.25 crosses 0.7 and is kept; then the total is 0.75.)
        Result, in vocabulary order: ``tensor([False, True, False, True])``.
        With ``p = 0.8`` id 2 joins (mass above it 0.75 < 0.8).

    Edge cases:
        - ``p`` outside [0, 1] (or not a number) raises ``ValueError`` saying so.
        - Tokens of equal probability may be ranked in either order. Where tied tokens
          straddle the cut, the rule keeps as many of them as it says, and which ones depends
          on the order your sort gave them: either choice is accepted. ``[0.5, 0.2, 0.1, 0.2]``
          with ``p = 0.6`` keeps id 0 and exactly one of ids 1 and 3.
        - Where a running total lands on ``p`` or within float rounding of it (about 1e-6 for
          32000 float32 terms; at ``p = 1`` that means tail tokens of probability below
          that, 0 included), floating-point rounding decides. Everywhere else transformers'
          ``TopPLogitsWarper`` makes exactly the decisions of this rule. The tests stay at
          least 1e-4 away from such spots. Half-precision rows (``float16``, ``bfloat16``)
          round far more coarsely (a row may add up to 0.999, running totals drift by 1e-3
          and more): which tokens they keep near the cut, or at ``p = 1``, depends on the
          precision you add them up in, so for them only the mask's shape, dtype and device
          are graded.

    Pitfalls:
        - Dropping the crossing token: ``cumsum <= p`` keeps too few (with ``p = 0.7`` above
          it would keep only id 1, whose 0.5 falls short of 0.7). Compare the mass *above* the
          token (the cumulative sum minus the token itself) with ``p``.
        - Returning the mask in sorted order: ``torch.sort`` gives you the order; put each
          decision back at its token's position (``scatter``, or indexing with the order).
        - Cumulating over the wrong axis (or over the whole batch): sum along ``dim=-1``.
    """
    raise NotImplementedError("top_p_mask: see the docstring")


def sample_top_p(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Draw one token id per row from the nucleus of ``probs``.

    Do it this way, so that your draws can be compared with the reference token for token
    under the same seeded generator. What is graded is the ids drawn: another route to the
    same draws passes too (``replacement=True`` changes nothing for one sample), but these
    steps are the one sure to give them:

    1. ``keep = top_p_mask(probs, p)``;
    2. zero the probabilities outside the nucleus, keeping the vocabulary order and the dtype
       (``torch.where(keep, probs, 0)`` — do not change ``probs`` itself). The dtype is a means,
       not a rule of its own: what is graded is the ids drawn, and ``torch.multinomial`` given
       other numbers (float64 ones, say) may draw other ids;
    3. call ``torch.multinomial(kept, num_samples=1, generator=generator)`` once, for the
       whole batch, and drop the trailing axis.

    You need not renormalise the kept probabilities to sum to 1: ``torch.multinomial``
    normalises each row itself (dividing first is allowed and gives the same draws).

    Why it matters: this is the step that turns a distribution into text. Passing a seeded
    ``torch.Generator`` makes the randomness repeatable: the same seed gives the same tokens.

    Shapes:
        probs: ``(batch, vocab)`` probabilities, rows summing to 1.
        p: a number in [0, 1]; anything else raises ``ValueError`` (step 1 does it for you:
            ``top_p_mask`` checks ``p``).
        generator: a ``torch.Generator`` on ``probs.device``, or None for torch's global one.
        returns: ``(batch,)`` int64 token ids, each inside its row's nucleus.

    Example:
        ``probs = torch.tensor([[0.1, 0.5, 0.15, 0.25]])``, ``p = 0.7``: the nucleus is ids 1
        and 3, so the result is ``tensor([1])`` about two thirds of the time
        (0.5 / 0.75) and ``tensor([3])`` otherwise — never 0 or 2.
        With ``p = 0`` it is always ``tensor([1])``.

    Pitfall:
        The seed notebook's sampler draws from the *sorted* probabilities; the drawn index is
        then a rank (0 = most probable), not a token id. Drawing in vocabulary order, as above,
        avoids the mapping back altogether. And pass ``generator=generator`` to
        ``torch.multinomial``, or seeded runs will not repeat.
    """
    raise NotImplementedError("sample_top_p: see the docstring")
