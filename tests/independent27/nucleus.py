"""Twenty-seventh examiner: nucleus.py entries (the over-cautious learner)."""
from __future__ import annotations

import math

import torch


def top_p_mask__wrong_row_sum_check_rejects_half_precision(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: checks ``p`` (``ValueError`` saying it must be a number in [0, 1]) and ALSO the docstring's "each row summing to 1": every row is added up in float32 and must be within ``1e-5`` of 1 ("32000 float32 terms round by about 1e-6, so 1e-5 is generous"), else ``ValueError``. Then the rule itself is right: descending sort, mass above each token ``cumsum - p_i`` compared with ``p`` (``< p``), rank 0 always kept, decisions scattered back to vocabulary order along ``dim=-1``. Every worked example and float32 row passes, but a half-precision row, which the docstring says may add up to 0.999, is refused instead of masked. Violates: "returns: a ``torch.bool`` tensor of the same shape as ``probs``, on the same device." [witness: the tiny model's softmax for "Once upon a time," at ``T = 1``, cast to bfloat16: its row adds up (in float32) to 1 + 1.17e-3, and ``p = 0.9``: ``ValueError: probs rows must sum to 1 ...``; plain returns a ``(1, 32000)`` bool mask keeping 5 tokens. The float16 cast of the same row (off by -6.18e-5), and both casts for "The capital of Japan is" (-7.6e-5, -8.17e-5) and "明日の天気は" (+2.66e-3, -2.65e-5): ``ValueError`` too, 6 of 6 half-precision rows. Equal to plain: ``[F, T, F, T]`` for ``p = 0.7``, id 2 joins at ``p = 0.8``, the tie example ``[0.5, 0.2, 0.1, 0.2]`` at ``p = 0.6`` (3 kept), ``p = 0`` one token, ``ValueError`` for ``p`` 1.5, -0.1, ``nan``; float32 rows of the tiny model at ``p`` 0.5, 0.9, 1.0.]"""
    if not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    totals = probs.float().sum(dim=-1)
    if not torch.all((totals - 1).abs() <= 1e-5):
        raise ValueError(f"probs rows must sum to 1 (within 1e-5); largest error {(totals - 1).abs().max().item():.3g}")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def _sample_top_p__right_value_error_subclass_guarded_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    if not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        invalid_top_p = type("InvalidTopP", (ValueError,), {})
        raise invalid_top_p(f"p must be a number in [0, 1], got {p!r}")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def sample_top_p__right_value_error_subclass_guarded(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """RIGHT: validation of its own, before any work: ``p`` outside [0, 1] or not a number raises ``InvalidTopP``, a subclass of ``ValueError`` made on the spot (``except ValueError`` catches it, as the docstring's "raises ``ValueError``" allows); asserts that ``probs`` is 2-D and that a given generator lives on ``probs.device`` (both promised by the Shapes section, so they never fire); ``probs`` is never written (the mask is scattered into a fresh tensor). Then the docstring's steps: the nucleus mask in vocabulary order, ``torch.where(keep, probs, 0)`` in ``probs``' dtype, ONE ``torch.multinomial(kept, num_samples=1, generator=generator)`` for the batch, trailing axis dropped (int64 ``(batch,)``). Agrees with a plain version on: the worked example ``[[0.1, 0.5, 0.15, 0.25]]`` at ``p`` 0.7 (200 seeds, ids 1/3 only) and 0 (always 1); the tiny model's float32 softmax rows of 3 prompts as one ``(3, 32000)`` batch at ``p`` 0.5, 0.9 and 1.0 (100 seeds each); the same rows in bfloat16 at ``p = 0.9`` (100 seeds); a ``(5, 7)`` random float64 batch at ``p = 0.6`` (100 seeds) -- every draw equal (checks/check_entries.log); ``ValueError`` for ``p`` 1.5, -0.1, ``nan``."""
    keep = _sample_top_p__right_value_error_subclass_guarded_mask(probs, p)
    assert probs.dim() == 2, "probs must be (batch, vocab)"
    assert generator is None or generator.device.type == probs.device.type, "generator on another device"
    kept = torch.where(keep, probs, 0)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)
