"""Thirty-first examiner: embeddings.py entries (misled by a library default)."""
from __future__ import annotations

import torch


def pca_2d__right_default_full_matrices_svd(vectors: torch.Tensor) -> torch.Tensor:
    r"""RIGHT: the docstring's three steps, but ``torch.linalg.svd(centred)`` keeps its default ``full_matrices=True``: ``Vh`` is ``(d, d)``, its extra ``d - min(n, d)`` rows an arbitrary orthonormal completion. Only ``Vh[:2]`` is used -- the directions of the two largest singular values, the same as the thin SVD's up to sign -- so the projection ``centred @ Vh[:2].mT`` is the same. It is only slower (here: 20 x 4096 float32 0.32 s against 0.012 s thin; 300 x 4096 0.61 s). float16/bfloat16 are computed in float32 (mean and centring too), float64 in float64, and the result cast to the input's dtype. Equal to plain up to a column's sign on 9 inputs (the worked line in float32/64/16, two points, a random (4, 3), 20 tiny-model word vectors in float32 and bfloat16, a random (20, 4096) float32 and (30, 600) float64). public tests: all 3 of ``pca`` pass."""
    work = vectors.float() if vectors.dtype in (torch.float16, torch.bfloat16) else vectors
    centred = work - work.mean(dim=0)
    _, _, vh = torch.linalg.svd(centred)
    return (centred @ vh[:2].mT).to(vectors.dtype)
