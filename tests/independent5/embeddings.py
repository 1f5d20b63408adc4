"""Independent catalogue, fifth examiner: submissions for exercises/embeddings.py.

Written from the docstrings of ``exercises/embeddings.py`` only, avoiding every mistake and
every style already in rounds 1 to 4 (``tests/independent*/embeddings.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# subword_averaged_embedding
# ---------------------------------------------------------------------------------------


def subword_averaged_embedding__right_one_hot_counts_matmul(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: builds a float64 weight vector over the whole vocabulary (1/n per occurrence,
    by ``index_add_``) and multiplies it with the matrix in float64 (``weights @ matrix``),
    then casts back: the mean as a weighted sum of all rows."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    dev = embedding_matrix.device
    idx = torch.tensor(ids, dtype=torch.long, device=dev)
    weights = torch.zeros(embedding_matrix.shape[0], dtype=torch.float64, device=dev)
    weights.index_add_(0, idx, torch.full((len(ids),), 1.0 / len(ids), dtype=torch.float64, device=dev))
    rows = embedding_matrix.detach().to(torch.float64)
    return (weights @ rows).to(embedding_matrix.dtype)


# ---------------------------------------------------------------------------------------
# cosine_similarity_matrix
# ---------------------------------------------------------------------------------------


def cosine_similarity_matrix__wrong_gram_over_norm_product_float32(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: computes in float32 as ``(V @ V.T) / (|v_i| |v_j|)`` — the dot products and the
    product of the two norms are squares of the lengths, and overflow to ``inf`` for rows of
    length beyond ~1.8e19 (``inf / inf`` -> nan, set to 0). Violates: "Only the direction
    counts, not the length." [float32 ``[[1e20, 0], [3e20, 0]]`` -> all ones expected]"""
    v = vectors.to(torch.float32)
    norms = torch.linalg.vector_norm(v, dim=1)
    gram = v @ v.T
    denom = norms[:, None] * norms[None, :]
    sim = gram / denom
    sim = torch.where((denom > 0) & torch.isfinite(sim), sim, torch.zeros_like(sim))
    return sim.to(vectors.dtype)


def cosine_similarity_matrix__right_nan_to_num_after_divide(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: divides every row by its norm with no guard at all (a zero row becomes
    ``0/0 = nan``), takes ``unit @ unit.T``, and turns the nans of the zero rows into 0 with
    ``torch.nan_to_num`` at the end (float64 inside, cast back)."""
    v = vectors.to(torch.float64)
    unit = v / torch.linalg.vector_norm(v, dim=1, keepdim=True)
    return torch.nan_to_num(unit @ unit.T, nan=0.0).to(vectors.dtype)


# ---------------------------------------------------------------------------------------
# pca_2d
# ---------------------------------------------------------------------------------------


def pca_2d__wrong_centres_in_half_precision(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: follows the steps in order and converts to float32 only at step 2, where the SVD
    needs it: the mean and the centring are done in float16/bfloat16, so the mean is rounded to
    the input's precision and the "centred" points are shifted. Violates: "for ``float16`` or
    ``bfloat16`` vectors, compute in float32 and return the vectors' own dtype." [float16
    ``1000 + randn(8, 3)`` (``torch.manual_seed(0)``): the half-precision mean is off by up to
    0.25 and every projection moves with it]"""
    centred = vectors - vectors.mean(dim=0)
    work = centred.to(torch.float32) if centred.dtype in (torch.float16, torch.bfloat16) else centred
    _, _, vh = torch.linalg.svd(work, full_matrices=False)
    return (work @ vh[:2].T).to(vectors.dtype)
