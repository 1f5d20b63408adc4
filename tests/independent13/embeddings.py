"""Thirteenth examiner: embeddings.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def pca_2d__wrong_torch_svd_v_rows(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: follows the three steps but decomposes with the older ``torch.svd`` (as many tutorials still do), which returns ``U, S, V`` -- ``V``, not ``Vh`` -- and then projects with the docstring's ``centred @ V[:2].T``. The principal directions are the COLUMNS of ``V``; its first two rows are not directions at all. Precision handled right (float32 for half, the vectors' own otherwise). Violates: "``U, S, Vh = torch.linalg.svd(centred, full_matrices=False)``; the rows of ``Vh`` are the principal directions, largest spread first." [witness: the worked example ``pca_2d(torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))``: ``±[[-1.4142, 0], [0, 0], [1.4142, 0]]`` expected, ``[[0, -1.4142], [0, 0], [0, 1.4142]]`` (up to sign) returned; also ``[[0.0, 0.0], [2.0, 1.0], [4.0, 2.0], [1.0, 3.0]]``]"""
    work = vectors.float() if vectors.dtype in (torch.float16, torch.bfloat16) else vectors
    centred = work - work.mean(dim=0)
    U, S, V = torch.svd(centred)
    return (centred @ V[:2].T).to(vectors.dtype)


def _cosine_similarity_matrix__right_nested_vmap_float64_cos(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    la = torch.linalg.vector_norm(a)
    lb = torch.linalg.vector_norm(b)
    both = (la > 0) & (lb > 0)
    denominator = torch.where(both, la * lb, torch.ones_like(la))
    return torch.where(both, torch.dot(a, b) / denominator, torch.zeros_like(la))


def cosine_similarity_matrix__right_nested_vmap_float64(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: no matrix product and no normalised copy: the cosine of ONE pair, written for two 1-D vectors (``dot / (|a| |b|)``, 0 where either length is 0, by ``torch.where`` since ``vmap`` allows no data-dependent ``if``), lifted to all pairs by two nested ``torch.func.vmap``s (rows of the first argument outside, of the second inside); computed in float64 for every dtype and cast back to the input's dtype."""
    work = vectors.to(torch.float64)
    one_row_against_all = torch.func.vmap(_cosine_similarity_matrix__right_nested_vmap_float64_cos, in_dims=(None, 0))
    all_pairs = torch.func.vmap(one_row_against_all, in_dims=(0, None))
    return all_pairs(work, work).to(vectors.dtype)
