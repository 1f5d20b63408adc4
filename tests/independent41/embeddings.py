"""Forty-first examiner: embeddings.py entries (the learner who special-cases the edges)."""
from __future__ import annotations

import torch


def cosine_similarity_matrix__wrong_single_row_is_one(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: special-cases a batch of one, "one vector: its only similarity is with itself, which is 1" -- ``if vectors.shape[0] == 1: return vectors.new_ones(1, 1)`` (same dtype and device, so it looks careful) -- and otherwise normalises each row (zero rows give zero unit rows, so their similarities are 0) and takes ``unit @ unit.T``. The shortcut forgets the docstring's exception to "its diagonal is 1": a single row of zeros gets 1. Violates: "A row of zeros has no direction. Give it similarity 0 with every row, itself included (as scikit-learn's ``cosine_similarity`` does) -- never ``nan``." [witness: ``[[0.0, 0.0, 0.0]]`` -> ``[[1.0]]``; plain ``[[0.0]]`` (the same for a float16 or float64 zero row). Passes: the worked example, ``[[1,0],[0,0]]`` (zero row 0 everywhere), ``[[3.0, 4.0]]`` -> ``[[1.0]]``, a ``1e-13`` row, float16/float64 inputs and random ``(n, d)`` batches with ``n`` 1 to 6 (checks/check_entries.log).]"""
    if vectors.shape[0] == 1:  # "one vector: cos(v, v) = 1"
        return vectors.new_ones(1, 1)
    norms = torch.linalg.vector_norm(vectors, dim=1, keepdim=True)
    safe = torch.where(norms > 0, norms, torch.ones_like(norms))
    unit = torch.where(norms > 0, vectors / safe, torch.zeros_like(vectors))
    return unit @ unit.T


def pca_2d__wrong_two_points_projected_uncentred(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: special-cases ``n = 2`` (the smallest input the docstring allows), "two points span a line: the first direction is the line through them, and nothing varies across it": ``u = (b - a) / |b - a|``, column 0 = ``vectors @ u``, column 1 = zeros -- and skips the centring that the general path (centre, ``svd``, ``centred @ Vh[:2].T``, half precision in float32) does first, because "a direction does not depend on where the points are". The direction is right; the coordinates are measured from the origin instead of from the mean. Violates: "1. Centre: subtract the mean of each column, ``X - X.mean(dim=0)``." (and "Everything else must match the exact decomposition"). [witness: ``[[1.0, 1.0], [3.0, 3.0]]`` -> ``[[1.4142, 0.0], [4.2426, 0.0]]``; plain ``±[[-1.4142, 0.0], [1.4142, 0.0]]`` (no sign per column makes them equal). Passes: the worked example (three points on a line), random ``(n, d)`` inputs with ``n`` 3 to 8, float16/bfloat16/float64 ones, and two points whose mean is the origin, ``[[-1, 2], [1, -2]]`` (checks/check_entries.log).]"""
    half = vectors.dtype in (torch.float16, torch.bfloat16)
    x = vectors.float() if half else vectors
    if x.shape[0] == 2:  # "two points: the line through them, nothing across it"
        d = x[1] - x[0]
        u = d / torch.linalg.vector_norm(d)
        col0 = x @ u
        return torch.stack([col0, torch.zeros_like(col0)], dim=1).to(vectors.dtype)
    c = x - x.mean(dim=0)
    _, _, vh = torch.linalg.svd(c, full_matrices=False)
    return (c @ vh[:2].T).to(vectors.dtype)
