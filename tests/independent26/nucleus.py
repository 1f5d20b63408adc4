"""Twenty-sixth examiner: nucleus.py entries (it works on the bundled model)."""
from __future__ import annotations

import torch


def _sample_top_p__wrong_fills_fresh_zeros_buffer_mask(probs, p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not (0 <= p <= 1):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    values, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    above = torch.cumsum(values, dim=-1) - values
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, keep_sorted)


def sample_top_p__wrong_fills_fresh_zeros_buffer(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: the NumPy habit ``kept = np.zeros(shape); kept[keep] = probs[keep]`` in torch: ``kept = torch.zeros(probs.shape)`` and ``kept[keep] = probs[keep]`` -- a fresh buffer in vocabulary order that leaves ``probs`` untouched, then one ``torch.multinomial(kept, 1, generator=generator)`` and ``squeeze(-1)``; the nucleus is the docstring's rule (``p`` checked). ``torch.zeros`` with no ``dtype=``/``device=`` is float32 on the CPU: for the tiny model's float32 CPU probabilities that is ``torch.where(keep, probs, 0)`` exactly, so every seeded draw agrees. For probabilities of any other dtype (bfloat16/float16 from a half-precision model, float64) the index put ``kept[keep] = probs[keep]`` refuses a source of another dtype (torch 2.13) and the call raises; on a GPU the buffer would also sit on the CPU (not measured: no device machine). Violates: "zero the probabilities outside the nucleus, keeping the vocabulary order and the dtype (``torch.where(keep, probs, 0)`` — do not change ``probs`` itself)." [witness: the softmax of the last-position logits of the tiny model's bfloat16 copy for 4 prompts ("The capital of Japan is" with and without ``<s>``, "Once upon a time,", "日本の首都は"), ``p = 0.9``, seed 0: in bfloat16, in float16 and (the float32 rows) in float64 WRONG raises ``RuntimeError: Index put requires the source and destination dtypes match, got Float for the destination and BFloat16 for the source`` (resp. Half, Double); plain draws ``[19887, 264, 30366, 19887]`` (``▁Tokyo``, ``▁a``, ``東``, ``▁Tokyo``). On float32 rows WRONG equals plain for 200 seeds x ``p`` 0.5/0.9/1.0; the worked example keeps to ids 1 and 3 (id 1 in 0.720 of 300 seeds), ``p = 0`` always gives 1.]"""
    keep = _sample_top_p__wrong_fills_fresh_zeros_buffer_mask(probs, p)
    kept = torch.zeros(probs.shape)
    kept[keep] = probs[keep]
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)
