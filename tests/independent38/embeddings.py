"""Thirty-eighth examiner: embeddings.py entries (the learner who learnt it from the papers and the textbooks)."""
from __future__ import annotations

import torch


def cosine_similarity_matrix__right_kahan_stable_angle(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: goes through the angle, computed the numerically stable way W. Kahan recommends ("How Futile are Mindless Assessments of Roundoff in Floating-Point Computation?", also in Higham's textbook): ``angle = 2 * atan2(|a/|a| - b/|b||, |a/|a| + b/|b||)``, and returns ``cos(angle)``. Everything in float64 (the rows made unit length once, each row's differences and sums with all rows in a loop), cast back to the vectors' dtype and device at the end. ``|u - v|`` and ``|u + v|`` are the same both ways round, so the result is exactly symmetric; ``u - u = 0`` gives angle 0 and a diagonal of exactly 1 (rows of length ``1e-13`` included); ``u + (-u) = 0`` gives angle pi and exactly -1; a zero row gets 0 with every row, itself included, never ``nan``. Agrees with a plain version on: the worked example (``[[1, 0.7071, -1], [0.7071, 1, -0.7071], [-1, -0.7071, 1]]``, float32), zero rows, rows of length ``1e-13``, a ``(20, 4096)`` float32 batch, ``(7, 5)`` float64, ``(6, 64)`` float16 (values up to a few hundred), ``(5, 32)`` bfloat16, and the tiny model's averaged embeddings of 8 words: 8 inputs, the largest difference 2.36e-16 (float64), 0 in every float32/half case but one (6.12e-17 where plain gives exactly 0 for perpendicular rows) (checks/check_entries.log)."""
    x = vectors.detach().to(torch.float64)
    norms = torch.linalg.vector_norm(x, dim=1, keepdim=True)
    nonzero = norms > 0
    unit = torch.where(nonzero, x / torch.where(nonzero, norms, torch.ones_like(norms)), torch.zeros_like(x))
    n = x.shape[0]
    result = torch.zeros((n, n), dtype=torch.float64, device=x.device)
    for i in range(n):
        # Kahan: angle(a, b) = 2 * atan2(| a/|a| - b/|b| |, | a/|a| + b/|b| |)
        minus = torch.linalg.vector_norm(unit[i] - unit, dim=1)
        plus = torch.linalg.vector_norm(unit[i] + unit, dim=1)
        result[i] = torch.cos(2 * torch.atan2(minus, plus))
    has_direction = nonzero[:, 0]
    result = result * (has_direction[:, None] & has_direction[None, :])  # a row of zeros: 0 with every row
    return result.to(vectors.dtype)
