"""Thirtieth examiner: embeddings.py entries (the public-test overfitter)."""
from __future__ import annotations

import torch


def pca_2d__wrong_keeps_every_component(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: centres (in float32 for half precision, in the vectors' own precision otherwise), takes ``torch.linalg.svd(centred, full_matrices=False)`` and returns the projection on EVERY principal direction, ``centred @ Vh.T`` -- the ``[:2]`` of step 3 is left out. The result has ``min(n, d)`` columns, and every public test has ``d = 2`` (points on a line, their float16 copy, two points far from the origin), where that is exactly 2 and the values are right. Any ``d > 2`` with ``n > 2`` -- the 20 words of 4096 (or 128) dimensions the docstring is about -- gives more than two columns. Violates: "returns: ``(n, 2)``, same dtype and device; column 0 is the coordinate along the first component, column 1 along the second." [witness: ``[[0., 0., 1.], [1., 1., 0.], [2., 0., 3.], [5., 2., 2.]]`` -> shape ``(4, 3)`` (WRONG) vs ``(4, 2)`` (plain), its first two columns equal plain's; the tiny model's embedding rows for 20 words ``(20, 128)`` -> ``(20, 20)`` vs ``(20, 2)``. public tests: all 3 of ``pca`` pass (checks/logs/pca_2d__wrong_keeps_every_component.log).]"""
    work = vectors.float() if vectors.dtype in (torch.float16, torch.bfloat16) else vectors
    centred = work - work.mean(dim=0)
    _, _, Vh = torch.linalg.svd(centred, full_matrices=False)
    return (centred @ Vh.T).to(vectors.dtype)


def pca_2d__right_directions_from_covariance_scaled_data(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: follows the statistics-textbook convention: the SVD is taken of the centred data divided by ``sqrt(n - 1)`` (whose ``S**2`` are the covariance eigenvalues, the "explained variance"), and only its directions ``Vh[:2]`` are used -- the projection is of the UNSCALED centred data, ``centred @ Vh[:2].T``. Dividing a matrix by a positive number scales its singular values and leaves its singular vectors as they are, so the directions, and hence the coordinates, are those of the plain recipe (up to a column's sign, which the docstring leaves free). Half precision goes through float32 from the start (mean and centring too); float32 and float64 stay in their own precision; the result is cast back to the vectors' dtype. Agrees with a plain version on: the worked example (float32, float64, float16), the two points ``[[100, 7], [110, 7]]``, a ``(4, 3)`` matrix, the tiny model's 20 word vectors ``(20, 128)`` in float32 and bfloat16, a random ``(30, 500)`` float64 matrix -- equal up to a column's sign within 1e-4 relative (float16/bfloat16: their own rounding) (checks/check_entries.log); public tests pass."""
    work = vectors.float() if vectors.dtype in (torch.float16, torch.bfloat16) else vectors
    centred = work - work.mean(dim=0)
    n = centred.shape[0]
    _, _, Vh = torch.linalg.svd(centred / (n - 1) ** 0.5, full_matrices=False)
    return (centred @ Vh[:2].T).to(vectors.dtype)
