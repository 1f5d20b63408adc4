"""Forty-fourth examiner: embeddings.py entries (the right answer nobody expected)."""
from __future__ import annotations

import torch


def _working_dtype(dtype: torch.dtype) -> torch.dtype:
    return torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype


def cosine_similarity_matrix__right_polarization_identity_chunked(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: no dot product of two different rows is ever taken: each row is made a unit vector (a zero row stays all zeros, by ``torch.where``), and every cosine comes from the polarization identity ``u . v = (|u + v|^2 - |u - v|^2) / 4``, evaluated on broadcast ``(rows, n, d)`` blocks of pairs, a few rows at a time so a block never holds more than about four million numbers. Worked in ``torch.promote_types(dtype, float32)`` (float32 for half precision and float32, float64 for float64) and cast back, on the vectors' device. ``u + v`` and ``v + u`` are the same numbers, so the result is exactly symmetric; a diagonal entry is ``|2u|^2 / 4``, i.e. 1 up to float rounding, and a zero row gives ``(|v|^2 - |v|^2) / 4 = 0`` with every row, itself included. Sentences an over-strict grader could hold against it: "Normalise each ROW to length 1 (the norm over ``dim=1``), then one matrix product ``unit @ unit.T`` gives all pairs" (the pitfall's recipe, not a rule: it uses no matrix product) and "returns: ``(n, n)``, same dtype and device" (it computes in a wider dtype, and casts back). Agrees with a plain version on: the worked example, a zero row beside two others, rows of length 1e-13, random (7, 33) float32/float64/float16/bfloat16 inputs and a (40, 300) float32 input that takes several blocks (checks/check_entries.log)."""
    work = _working_dtype(vectors.dtype)
    x = vectors.to(work)
    n, d = x.shape
    norms = torch.linalg.vector_norm(x, dim=1, keepdim=True)
    unit = torch.where(norms > 0, x / torch.where(norms > 0, norms, torch.ones_like(norms)), torch.zeros_like(x))
    rows_per_block = max(1, (1 << 22) // max(1, n * d))
    blocks = []
    for start in range(0, n, rows_per_block):
        left = unit[start:start + rows_per_block, None, :]
        plus = (left + unit[None, :, :]).square().sum(dim=-1)
        minus = (left - unit[None, :, :]).square().sum(dim=-1)
        blocks.append((plus - minus) / 4)
    return torch.cat(blocks, dim=0).to(vectors.dtype)


def _ritz_pairs(a: torch.Tensor, block: int, stop_on_values: bool, eps: float):
    """Subspace (block power) iteration with Rayleigh-Ritz on the symmetric matrix ``a``.

    Returns the two leading Ritz values (largest first) and their vectors.
    """
    m = a.shape[0]
    gen = torch.Generator(device="cpu").manual_seed(1234)  # a private generator: torch's global one is untouched
    q = torch.randn(m, block, generator=gen, dtype=torch.float64).to(device=a.device, dtype=a.dtype)
    q, _ = torch.linalg.qr(q)
    prev_vecs = None
    prev_vals = None
    for _ in range(20000):
        q, _ = torch.linalg.qr(a @ q)
        small = q.T @ a @ q
        small = (small + small.T) / 2
        vals, rot = torch.linalg.eigh(small)  # ascending: the largest are the last ones
        q = q @ rot.flip(-1)
        vals = vals.flip(-1)
        vecs = q[:, :2]
        if stop_on_values:
            if prev_vals is not None and bool(((vals[:2] - prev_vals).abs() <= 32 * eps * vals[:2].abs().clamp_min(eps)).all()):
                break
            prev_vals = vals[:2]
        else:
            if prev_vecs is not None:
                signs = torch.sign((vecs * prev_vecs).sum(dim=0))
                signs = torch.where(signs == 0, torch.ones_like(signs), signs)
                if float((vecs * signs - prev_vecs).abs().max()) <= 32 * eps:
                    break
            prev_vecs = vecs
    return vals[:2], q[:, :2]


def _pca_by_iteration(vectors: torch.Tensor, stop_on_values: bool) -> torch.Tensor:
    work = _working_dtype(vectors.dtype)
    x = vectors.to(work)
    centred = x - x.mean(dim=0)
    n, d = centred.shape
    eps = torch.finfo(work).eps
    if n <= d:
        gram = centred @ centred.T  # (n, n): eigenvectors are the left singular vectors U
        vals, u = _ritz_pairs(gram, min(n, 8), stop_on_values, eps)
        scores = u * vals.clamp_min(0).sqrt()  # U[:, :2] * S[:2]; a zero eigenvalue gives exactly 0
    else:
        cov = centred.T @ centred  # (d, d): eigenvectors are the principal directions
        _, v = _ritz_pairs(cov, min(d, 8), stop_on_values, eps)
        scores = centred @ v
    return scores.to(vectors.dtype)


def pca_2d__right_subspace_iteration_rayleigh_ritz(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: no SVD of the data: the leading eigenvectors of the smaller of the two symmetric matrices (the ``n x n`` Gram matrix ``C C^T`` when ``n <= d``, else the ``d x d`` scatter ``C^T C``) come from subspace iteration, a block power method: a block of ``min(size, 8)`` columns (started from a PRIVATE seeded ``torch.Generator``, so torch's global random state is untouched) is multiplied by the matrix and re-orthonormalised with ``torch.linalg.qr`` each round, and a Rayleigh-Ritz step (the ``eigh`` of the small projected matrix, flipped to largest first, as the pitfall about ``eigh``'s order warns) rotates the block onto the Ritz vectors. It stops when the two leading Ritz VECTORS (sign-aligned with the previous round) move by at most 32 units of the working dtype's epsilon, after at most 20000 rounds; the extra block columns make the convergence rate ``lambda_9 / lambda_2`` rather than ``lambda_3 / lambda_2``. Scores: ``U[:, :2] * sqrt(lambda)`` through the Gram matrix (a zero eigenvalue gives an exact 0 column, as in the worked example) or ``C @ V[:, :2]`` through the scatter matrix. Precision as promised: everything -- the mean, the centring, the products, the iteration -- in the vectors' own dtype, float32 for half precision, and the result cast back. Sentences an over-strict grader could hold against it: "Decompose: ``U, S, Vh = torch.linalg.svd(centred, full_matrices=False)``" (a recipe, not a rule: "Everything else must match the exact decomposition", which it does to rounding) and "Write it yourself with torch (no scikit-learn)" (it does). Agrees with a plain version on: the worked example (``[[-1.4142, 0], [0, 0], [1.4142, 0]]`` up to sign), a centring example far from the origin, random (20, 600) float32 and float64, (50, 6) float32 (the scatter route), (12, 64) float16 and bfloat16, and a (20, 40) input with a slow spectrum ``10, 5, 4.99, 4.98, ...`` (checks/check_entries.log)."""
    return _pca_by_iteration(vectors, stop_on_values=False)


def pca_2d__wrong_subspace_iteration_stops_on_ritz_values(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: the same subspace iteration with Rayleigh-Ritz, but it stops when the two leading Ritz VALUES stop changing (relative change at most 32 units of the working epsilon), the test a learner writes from "the eigenvalue has converged". A Ritz value's error is the SQUARE of its vector's angle, so the values settle while the vectors are still off by about the square root of the tolerance: where the spectrum decays slowly the second column is measurably wrong. Violates: "Everything else must match the exact decomposition, that is ``sklearn.decomposition.PCA(n_components=2, svd_solver="full")``" [witness: float32 (20, 40) data with singular values ``10, 5, 4.99, 4.98, ...`` -> largest coordinate error 0.111 (column scales 5.5 and 2.2); the RIGHT entry 0.000427. Ordinary random data shows it too: ``torch.randn(20, 600)`` float32 -> 0.0795 off (scale 18.1), float64 -> 3.6e-06 (the RIGHT entry 1.75e-13); ``0.02 * randn(20, 4096)`` -> 0.0096 (scale 0.66). Passes: the worked example (``[[-1.4142, 0], [0, 0], [1.4142, 0]]``), the far-from-origin centring example, (50, 6) float32 (the scatter route), (12, 64) float16 and bfloat16 (checks/check_entries.log).]"""
    return _pca_by_iteration(vectors, stop_on_values=True)
