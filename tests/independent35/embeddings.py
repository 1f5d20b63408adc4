"""Thirty-fifth examiner: embeddings.py entries (numerical extremes)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__right_half_sum_overflows_only_past_65504(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT (written as WRONG; reclassified by the project, see the README: the docstring allows averaging in the half dtype, its allowed variant adds the rows up in that dtype, and it now says so: the sum overflows only past 65504, which no embedding or test input comes near). WRONG: encodes without special tokens, indexes with a tensor on the matrix's device, rejects ``""``, keeps the matrix's dtype, and averages as ``rows.sum(dim=0) / len(ids)`` in that dtype. In float32 that is the mean; in float16 the SUM overflows (largest float16 65504) where the mean does not, so a word of several tokens whose rows are large gets ``inf``. The worked examples ("Kyoto" -> ``(E[15595] + E[2587]) / 2``, "king" -> ``E[6779]``) pass on the tiny model's matrix in float32, and in float16/bfloat16 it stays within half rounding of ``torch.mean``. Violates: "In float16 or bfloat16 you may average in that dtype or in float32 and cast back: the two differ only by half precision's rounding, and both count." [witness: a ``(32000, 8)`` float16 matrix of 20000.0, "unbelievable" (ids ``[521, 7244, 16198, 522]``) -> ``[inf, ...]``, plain (``rows.mean(0)``) ``[20000., ...]``; a matrix of 40000.0, "Kyoto" -> ``inf``, plain 40000.]"""
    ids = tokenizer.encode(word, add_special_tokens=False)
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    rows = embedding_matrix[torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)]
    return rows.sum(dim=0) / len(ids)


def pca_2d__wrong_one_pass_covariance(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: half precision in float32, float64 in float64, the projection of the centred data, directions from ``torch.linalg.eigh`` of the covariance taken largest first -- but the covariance is the one-pass textbook formula ``X.T @ X / n - outer(mean, mean)`` instead of the product of the CENTRED data. Subtracting two large nearly equal matrices cancels catastrophically once the data sit away from the origin, and the directions come out wrong. The worked example (points on a line through the origin) passes, and so do the tiny model's embedding rows as they are (centred near 0). Violates: "Everything else must match the exact decomposition, that is ``sklearn.decomposition.PCA(n_components=2, svd_solver="full")``" [witness: ``[[1e4, 1e4], [1e4 + 1, 1e4], [1e4 + 2, 1e4]]`` (float32) -> ``[[-0.7071, 0.7071], [0, 0], [0.7071, -0.7071]]``, plain ``±[[-1, 0], [0, 0], [1, 0]]``; 20 rows of the tiny model's embedding matrix plus 100.0 -> off from plain by 0.0978 (column 0 spans -2.15 .. 0.14), sign per column allowed]"""
    x = vectors.float() if vectors.dtype in (torch.float16, torch.bfloat16) else vectors
    n = x.shape[0]
    mean = x.mean(dim=0)
    cov = x.T @ x / n - torch.outer(mean, mean)
    _, eigvecs = torch.linalg.eigh(cov)
    directions = eigvecs[:, [-1, -2]]
    return ((x - mean) @ directions).to(vectors.dtype)


def pca_2d__right_shifted_data_centring(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: centres in two steps, first subtracting the first row (``X - X[0]``), then the column mean of that (the shifted-data algorithm for variance): the same centred matrix as ``X - X.mean(dim=0)`` in exact arithmetic, with less cancellation when the data sit far from the origin. Computed in the vectors' own precision (half precision in float32, all of it), SVD of the centred data, ``centred @ Vh[:2].T``, cast back. Agrees with a plain version on: (up to sign per column) the worked example (difference 0), 20 tiny embedding rows in float32 (2.38e-07), float16 (9.54e-07) and bfloat16 (0), a float64 ``(20, 600)`` (3.93e-13), a ``(2, 5)`` and a ``(30, 4)`` input, the offset line ``[[1e4, 1e4], ...]`` and the 20 rows plus 100.0 (3.1e-06) (checks/check_entries.log)."""
    x = vectors.float() if vectors.dtype in (torch.float16, torch.bfloat16) else vectors
    shifted = x - x[0]
    centred = shifted - shifted.mean(dim=0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    return (centred @ vh[:2].T).to(vectors.dtype)
