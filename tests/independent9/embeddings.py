"""Ninth examiner: embeddings.py entries."""
from __future__ import annotations

import torch


def cosine_similarity_matrix__wrong_isclose_zero_rows(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: finds the "rows of zeros" with ``torch.isclose(norm, 0)`` (floats should not be
    compared with ``==``), whose default ``atol=1e-8`` also catches a non-zero row shorter
    than 1e-8: that row gets similarity 0 everywhere, its diagonal included, though it has a
    direction. Violates: "The result is symmetric (up to rounding) and its diagonal is 1, but
    for a row of zeros (see the edge case)." [``[[1e-9, 0.0], [1.0, 0.0]]`` -> ``[[0, 0], [0,
    1]]`` instead of ``[[1, 1], [1, 1]]``]"""
    norms = torch.linalg.vector_norm(vectors, dim=1)
    is_zero = torch.isclose(norms, torch.zeros_like(norms))
    safe = torch.where(is_zero, torch.ones_like(norms), norms)
    unit = vectors / safe[:, None]
    unit = unit.masked_fill(is_zero[:, None], 0)
    return unit @ unit.T


def _pca_2d__right_covariance_eigh_descending_work_dtype(dtype: torch.dtype) -> torch.dtype:
    return torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype


def pca_2d__right_covariance_eigh_descending(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: goes through the (d, d) covariance matrix instead of the SVD of the data:
    ``torch.linalg.eigh`` of ``centred.T @ centred / (n - 1)``, the last two eigenvectors in
    reverse (largest first, as the Pitfall says), and the projection ``centred @ V``; in the
    vectors' own precision, half precision in float32."""
    work = _pca_2d__right_covariance_eigh_descending_work_dtype(vectors.dtype)
    x = vectors.to(work)
    centred = x - x.mean(dim=0)
    cov = centred.T @ centred / (x.shape[0] - 1)
    _, eigvecs = torch.linalg.eigh(cov)
    top_two = eigvecs[:, [-1, -2]]
    return (centred @ top_two).to(vectors.dtype)


def pca_2d__right_qr_then_small_svd(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: a thin QR of the centred data first, then the SVD of the small triangular
    factor only (``centred = Q R``, ``R = U_r S Vh`` so ``centred = (Q U_r) S Vh``); the
    scores are ``(Q @ U_r[:, :2]) * S[:2]``. Half precision is upcast to float32 by
    ``torch.promote_types`` with float32 rather than an explicit test of the dtype."""
    work = vectors.dtype
    if work.itemsize < 4:
        work = torch.promote_types(work, torch.float32)
    x = vectors.to(work)
    centred = x - x.mean(dim=0, keepdim=True)
    q, r = torch.linalg.qr(centred, mode="reduced")
    u_r, s, _ = torch.linalg.svd(r, full_matrices=False)
    scores = (q @ u_r[:, :2]) * s[:2]
    return scores.to(vectors.dtype)
