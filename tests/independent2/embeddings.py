"""Independent catalogue, round 2: submissions for exercises/embeddings.py.

Written from the docstrings of ``exercises/embeddings.py`` only, avoiding every mistake and
every style already in round 1 (``tests/independent/embeddings.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# subword_averaged_embedding
# ---------------------------------------------------------------------------------------


def subword_averaged_embedding__right_embedding_bag_mean(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: one call to ``torch.nn.functional.embedding_bag(..., mode="mean")`` (a single
    bag starting at offset 0), which looks the rows up and averages them in one kernel; the
    bag of shape ``(1, d)`` is unpacked to ``(d,)``."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens, so there are no embedding rows to average")
    device = embedding_matrix.device
    index = torch.as_tensor(ids, dtype=torch.long, device=device)
    offsets = torch.zeros(1, dtype=torch.long, device=device)
    bag = torch.nn.functional.embedding_bag(index, embedding_matrix, offsets, mode="mean")
    return bag[0]


def subword_averaged_embedding__right_unique_counts_weighted(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: looks each DISTINCT id up once (``torch.unique(..., return_counts=True)``) and
    weights its row by how often it occurs, in float64, then divides by the number of tokens
    and casts back: the same mean, also for words whose tokens repeat."""
    ids = tokenizer.encode(word, add_special_tokens=False)
    if not ids:
        raise ValueError("the word encodes to no tokens (an empty string?): nothing to average")
    index = torch.tensor(ids, dtype=torch.int64, device=embedding_matrix.device)
    distinct, counts = torch.unique(index, return_counts=True)
    rows = embedding_matrix.index_select(0, distinct).detach().to(torch.float64)
    total = (rows * counts.to(torch.float64).unsqueeze(1)).sum(dim=0)
    return (total / len(ids)).to(embedding_matrix.dtype)


def subword_averaged_embedding__wrong_strips_word(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: "cleans" the word with ``word.strip()`` before encoding, so "king " loses its
    trailing '▁' token (and " " raises instead of giving the '▁' row). Same for every
    docstring example. Violates: "word: a string (usually one word; any text works)" /
    "Encode the word WITHOUT special tokens"."""
    ids = tokenizer(word.strip(), add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError("the word has no tokens to average")
    index = torch.tensor(ids, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0)


def subword_averaged_embedding__wrong_assert_not_valueerror(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: guards the empty word with ``assert`` -- an ``AssertionError`` (and no check at
    all under ``python -O``, giving ``nan``). Violates: "A word that encodes to no tokens at
    all (the empty string ``""``) has no rows to average: raise ``ValueError`` saying so"."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    assert len(ids) > 0, f"{word!r} has no tokens, so there is nothing to average"
    index = torch.tensor(ids, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0)


def subword_averaged_embedding__wrong_mean_of_word_means(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: for text with several words it averages each word's tokens first and then
    averages the word vectors (a mean of means), which weights a two-token word's tokens
    half as much: "Kyoto station" gives (mean(Ky, oto) + station) / 2 instead of
    (Ky + oto + station) / 3. Identical for one word. Violates: "Return one vector for
    ``word``: the mean of the embedding rows of its tokens." ("any text works")."""
    parts = word.split() or [word]
    means = []
    for part in parts:
        ids = tokenizer(part, add_special_tokens=False)["input_ids"]
        if len(ids) == 0:
            continue
        index = torch.tensor(ids, device=embedding_matrix.device)
        means.append(embedding_matrix[index].mean(dim=0))
    if not means:
        raise ValueError("the word has no tokens to average")
    return torch.stack(means).mean(dim=0)


# ---------------------------------------------------------------------------------------
# cosine_similarity_matrix
# ---------------------------------------------------------------------------------------


def cosine_similarity_matrix__right_cdist_of_unit_rows(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: goes through Euclidean distances: for unit rows ``|u - v|^2 = 2 - 2 cos``, so
    ``cos = 1 - cdist(unit, unit)^2 / 2`` (float64); zero rows are masked out of rows AND
    columns afterwards (there the identity does not hold)."""
    x = vectors.detach().to(torch.float64)
    norms = torch.linalg.vector_norm(x, dim=1)
    nonzero = norms > 0
    unit = x / torch.where(nonzero, norms, torch.ones_like(norms)).unsqueeze(1)
    dist = torch.cdist(unit.unsqueeze(0), unit.unsqueeze(0), compute_mode="donot_use_mm_for_euclid_dist")[0]
    cos = 1.0 - dist * dist / 2.0
    both = nonzero.unsqueeze(1) & nonzero.unsqueeze(0)
    cos = torch.where(both, cos, torch.zeros_like(cos))
    return cos.to(device=vectors.device, dtype=vectors.dtype)


def cosine_similarity_matrix__right_row_loop_mv(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: a Python loop over the rows: each row of the result is ``unit @ unit[i]``
    (``torch.mv`` in float64), written into a preallocated matrix; rows of zeros are left at
    zero."""
    x = vectors.detach().to(torch.float64)
    n = x.shape[0]
    lengths = x.pow(2).sum(dim=1).sqrt()
    unit = torch.zeros_like(x)
    for i in range(n):
        if lengths[i] > 0:
            unit[i] = x[i] / lengths[i]
    out = torch.empty((n, n), dtype=torch.float64, device=x.device)
    for i in range(n):
        out[i] = torch.mv(unit, unit[i])
    return out.to(dtype=vectors.dtype, device=vectors.device)


def cosine_similarity_matrix__wrong_zero_test_by_sum(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: detects a "row of zeros" by ``row.sum() == 0``, so a row such as [1, -1]
    (which has a direction) is treated as zero: similarity 0 with everything, itself
    included. The worked example has no such row. Violates: "entry ``[i, j]`` is
    ``cos(vectors[i], vectors[j])``. The result is symmetric, its diagonal is 1." (only a
    row of zeros gets 0)."""
    is_zero = vectors.sum(dim=1, keepdim=True) == 0
    norms = vectors.norm(dim=1, keepdim=True)
    unit = torch.where(is_zero, torch.zeros_like(vectors), vectors / torch.where(is_zero, torch.ones_like(norms), norms))
    return unit @ unit.T


def cosine_similarity_matrix__wrong_zero_rows_masked_not_columns(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: divides the Gram matrix by the outer product of the norms and then sets the
    ROWS of zero vectors to 0 (``cos[norms == 0] = 0``) but not their columns, which stay
    ``0 / 0 = nan``. Violates: "A row of zeros has no direction. Give it similarity 0 with
    every row, itself included ... — never ``nan``."""
    norms = vectors.norm(dim=1)
    cos = (vectors @ vectors.T) / (norms.unsqueeze(1) * norms.unsqueeze(0))
    cos[norms == 0] = 0.0
    return cos


# ---------------------------------------------------------------------------------------
# pca_2d
# ---------------------------------------------------------------------------------------


def pca_2d__right_qr_then_svd_of_r(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: reduced QR of the centred data first (float64), then the SVD of the small
    triangular factor ``R = Ur S Vh``; the scores are ``Q @ Ur[:, :2] * S[:2]``, which equals
    ``centred @ Vh[:2].T`` without ever forming it."""
    x = vectors.detach().to(torch.float64)
    centred = x - x.mean(dim=0, keepdim=True)
    q, r = torch.linalg.qr(centred, mode="reduced")
    ur, s, _ = torch.linalg.svd(r, full_matrices=False)
    scores = (q @ ur[:, :2]) * s[:2]
    return scores.to(dtype=vectors.dtype, device=vectors.device)


def pca_2d__right_numpy_u_times_s(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: numpy float64 SVD of the centred data and the scores as ``U[:, :2] * S[:2]``
    (the docstring's "equivalently" form), turned back into a tensor of the input's dtype on
    the input's device."""
    x = vectors.detach().to("cpu", torch.float64).numpy()
    centred = x - x.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    scores = np.ascontiguousarray(u[:, :2] * s[:2])
    return torch.from_numpy(scores).to(dtype=vectors.dtype, device=vectors.device)


def pca_2d__wrong_global_scalar_mean(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: centres with ``vectors.mean()`` (one number, the mean of ALL entries) instead
    of each column's mean. The worked example's columns both have mean 1, so it passes.
    Violates: "Centre: subtract the mean of each column, ``X - X.mean(dim=0)``."""
    centred = vectors - vectors.mean()
    U, S, Vh = torch.linalg.svd(centred, full_matrices=False)
    return centred @ Vh[:2].T


def pca_2d__wrong_eig_unsorted(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: uses the general ``torch.linalg.eig`` on the covariance and takes its FIRST two
    eigenvectors, trusting that they come largest first; LAPACK's order is not sorted (it
    often is near the top, e.g. in the worked example, but not always). Violates: "column 0
    is the coordinate along the first component, column 1 along the second" / "Everything
    else must match ``sklearn.decomposition.PCA(n_components=2)``."""
    centred = vectors - vectors.mean(dim=0)
    cov = centred.T @ centred / (vectors.shape[0] - 1)
    evals, evecs = torch.linalg.eig(cov)
    directions = evecs.real[:, :2].to(vectors.dtype)
    return centred @ directions


def pca_2d__wrong_pca_lowrank_randomised(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: ``torch.pca_lowrank(vectors, q=2)`` -- a RANDOMISED low-rank approximation
    (two power iterations): exact when the data has rank <= 2 (the worked example), off by
    whole units on ordinary data. Violates: "Everything else must match
    ``sklearn.decomposition.PCA(n_components=2)``."""
    centred = vectors - vectors.mean(dim=0)
    U, S, V = torch.pca_lowrank(vectors, q=2, center=True)
    return centred @ V[:, :2]
