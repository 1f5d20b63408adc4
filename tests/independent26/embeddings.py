"""Twenty-sixth examiner: embeddings.py entries (it works on the bundled model)."""
from __future__ import annotations

import torch


def cosine_similarity_matrix__wrong_clamp_min_tiny_eps_in_own_dtype(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: guards the zero rows with an epsilon chosen for the docstring's short rows: ``norms = vectors.norm(dim=1, keepdim=True).clamp_min(1e-30)`` ("small enough that a row of length 1e-13 keeps its direction"), then ``unit = vectors / norms`` and ``unit @ unit.T``, all in the vectors' own dtype. In float32 (the tiny model's embedding matrix) and in bfloat16 a zero row gives ``0 / 1e-30 = 0`` and similarity 0, and a ``1e-13`` row has cosine 1 with itself; but ``1e-30`` is below float16's smallest subnormal (about ``6e-8``), so in a float16 tensor the clamp is ``clamp_min(0)``, a zero row is ``0 / 0`` and its whole row and column of the result are ``nan``. A 4-bit model's embedding matrix on a GPU is float16. Violates: "Give it similarity 0 with every row, itself included (as scikit-learn's ``cosine_similarity`` does) — never ``nan``." [witness: ``vectors = [[1, 2, 0], [0, 0, 0], [-1, 0.5, 3]]`` in float16: WRONG ``[[1.0, nan, 0.0], [nan, nan, nan], [0.0, nan, 1.0]]`` (5 of 9 entries ``nan``), plain ``[[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]``. The same rows in float32 and in bfloat16 give no ``nan``; the worked example, a ``1e-13`` row (cosine 1.000000 with itself) and 8 rows of the tiny model's embedding matrix agree with plain in float32.]"""
    norms = vectors.norm(dim=1, keepdim=True).clamp_min(1e-30)
    unit = vectors / norms
    return unit @ unit.T


def cosine_similarity_matrix__right_vector_norm_dtype_argument(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: no epsilon at all and no ``if`` on the dtype: the working precision is ``torch.promote_types(vectors.dtype, torch.float32)`` (float32 for float16/bfloat16/float32, float64 for float64), the lengths come from ``torch.linalg.vector_norm(vectors, dim=1, keepdim=True, dtype=work)`` -- the ``dtype=`` argument makes the norm widen its input before it squares anything -- and a zero row is handled by ``torch.where(norms > 0, ...)`` on both the divisor and the quotient, so no ``0 / 0`` is ever evaluated. The product is taken in the working precision and cast back with ``.to(vectors.dtype)``. A grader that looks for ``F.normalize``, a ``.float()`` call or an ``eps`` could mark it down. Agrees with a plain version on: 11 inputs, all bit-equal to plain and in the input's dtype: the worked example, a zero row, a ``1e-13`` row, 8 rows of the tiny model's embedding matrix in float32, float16, bfloat16 and float64, the zero-row matrix in float16 and bfloat16 (0, no ``nan``), a random ``(20, 128)`` float64 matrix with a zero row, and float16 rows with entries of about 300 (whose squares overflow float16)."""
    work = torch.promote_types(vectors.dtype, torch.float32)
    x = vectors.to(work)
    norms = torch.linalg.vector_norm(vectors, dim=1, keepdim=True, dtype=work)
    nonzero = norms > 0
    unit = torch.where(nonzero, x / torch.where(nonzero, norms, torch.ones_like(norms)), torch.zeros_like(x))
    return (unit @ unit.T).to(vectors.dtype)
