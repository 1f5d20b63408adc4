"""Reference: the top-p (nucleus) keep mask and sampling from the nucleus.

Built on transformers' :class:`TopPLogitsWarper`, the filter ``generate(do_sample=True,
top_p=...)`` applies, so it is independent of ``solutions/``.

The rule (issue 3): rank the tokens of a row by probability, highest first; keep a token when
the total probability of the tokens ranked above it is less than ``p``; the most probable
token is always kept. How the warper implements the same rule: it sorts *ascending* and
removes a token when the ascending cumulative sum up to and including it is ``<= 1 - p``.
That sum is ``1 - (mass ranked above the token)``, so "remove when ``1 - above <= 1 - p``" is
"keep when ``above < p``" — the same decision in exact arithmetic. Its ``min_tokens_to_keep=1``
keeps the last of the ascending order, the most probable token, which is what makes ``p = 0``
keep exactly one token. At ``p = 1`` it removes only tokens whose ascending cumulative sum is
exactly 0, the tokens of probability 0; the rule agrees (``above = 1`` is not ``< 1``). So no
special case is needed at either end; ``tests/test_reference_nucleus.py`` checks both ends
against an independent float64 implementation of the rule.

Where the rule and any float implementation can disagree, and the suites never test:
    - exact ties: which of several equally probable tokens is "ranked above" the other is
      not defined (the warper's sort decides), so a tie at the cut can go either way;
    - float-rounding boundaries: when a cumulative sum is within rounding error of ``p``
      (float32 sums of 32000 terms are off by ~1e-6) a different summation order can move
      the cut by one token. The suites choose ``p`` at least :data:`BOUNDARY_MARGIN` away from
      every cumulative sum (:func:`away_from_boundaries`).

The warper runs on ``log(probs)`` in float64, so the decisions here are as exact as the input.
"""
from __future__ import annotations

import math

import torch
from transformers.generation.logits_process import TopPLogitsWarper

# How far every cumulative sum of a row (sorted highest first) must be from p in the suites.
BOUNDARY_MARGIN = 1e-4


def check_p(p: float) -> float:
    """``p`` as a float; raises ``ValueError`` unless it is a real number in [0, 1]."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= float(p) <= 1.0:
        # `not 0 <= p <= 1` is also True for nan, which must be rejected too.
        raise ValueError(f"top-p threshold p must be a number in [0, 1], got {p!r}")
    return float(p)


def top_p_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Which tokens top-p keeps: ``(..., vocab)`` probabilities -> bool ``(..., vocab)``, True = keep.

    Each row is decided on its own, in vocabulary order, by ``TopPLogitsWarper(top_p=p,
    min_tokens_to_keep=1)`` applied to ``log(probs)`` in float64 (see the module docstring for
    why that is exactly the documented rule, and where floats make the rule ambiguous).
    Raises ``ValueError`` for ``p`` outside [0, 1].
    """
    p = check_p(p)
    vocab = probs.shape[-1]
    flat = probs.detach().reshape(-1, vocab).to(torch.float64)
    scores = torch.log(flat)  # probability 0 -> -inf, which the warper leaves removed
    warped = TopPLogitsWarper(top_p=p, min_tokens_to_keep=1)(None, scores)
    keep = warped != -math.inf
    return keep.reshape(probs.shape)


def sample_top_p(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """One token id per row, drawn from the nucleus: ``(batch, vocab)`` -> int64 ``(batch,)``.

    Exactly the documented draw: zero the probabilities outside :func:`top_p_mask`, keep the
    vocabulary order and the dtype, and call ``torch.multinomial(kept, num_samples=1,
    generator=generator)`` once for the whole batch. (``multinomial`` normalises each row
    itself; it draws ``argmax(kept / q)`` with ``q ~ Exp(1)`` per entry, so the same generator
    state gives the same ids for renormalised or unnormalised rows up to float rounding.)
    """
    if probs.dim() != 2:
        raise ValueError(f"probs must be (batch, vocab), got shape {tuple(probs.shape)}")
    keep = top_p_mask(probs, p)
    kept = probs.masked_fill(~keep, 0.0)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(1)


def nucleus_distribution(probs: torch.Tensor, p: float) -> torch.Tensor:
    """The distribution :func:`sample_top_p` draws from: the nucleus renormalised, float64."""
    kept = probs.detach().to(torch.float64).masked_fill(~top_p_mask(probs, p), 0.0)
    return kept / kept.sum(dim=-1, keepdim=True)


def boundary_distance(probs: torch.Tensor, p: float) -> float:
    """How close ``p`` comes to a decision of the rule, over every row: a float64 distance.

    The rule compares the mass ranked above each token with ``p``; for every token but the
    most probable one (always kept) that mass is a cumulative sum of the row sorted highest
    first, excluding the row's total. The result is the smallest ``|sum - p|`` over those
    sums. Below a few times 1e-6, two correct float implementations may cut a row at
    different tokens (at ``p = 1`` that happens for any token of probability below the
    rounding error, and for tokens of probability 0).
    """
    flat = probs.detach().reshape(-1, probs.shape[-1]).to(torch.float64)
    above = flat.sort(dim=-1, descending=True).values.cumsum(dim=-1)[:, :-1]
    if above.numel() == 0:  # a vocabulary of one token: nothing to decide
        return math.inf
    return float((above - p).abs().min())


def away_from_boundaries(probs: torch.Tensor, p: float, margin: float = BOUNDARY_MARGIN) -> float:
    """The value nearest ``p`` (in steps of ``margin``, within [0, 1]) that is ``margin`` from every decision.

    The suites call this so that a test never lands on a float-rounding boundary of the rule
    (see :func:`boundary_distance`). Rows with exact ties are the caller's to avoid. Raises
    ``ValueError`` when no such value lies within ``500 * margin`` of ``p``.
    """
    p = check_p(p)
    for step in range(0, 501):
        for candidate in (p - step * margin, p + step * margin):
            if 0.0 <= candidate <= 1.0 and boundary_distance(probs, candidate) >= margin:
                return candidate
    raise ValueError(f"no top-p threshold within {500 * margin:g} of {p} is {margin:g} away from every decision")
