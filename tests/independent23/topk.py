"""Twenty-third examiner: topk.py entries (SciPy habits)."""
from __future__ import annotations

import torch
from scipy.stats import rankdata


def top_k_mask__right_scipy_rankdata_min(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: the SciPy way to rank: ``scipy.stats.rankdata(-scores, method="min", axis=-1)`` on a float64 NumPy copy (every float16/bfloat16/float32 score is exact in float64, so no order changes), and a token is kept when its rank is at most ``k``. With ``method="min"`` all tied scores share the lowest rank of their group, so a token's rank is one plus the number of strictly larger scores of its row: rank <= k is exactly "at least the k-th largest score". ``-inf`` scores become ``+inf`` after negation and tie with each other; ``k`` beyond the vocabulary keeps every token; ``k < 1`` raises ``ValueError``; the mask returns as ``torch.bool`` on ``probs.device``. (SciPy's default ``method="average"`` would drop the tied 0.2s of the docstring's tie example.) Agrees with a plain version on: the worked example, the tie example ``[0.4, 0.2, 0.2, 0.2]`` at ``k = 2`` (all four), rows with ``-inf`` ties at the cut, ``k`` 0 and -3 (``ValueError``), and 400 random inputs (1-3 axes, vocab 1-2999, float32/float64/float16/bfloat16, rounded scores for ties, every third entry ``-inf`` in some, transposed layouts, ``k`` from 1 to vocab + 2 and 10**6): identical masks, dtype and shape."""
    if k < 1:
        raise ValueError(f"top_k_mask: k must be at least 1, got {k}")
    scores = probs.detach().to("cpu", torch.float64).numpy()
    ranks = rankdata(-scores, method="min", axis=-1)
    return torch.from_numpy(ranks <= k).to(probs.device)
