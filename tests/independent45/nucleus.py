"""Forty-fifth examiner: nucleus.py entries (the learner who works in log space).

The ``sample_top_p`` entries call ``top_p_mask`` by name, as step 1 says: graded, that is the
solution module's own; ``checks/check_entries.py`` puts ``checks/plain.py``'s there.
"""
from __future__ import annotations

import math
import numbers

import torch


def _check_p(p) -> None:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not (0 <= p <= 1):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")


def top_p_mask__wrong_log_renormalise_over_first_axis(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: the log-space learner does not trust "each row summing to 1" (half-precision rows add up to 0.999) and renormalises first, in log space: ``logp = log(probs)`` (float64), ``logp = logp - logp.logsumexp(dim=0, keepdim=True)`` -- ``dim=0`` written while trying the 1-D worked example, where axis 0 IS the vocabulary. Then the rule is done right in log space: sort each row (``dim=-1``), the mass above each ranked token as an EXCLUSIVE ``torch.logcumsumexp`` (``-inf`` in front), kept where it is below ``log(p)`` (``-inf`` for ``p = 0``), rank 0 forced, decisions scattered back to vocabulary order; ``p`` checked (``ValueError``). For a 1-D row the renormalisation is a no-op (up to rounding), but for a batch ``(B, vocab)`` it normalises every COLUMN across the batch, so each row is cut on numbers that mix in the other rows. Violates: "every row of a batch is decided on its own." (and the Pitfall "Cumulating over the wrong axis (or over the whole batch): sum along ``dim=-1``", here in the log-space normaliser). [witness: the batch ``[[0.1, 0.5, 0.15, 0.25], [0.25, 0.15, 0.5, 0.1]]``, ``p = 0.7`` -> ``[[F, T, F, F], [F, F, T, F]]``; plain ``[[F, T, F, T], [T, F, T, F]]``; a random ``(3, 40)`` softmax batch at ``p = 0.9`` keeps ``[1, 1, 1]`` tokens, plain ``[13, 7, 4]``; even the worked example as a one-row batch ``(1, 4)`` at 0.7 keeps one token, id 0 (every log-probability becomes 0, so all tie), plain ids 1 and 3. Passes: the worked example (1-D) at ``p`` 0.7 and 0.8, ``p = 0`` one token, ``p = 1``, the tie ``[0.5, 0.2, 0.1, 0.2]`` at 0.6 keeps 2, ``p`` -0.1 / 1.5 / nan ``ValueError``, and the tiny model's 1-D softmax at ``p`` 0.5/0.9 (checks/check_entries.log).]"""
    _check_p(p)
    logp = torch.log(probs.to(torch.float64))
    logp = logp - torch.logsumexp(logp, dim=0, keepdim=True)  # "make each row sum to exactly 1"
    sorted_logp, order = torch.sort(logp, dim=-1, descending=True)
    incl = torch.logcumsumexp(sorted_logp, dim=-1)
    pad = torch.full_like(incl[..., :1], float("-inf"))
    above = torch.cat([pad, incl[..., :-1]], dim=-1)        # log of the mass ranked above
    log_p = float("-inf") if p == 0 else math.log(p)
    keep_sorted = above < log_p
    keep_sorted[..., 0] = True
    return torch.zeros(probs.shape, dtype=torch.bool, device=probs.device).scatter(-1, order, keep_sorted)


def top_p_mask__right_log_space_p_one_keeps_all(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: the rule in log space and float64, with ``p``'s logarithm handled at both ends: ``p`` checked (``ValueError`` for ``p`` outside [0, 1], ``nan``, strings, bools); ``log(1) = 0`` and every log-mass is ``<= 0``, so ``p = 1`` returns all ``True`` at once ("everything is below the whole"); ``p = 0`` has ``log(0) = -inf``, which no mass is below, so only the forced rank 0 survives (exactly one token, also among ties). Otherwise each row (``dim=-1``) is sorted, the log of the mass above each ranked token is an exclusive ``torch.logcumsumexp`` of the sorted log-probabilities (``-inf`` in front), kept where it is ``< math.log(p)``, and scattered back to vocabulary order, on ``probs``' device. At ``p = 1`` it also keeps zero-probability tokens, which the docstring leaves to rounding ("at ``p = 1`` that means tail tokens of probability below that, 0 included, floating-point rounding decides"). Agrees with a plain version on: the worked example at 0.7 and 0.8, ``p = 0`` on ``[0.3, 0.3, 0.4]`` and ``[0.5, 0.5]`` (one token), ``p = 1`` on rows without zeros, the tie ``[0.5, 0.2, 0.1, 0.2]`` at 0.6 (2 kept), the ``(2, 4)`` batch, a transposed ``(4, 3)`` batch, random ``(3, 40)`` batches at 0.3/0.9, float64 rows, the tiny model's softmax at 0.5/0.9 (and at ``p = 1`` every token of probability above 1e-6), and the ``ValueError`` cases (checks/check_entries.log)."""
    _check_p(p)
    if p == 1:
        return torch.ones(probs.shape, dtype=torch.bool, device=probs.device)
    logp = torch.log(probs.to(torch.float64))
    sorted_logp, order = torch.sort(logp, dim=-1, descending=True)
    incl = torch.logcumsumexp(sorted_logp, dim=-1)
    above = torch.cat([torch.full_like(incl[..., :1], float("-inf")), incl[..., :-1]], dim=-1)
    log_p = float("-inf") if p == 0 else math.log(p)
    keep_sorted = above < log_p
    keep_sorted[..., 0] = True
    return torch.zeros(probs.shape, dtype=torch.bool, device=probs.device).scatter(-1, order, keep_sorted)


def sample_top_p__wrong_gumbel_max_from_uniforms(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: samples with the Gumbel-max trick, the log-space learner's favourite ("argmax of log-probability plus Gumbel noise is a draw from the softmax"): ``keep = top_p_mask(probs, p)``, ``kept = torch.where(keep, probs, 0)`` (``probs`` untouched), ``u = torch.rand(kept.shape, generator=generator)`` -- the caller's generator, one number per vocabulary entry -- ``g = -log(-log(u))`` and ``argmax(log(kept) + g, dim=-1)``. ``log(0) = -inf`` keeps every token outside the nucleus out, and the distribution is exactly the renormalised nucleus, so it never leaves the nucleus and its frequencies are right. But the ids are not those ``torch.multinomial`` draws from the same seeded generator: ``multinomial`` consumes the stream through ``exponential_``, not ``rand``, so the same seed gives other tokens. Violates: "Do it this way, so that your draws can be compared with the reference token for token under the same seeded generator. What is graded is the ids drawn" (step 3, ``torch.multinomial(kept, num_samples=1, generator=generator)``). [witness: ``[[0.1, 0.5, 0.15, 0.25]]``, ``p = 0.7``, seeds 0..199 one draw each: the id differs from plain's for 79 of 200 seeds; a ``(4, 50)`` softmax batch at ``p = 0.9``, seed 0 -> ``[21, 1, 40, 28]``, plain ``[41, 24, 28, 0]``. Passes: ``p = 0`` always ``[1]``, never 0 or 2 at ``p = 0.7`` and id 1 in about 2/3 of 2000 seeds (in the log), shape ``(batch,)`` int64, the same seed twice gives the same ids, ``probs`` unchanged (checks/check_entries.log).]"""
    keep = top_p_mask(probs, p)  # noqa: F821 -- the module's own top_p_mask
    kept = torch.where(keep, probs, 0)
    work = torch.promote_types(kept.dtype, torch.float32)
    u = torch.rand(kept.shape, generator=generator, dtype=work, device=kept.device)
    gumbel = -torch.log(-torch.log(u))
    return torch.argmax(torch.log(kept.to(work)) + gumbel, dim=-1)


def sample_top_p__right_log_space_exponential_race(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """RIGHT: the same Gumbel-max idea written with the random numbers ``torch.multinomial`` itself uses for one sample: steps 1 and 2 as listed (``keep = top_p_mask(probs, p)``, ``kept = torch.where(keep, probs, 0)``, vocabulary order and dtype kept, ``probs`` untouched), then ``e = torch.empty_like(kept).exponential_(generator=generator)`` -- one Exp(1) number per entry, in ``kept``'s dtype, from the caller's generator (torch's global one for ``None``) -- and ``argmax(log(kept) - log(e), dim=-1)``: ``-log(e)`` is Gumbel noise, and ``log`` is increasing, so this is the argmax of ``kept / e``, which is how PyTorch's ``multinomial`` draws one sample (the "exponential race"). ``log(0) = -inf`` keeps the tail out. Same draws as step 3 for the same seeded generator, except where two ratios ``kept / e`` are within float rounding of each other (not seen in the log). Agrees with a plain version on: ``[[0.1, 0.5, 0.15, 0.25]]`` at ``p`` 0.7 and 0, seeds 0..199 each; ``(4, 50)`` softmax batches at ``p`` 0.3/0.9/1.0 for 50 seeds in float32 and float64; ``generator=None`` after ``torch.manual_seed`` for 20 seeds (and the global generator left in the same state); the tiny model's softmax at ``p = 0.9`` for 50 seeds (checks/check_entries.log)."""
    keep = top_p_mask(probs, p)  # noqa: F821 -- the module's own top_p_mask
    kept = torch.where(keep, probs, 0)
    e = torch.empty_like(kept).exponential_(generator=generator)
    return torch.argmax(torch.log(kept) - torch.log(e), dim=-1)
