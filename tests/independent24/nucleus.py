"""Twenty-fourth examiner: nucleus.py entries (vLLM and llama.cpp sampler habits)."""
from __future__ import annotations

import math

import torch


def top_p_mask__right_vllm_ascending_cumsum_le_one_minus_p(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: the top-p half of vLLM's ``apply_top_k_top_p`` (the same test as transformers' ``TopPLogitsWarper``), on the given probabilities: sort each row ASCENDING, take the inclusive running total from the least probable token up, drop a token when that total is ``<= 1 - p``, never drop the last (most probable) position (vLLM's ``top_p_mask[:, -1] = False``, written ``[..., -1]`` so any leading axes work), and ``scatter`` the decisions back to vocabulary order. For a row summing to 1 the total up to and including a token is ``1 - mass above it``, so "drop when ``<= 1 - p``" is "keep when mass above ``< p``", the docstring's rule; ``p = 0`` drops everything below the top position and keeps exactly one token, tie or not; at ``p = 1`` only tokens with a running total of exactly 0 (probability 0) are dropped. ``p`` is checked first (numbers only; ``nan`` and values outside [0, 1] raise ``ValueError`` saying so). Agrees with a plain version on: the worked example (``p`` 0.7 and 0.8), ``p`` 0 and 1 on it, ``[0.4, 0.4, 0.2]`` at ``p = 0`` (one token kept), the tie example ``[0.5, 0.2, 0.1, 0.2]`` at 0.6 (id 0 and one of ids 1, 3), ``[0.5, 0.5, 0, 0]`` at ``p = 1``, the ``ValueError`` cases (1.5, -0.1, ``nan``, ``"0.5"``, ``None``), and 248 of 300 random float32/float64 inputs (1-3 axes, vocab 1-2999, transposed layouts, ``-inf`` logits giving exact zeros, ``p`` in {0, random, 1}; 52 left out for a running total within 1e-4 of ``p`` or, at ``p = 1``, a token in (0, 1e-6)): identical masks, dtype bool, same shape, except that at ``p = 1`` it drops exact zeros which a literal float32 running total (the plain version) kept in 41 of the 62 ``p = 1`` rows because that total stayed just below 1 -- the rounding zone the docstring names."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"top_p_mask: p must be a number in [0, 1], got {p!r}")
    probs_sort, order = torch.sort(probs, dim=-1, descending=False)
    probs_sum = torch.cumsum(probs_sort, dim=-1)
    remove = probs_sum <= 1 - p
    remove[..., -1] = False
    return (~remove).scatter(-1, order, ~remove)


def top_p_mask__right_llamacpp_first_crossing_p_one_returns_early(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: llama.cpp's ``llama_sampler_top_p_apply`` vectorised. After checking ``p`` (numbers only; ``nan`` and values outside [0, 1] raise ``ValueError`` saying so) it returns at once for ``p >= 1`` with every token kept (llama.cpp's ``if (ctx->p >= 1.0f) return;``). Otherwise it sorts each row descending and keeps the ranks up to and including the FIRST one whose inclusive running total is ``>= p`` (llama.cpp's ``if (cum_sum >= p && i + 1 >= min_keep) { last_idx = i + 1; break; }`` with ``min_keep = 1``; all ranks when no total reaches ``p``), and puts the decisions back in vocabulary order. The running total is non-decreasing, so a token is kept exactly when no token ranked above it has brought the total to ``p``: mass above ``< p``, the docstring's rule; ``p = 0`` stops at rank 0 (exactly one token, tie or not). The one place it departs from a literal cumulative sum is ``p = 1``, where it keeps also tokens of probability 0; the docstring puts that case in the rounding zone ("at ``p = 1`` that means tail tokens of probability below that, floating-point rounding decides": the mass above such a token lands on ``p``). See the README's ambiguities. Agrees with a plain version on: the worked example (``p`` 0.7 and 0.8), ``p = 0`` and ``p = 1`` on it, ``[0.4, 0.4, 0.2]`` at ``p = 0``, the tie example at 0.6, the ``ValueError`` cases (1.5, -0.1, ``nan``, ``"0.5"``, ``None``), and 242 of 300 random float32/float64 inputs (1-3 axes, vocab 1-2999, transposed layouts, ``p`` in {0, random, 1}; 58 left out for a running total within 1e-4 of ``p`` or, at ``p = 1``, a token below 1e-6, zero included): identical masks (60 of them at ``p = 1``). At ``p = 1`` on ``[0.5, 0.5, 0.0, 0.0]`` it keeps all four where the plain version keeps two."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"top_p_mask: p must be a number in [0, 1], got {p!r}")
    if p >= 1:
        return torch.ones_like(probs, dtype=torch.bool)
    probs_sort, order = torch.sort(probs, dim=-1, descending=True)
    cum_sum = torch.cumsum(probs_sort, dim=-1)
    crossed = cum_sum >= p
    vocab = probs.shape[-1]
    first = torch.where(crossed.any(dim=-1, keepdim=True),
                        crossed.int().argmax(dim=-1, keepdim=True),
                        torch.full_like(order[..., :1], vocab - 1))
    rank = torch.arange(vocab, device=probs.device).expand_as(order)
    keep_sorted = rank <= first
    return keep_sorted.scatter(-1, order, keep_sorted)


def sample_top_p__wrong_llamacpp_compacted_candidates(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """WRONG: ports llama.cpp's candidate array (``llama_token_data_array``, which samplers shrink by setting ``size``): per row, the nucleus ``top_p_mask(probs, p)`` (inline, exact rule) picks the surviving ids, kept in VOCABULARY order as the docstring's pitfall asks (``keep.nonzero()``), ``torch.multinomial`` draws from the compacted probabilities ``row[keep]`` with ``generator=generator``, and the drawn position is mapped back to its id. Every draw is inside the nucleus with the right probabilities (0.5/0.75 for id 1 in the worked example, ``p = 0`` always id 1), ``probs`` is not changed, the same seed repeats and the result is ``(batch,)`` int64. But ``multinomial`` sees a shorter row (and one call per row, not one for the batch), so it spends and pairs its random numbers differently from a call on the zeroed full row: under the same seed it draws other ids. Violates: "Do it this way, so that your draws can be compared with the reference token for token under the same seeded generator." [witness: ``probs = torch.tensor([[0.1, 0.5, 0.15, 0.25]])``, ``p = 0.7``, ``torch.Generator().manual_seed(s)`` for s in 0..199: the ids differ from plain for 115 of the 200 seeds (both only ever 1 or 3).]"""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"sample_top_p: p must be a number in [0, 1], got {p!r}")
    probs_sort, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    above = torch.cumsum(probs_sort, dim=-1) - probs_sort
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    keep = keep_sorted.scatter(-1, order, keep_sorted)
    out = []
    for row, row_keep in zip(probs, keep):
        ids = row_keep.nonzero()[:, 0]
        pick = torch.multinomial(row[row_keep], num_samples=1, generator=generator)
        out.append(ids[pick])
    return torch.cat(out).to(torch.int64)
