"""Twenty-ninth examiner: nucleus.py entries (the performance-minded learner)."""
from __future__ import annotations

import numbers

import torch


def _check_p(p):
    if not isinstance(p, numbers.Real) or not (0 <= p <= 1):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")


def top_p_mask__wrong_bfloat16_running_total(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: checks ``p``, sorts each row (``dim=-1``), but takes the running total in bfloat16 ("cumsum is memory-bound: half the bytes, twice the speed"; ``torch.cumsum(sorted.to(torch.bfloat16), -1)``), then subtracts each token in float32 and compares with ``p``; the most probable token is forced, decisions go back with ``scatter``. bfloat16 keeps 8 bits: a running total near 0.7 is off by up to 2e-3, so a token whose mass above lies well clear of ``p`` can land on the wrong side. The worked example survives (0.9 rounds to 0.8984, still far from 0.7 and 0.8). Violates: "Keep a token when the total probability of the tokens ranked *above* it is less than ``p``." (and "Everywhere else transformers' ``TopPLogitsWarper`` makes exactly the decisions of this rule", for float32 rows at least 1e-4 from the cut) [witness: ``probs = torch.softmax(torch.randn(300, generator=torch.Generator().manual_seed(2)), -1)`` (float32), ``p = 0.7``, nearest mass-above 7.05e-4 from ``p``: keeps 98 tokens, plain 97; seed 1, ``p = 0.9`` (margin 7.36e-4): 178, plain 179. Equal to plain: the worked example at 0.7 and 0.8, the tie example (3 kept), ``p = 0`` (one), ``p = 1``, ``ValueError`` for 1.5 / -0.1 / nan (checks/check_entries.log).]"""
    _check_p(p)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    running = torch.cumsum(sp.to(torch.bfloat16), dim=-1).to(sp.dtype)
    keep_sorted = (running - sp) < p
    keep_sorted[..., 0] = True
    mask = torch.zeros(probs.shape, dtype=torch.bool, device=probs.device)
    return mask.scatter_(-1, order, keep_sorted)


def top_p_mask__right_in_place_on_sorted_buffers(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: allocation-lean: ``torch.sort`` (not stable: the docstring lets tied tokens rank either way) gives fresh buffers that the function owns, so the exclusive running total is made IN PLACE on them (``cumsum`` then ``sub_(sorted)``, the same float32 arithmetic as ``cumsum - sorted``), compared into a preallocated bool buffer with ``torch.lt(..., out=)``, the top rank forced, and scattered into ``torch.empty_like(probs, dtype=torch.bool)``, every entry of which ``scatter_`` writes (``order`` is a permutation of each row). ``probs`` itself is never written. Still the docstring's rule on every row, in vocabulary order, along ``dim=-1`` (transposed batches too). Agrees with a plain version on: the worked example (0.7, 0.8), ``p`` 0 and 1, the tie example (3 kept), a transposed ``(5, 3, 7)`` float64 batch at 0.3/0.6/0.9, the tiny model's softmax for 5 prompts at 0.5/0.9/0.99, three 300-token float32 rows at 0.3/0.5/0.7/0.9, ``ValueError`` cases (checks/check_entries.log)."""
    _check_p(p)
    sp, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sp, dim=-1)
    above.sub_(sp)
    keep_sorted = torch.empty(sp.shape, dtype=torch.bool, device=sp.device)
    torch.lt(above, p, out=keep_sorted)
    keep_sorted[..., 0] = True
    mask = torch.empty_like(probs, dtype=torch.bool)
    return mask.scatter_(-1, order, keep_sorted)


def sample_top_p__wrong_draws_from_half_copy(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """WRONG: the three steps, but the zeroed copy is handed to ``torch.multinomial`` as float16 ("multinomial only needs relative weights; half the memory"): ``torch.where(keep, probs, 0).half()``. Never leaves the nucleus and repeats under a seed, but rounding the weights moves the boundaries between tokens, so under the same seeded generator some draws land on another token than the float32 weights give. Violates: "zero the probabilities outside the nucleus, keeping the vocabulary order and the dtype" (the dtype is "a means": "what is graded is the ids drawn, and ``torch.multinomial`` given other numbers ... may draw other ids") [witness: ``probs = torch.softmax(2 * torch.randn(4, 32000, generator=torch.Generator().manual_seed(0)), -1)``, ``p = 0.9``, ``generator=torch.Generator().manual_seed(20)`` -> ``[5833, 22792, 21083, 6535]``; plain ``[23083, 22792, 21083, 6535]`` (seeds 214 and 283 differ too; 3 of 300 seeds). Worked example: only ids 1 and 3, id 1 in about two thirds of 300 seeds, ``p = 0`` always 1 (checks/check_entries.log).]"""
    _check_p(p)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    keep_sorted = (torch.cumsum(sp, dim=-1) - sp) < p
    keep_sorted[..., 0] = True
    keep = torch.zeros(probs.shape, dtype=torch.bool, device=probs.device).scatter_(-1, order, keep_sorted)
    kept = torch.where(keep, probs, 0).half()
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)
