"""Eighth examiner: embeddings.py entries."""
from __future__ import annotations

import torch

_HALF = (torch.float16, torch.bfloat16)


def cosine_similarity_matrix__right_einsum_symmetrised_clamped(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: squared row lengths by ``einsum('ij,ij->i')`` in float64 (half and float32
    inputs can neither overflow nor underflow there), reciprocal lengths by ``torch.rsqrt``
    with 0 for a zero row (so its whole row and column, diagonal included, are exactly 0),
    the pairs by ``einsum('id,jd->ij')``, then made exactly symmetric with ``(S + S.T) / 2``
    and clamped to ``[-1, 1]`` before the cast back to the input dtype."""
    wide = vectors.to(torch.float64)
    squared = torch.einsum("ij,ij->i", wide, wide)
    inverse = torch.where(squared > 0, torch.rsqrt(squared), torch.zeros_like(squared))
    unit = wide * inverse[:, None]
    sims = torch.einsum("id,jd->ij", unit, unit)
    sims = ((sims + sims.T) / 2).clamp(-1.0, 1.0)
    return sims.to(vectors.dtype)


def pca_2d__right_pca_lowrank_full_rank_forked_rng(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: ``torch.pca_lowrank`` with ``q = min(n, d)``, i.e. at full rank, where its
    random range finder spans the whole column space and the result is the exact SVD of the
    centred data (up to rounding); ``center=True`` centres in the working dtype (own dtype;
    half precision as float32). Its Gaussian test matrix comes from torch's global RNG, so
    the call sits inside ``torch.random.fork_rng`` and leaves the caller's random state as it
    was. Projection ``U[:, :2] * S[:2]``, cast back to the input dtype."""
    work = vectors.float() if vectors.dtype in _HALF else vectors
    q = min(work.shape)
    devices = [work.device] if work.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(0)
        U, S, _ = torch.pca_lowrank(work, q=q, center=True, niter=2)
    return (U[:, :2] * S[:2]).to(vectors.dtype)


def pca_2d__wrong_covariance_scores_scaled(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: goes through the eigen-decomposition of the (n x n) Gram matrix divided by
    ``n - 1`` — "the covariance" — and builds the scores as ``eigenvector * sqrt(eigenvalue)``,
    so every coordinate is ``1 / sqrt(n - 1)`` of what ``centred @ Vh[:2].T`` gives: the
    picture has the right shape, directions, order and signs-up-to-flip, only its scale is
    off. Violates: "Everything else must match ``sklearn.decomposition.PCA(n_components=2)``"
    and "Project: ``centred @ Vh[:2].T`` (equivalently ``U[:, :2] * S[:2]``)" [the line
    example ``[[0, 0], [1, 1], [2, 2]]``: ``±[-1, 0, 1]`` in column 0 instead of
    ``±1.4142``; every result is correct after dividing by its own column norms, so a check
    of directions or correlations only passes it]"""
    work = vectors.float() if vectors.dtype in _HALF else vectors
    centred = work - work.mean(dim=0)
    n = centred.shape[0]
    gram = centred @ centred.T / (n - 1)
    values, vecs = torch.linalg.eigh(gram)
    values = values.flip(-1)[:2].clamp_min(0)
    vecs = vecs.flip(-1)[:, :2]
    return (vecs * values.sqrt()).to(vectors.dtype)
