"""Sixth examiner: embeddings.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__right_return_tensors_sum_div(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: ids come as a ``return_tensors="pt"`` batch moved with ``.to(device)``; the
    rows are summed in float64 and divided by the count (no ``mean``), then cast back."""
    ids = tokenizer(word, add_special_tokens=False, return_tensors="pt").input_ids
    ids = ids.reshape(-1).to(embedding_matrix.device)
    count = ids.numel()
    if count == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there is no row to average")
    total = embedding_matrix[ids].to(torch.float64).sum(dim=0)
    return (total / count).to(embedding_matrix.dtype)


def cosine_similarity_matrix__right_f_normalize_float64_tiny_eps(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: ``F.normalize`` in float64 with ``eps`` set to float64's smallest normal
    number (not the default 1e-12), after scaling each row by its largest |entry| so that no
    square underflows or overflows; zero rows stay zero and so get similarity 0."""
    x = vectors.to(torch.float64)
    scale = x.abs().amax(dim=1, keepdim=True)
    x = x / torch.where(scale > 0, scale, torch.ones_like(scale))
    unit = F.normalize(x, p=2.0, dim=1, eps=torch.finfo(torch.float64).tiny)
    return torch.mm(unit, unit.t()).to(vectors.dtype)


def cosine_similarity_matrix__wrong_f_normalize_default_eps(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: ``F.normalize(x, dim=1)`` keeps its default ``eps=1e-12``, so a non-zero row
    shorter than 1e-12 is divided by 1e-12, not by its length: its cosine with itself is
    ``|a|^2 / 1e-24``, far below 1. (A row of length 1e-9 still works.) Violates: "Only the
    direction counts, not the length." [float32 ``[[1e-13, 0.0], [1.0, 0.0]]``: entry
    ``[0, 0]`` is 0.01 and ``[0, 1]`` is 0.1, instead of 1 and 1]"""
    x = vectors.to(torch.float64)
    unit = F.normalize(x, dim=1)
    return (unit @ unit.T).to(vectors.dtype)


def pca_2d__right_centring_matrix_svd(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: centred by multiplying with the centring matrix ``H = I - 1/n`` (``H @ X``)
    instead of subtracting the mean; SVD in float32 for half precision, the vectors' own
    precision otherwise; projection ``U[:, :2] * S[:2]``."""
    work = vectors.float() if vectors.dtype in (torch.float16, torch.bfloat16) else vectors
    n = work.shape[0]
    eye = torch.eye(n, dtype=work.dtype, device=work.device)
    centring = eye - torch.full_like(eye, 1.0 / n)
    centred = centring @ work
    u, s, _ = torch.linalg.svd(centred, full_matrices=False)
    return (u[:, :2] * s[:2]).to(vectors.dtype)
