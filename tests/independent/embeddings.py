"""Independent catalogue: submissions for exercises/embeddings.py.

Written from the docstrings of ``exercises/embeddings.py`` only.
"""
from __future__ import annotations

import numpy as np
import torch
from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# subword_averaged_embedding
# ---------------------------------------------------------------------------------------


def subword_averaged_embedding__right_index_select_wide_accumulator(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: ``index_select`` with an id tensor on the matrix's device, summed in at least
    float32 (float64 stays float64) and divided by the count, then cast back to the
    matrix's dtype."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no embedding rows to average")
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    wide = torch.promote_types(embedding_matrix.dtype, torch.float32)
    rows = embedding_matrix.index_select(0, index).to(wide)
    return (rows.sum(dim=0) / len(ids)).to(embedding_matrix.dtype)


def subword_averaged_embedding__right_python_loop(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: walks the ids in a Python loop, adding one row at a time into a float32/64
    accumulator (no id tensor at all), then divides and casts back."""
    ids = tokenizer.encode(word, add_special_tokens=False)
    if not ids:
        raise ValueError("the word has no tokens (empty string?), so there is nothing to average")
    wide = torch.promote_types(embedding_matrix.dtype, torch.float32)
    total = torch.zeros(embedding_matrix.shape[1], dtype=wide, device=embedding_matrix.device)
    with torch.no_grad():
        for token_id in ids:
            total = total + embedding_matrix[int(token_id)].to(wide)
    return (total / float(len(ids))).to(embedding_matrix.dtype)


def subword_averaged_embedding__wrong_includes_bos(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: ``tokenizer.encode(word)`` with its default special tokens, so the <s> row is
    averaged in (and "" gives the BOS row instead of an error). Violates: "Encode the word
    WITHOUT special tokens (``add_special_tokens=False``)."""
    ids = tokenizer.encode(word)
    if len(ids) == 0:
        raise ValueError("no tokens")
    index = torch.tensor(ids, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0)


def subword_averaged_embedding__wrong_sum_not_mean(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: sums the rows. Identical for one-token words such as "king", doubled for
    "Kyoto". Violates: "Average them over the token axis." / "and do not *sum*"."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError("no tokens to average")
    index = torch.tensor(ids, device=embedding_matrix.device)
    return embedding_matrix[index].sum(dim=0)


def subword_averaged_embedding__wrong_first_subword_only(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: takes the row of the first subword only ("the head token represents the
    word"). Same as the mean for one-token words. Violates: "Return one vector for ``word``:
    the mean of the embedding rows of its tokens."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError("no tokens to average")
    return embedding_matrix[ids[0]]


def subword_averaged_embedding__wrong_empty_gives_nan(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: no check for a word without tokens: ``""`` returns a vector of ``nan``.
    Violates: "A word that encodes to no tokens at all (the empty string ``""``) ...: raise
    ``ValueError``"."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0)


def subword_averaged_embedding__wrong_always_float32(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: converts the rows with ``.float()`` "for precision" and returns float32 for a
    float16/bfloat16/float64 matrix. Violates: "returns: ``(d,)``, same dtype and device as
    ``embedding_matrix``."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError("no tokens to average")
    index = torch.tensor(ids, device=embedding_matrix.device)
    return embedding_matrix[index].float().mean(dim=0)


# ---------------------------------------------------------------------------------------
# cosine_similarity_matrix
# ---------------------------------------------------------------------------------------


def cosine_similarity_matrix__right_gram_over_norm_outer_float64(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: Gram matrix first (in float64), then divides by the outer product of the row
    norms read off its diagonal; zero-norm pairs set to 0; symmetrised; cast back."""
    v = vectors.to(torch.float64)
    gram = v @ v.T
    norms = torch.sqrt(torch.clamp(torch.diagonal(gram), min=0.0))
    denom = norms[:, None] * norms[None, :]
    ok = denom > 0
    cos = torch.where(ok, gram / torch.where(ok, denom, torch.ones_like(denom)), torch.zeros_like(gram))
    cos = (cos + cos.T) / 2
    return cos.to(dtype=vectors.dtype, device=vectors.device)


def cosine_similarity_matrix__right_numpy_float64(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: done in numpy float64 (detached, on the CPU): unit rows with zero rows kept at
    zero, ``unit @ unit.T``, and the result turned back into a tensor of the input's dtype
    on the input's device."""
    x = vectors.detach().to("cpu", torch.float64).numpy()
    norms = np.sqrt((x * x).sum(axis=1, keepdims=True))
    safe = np.where(norms > 0, norms, 1.0)
    unit = np.where(norms > 0, x / safe, 0.0)
    cos = unit @ unit.T
    return torch.from_numpy(cos).to(dtype=vectors.dtype, device=vectors.device)


def cosine_similarity_matrix__wrong_column_norms(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: takes the norms over ``dim=0`` (the columns) before the matrix product.
    Violates: "Normalise each ROW to length 1 (the norm over ``dim=1``)"."""
    norms = vectors.norm(dim=0, keepdim=True)
    unit = vectors / torch.where(norms > 0, norms, torch.ones_like(norms))
    return unit @ unit.T


def cosine_similarity_matrix__wrong_one_length_only(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: divides the dot products by the length of row i only (``a·b / |a|``).
    Violates: "Dividing ... by only one of the two lengths, gives numbers that look plausible
    but are not cosines."""
    norms = vectors.norm(dim=1, keepdim=True)
    dots = vectors @ vectors.T
    return dots / torch.where(norms > 0, norms, torch.ones_like(norms))


def cosine_similarity_matrix__wrong_nan_for_zero_rows(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: normalises without guarding zero rows: a zero row gives 0/0 = ``nan``.
    Violates: "A row of zeros ... Give it similarity 0 with every row, itself included ...
    never ``nan``."""
    unit = vectors / vectors.norm(dim=1, keepdim=True)
    return unit @ unit.T


def cosine_similarity_matrix__wrong_force_diagonal_one(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: guards zero rows, then forces the diagonal to exactly 1 ("the diagonal is 1"),
    so a zero row gets similarity 1 with itself. Violates: "Give it similarity 0 with every
    row, itself included"."""
    norms = vectors.norm(dim=1, keepdim=True)
    unit = vectors / torch.where(norms > 0, norms, torch.ones_like(norms))
    cos = unit @ unit.T
    cos.fill_diagonal_(1.0)
    return cos


def cosine_similarity_matrix__wrong_returns_float32(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: works on ``vectors.float()`` and returns that, float32 whatever came in.
    Violates: "returns: ``(n, n)``, same dtype and device"."""
    v = vectors.float()
    norms = v.norm(dim=1, keepdim=True)
    unit = v / torch.where(norms > 0, norms, torch.ones_like(norms))
    return unit @ unit.T


def cosine_similarity_matrix__wrong_norm_plus_eps(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: avoids 0/0 by dividing by ``norm + 1e-6``; fine for unit-sized vectors, but a
    short vector (norm around 1e-5) gets a "cosine" far below 1 with itself.
    Violates: "Only the direction counts, not the length." (diagonal 1)."""
    unit = vectors / (vectors.norm(dim=1, keepdim=True) + 1e-6)
    return unit @ unit.T


# ---------------------------------------------------------------------------------------
# pca_2d
# ---------------------------------------------------------------------------------------


def pca_2d__right_gram_eigh_float64(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: eigen-decomposes the small ``n x n`` Gram matrix of the centred data in
    float64 (``eigh``, taking the LAST two eigenpairs, largest first); the scores are the
    eigenvectors times the square roots of the eigenvalues (= ``U * S``)."""
    x = vectors.to(torch.float64)
    centred = x - x.mean(dim=0, keepdim=True)
    gram = centred @ centred.T
    evals, evecs = torch.linalg.eigh(gram)
    top = torch.tensor([evals.shape[0] - 1, evals.shape[0] - 2], device=evals.device)
    scores = evecs[:, top] * torch.sqrt(torch.clamp(evals[top], min=0.0))
    return scores.to(dtype=vectors.dtype, device=vectors.device)


def pca_2d__right_numpy_svd_of_transpose(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: numpy float64 SVD of the TRANSPOSED centred matrix: its left singular vectors
    are the principal directions; project the centred data on the first two."""
    x = vectors.detach().to("cpu", torch.float64).numpy()
    centred = x - x.mean(axis=0, keepdims=True)
    u, s, vt = np.linalg.svd(centred.T, full_matrices=False)
    scores = centred @ u[:, :2]
    return torch.from_numpy(np.ascontiguousarray(scores)).to(dtype=vectors.dtype, device=vectors.device)


def pca_2d__right_covariance_eigh_reversed(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: covariance route in float64 (``eigh`` of ``Xc.T @ Xc / (n - 1)``), taking the
    last two eigenvectors in reverse order (largest first) and projecting on them."""
    x = vectors.to(torch.float64)
    centred = x - x.mean(dim=0)
    cov = centred.T @ centred / (x.shape[0] - 1)
    evals, evecs = torch.linalg.eigh(cov)
    directions = torch.flip(evecs[:, -2:], dims=[1])
    return (centred @ directions).to(vectors.dtype)


def pca_2d__wrong_no_centering(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: SVD of the raw data, no centring. Violates: "Centre: subtract the mean of each
    column" / "Without centring, the first "component" points at the mean of the data"."""
    U, S, Vh = torch.linalg.svd(vectors, full_matrices=False)
    return vectors @ Vh[:2].T


def pca_2d__wrong_eigh_smallest_two(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: covariance + ``eigh``, taking the FIRST two eigenvectors (the smallest).
    Violates: "``torch.linalg.eigh`` sorts eigenvalues from SMALLEST to largest ... take the
    last two, largest first."""
    centred = vectors - vectors.mean(dim=0)
    cov = centred.T @ centred / (vectors.shape[0] - 1)
    evals, evecs = torch.linalg.eigh(cov)
    return centred @ evecs[:, :2]


def pca_2d__wrong_eigh_last_two_not_reversed(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: takes the last two eigenvectors of ``eigh`` but in eigh's order, so column 0 is
    the SECOND component. Violates: "column 0 is the coordinate along the first component,
    column 1 along the second" ("take the last two, largest first")."""
    centred = vectors - vectors.mean(dim=0)
    cov = centred.T @ centred / (vectors.shape[0] - 1)
    evals, evecs = torch.linalg.eigh(cov)
    return centred @ evecs[:, -2:]


def pca_2d__wrong_centre_rows(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: subtracts each ROW's mean (``mean(dim=1)``) instead of each column's.
    Violates: "Centre: subtract the mean of each column, ``X - X.mean(dim=0)``."""
    centred = vectors - vectors.mean(dim=1, keepdim=True)
    U, S, Vh = torch.linalg.svd(centred, full_matrices=False)
    return centred @ Vh[:2].T


def pca_2d__wrong_u_without_s(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: returns ``U[:, :2]`` (unit-length, whitened scores) and forgets the singular
    values. Violates: "Project: ``centred @ Vh[:2].T`` (equivalently ``U[:, :2] * S[:2]``)"."""
    centred = vectors - vectors.mean(dim=0)
    U, S, Vh = torch.linalg.svd(centred, full_matrices=False)
    return U[:, :2]


def pca_2d__wrong_standardised_columns(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: also divides every column by its standard deviation (StandardScaler before
    PCA). The worked example has std 1 in both columns, so it passes that one.
    Violates: "Everything else must match ``sklearn.decomposition.PCA(n_components=2)``."""
    centred = vectors - vectors.mean(dim=0)
    std = centred.std(dim=0, keepdim=True)
    scaled = centred / torch.where(std > 0, std, torch.ones_like(std))
    U, S, Vh = torch.linalg.svd(scaled, full_matrices=False)
    return scaled @ Vh[:2].T


def pca_2d__wrong_returns_float32(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: starts with ``vectors = vectors.float()`` and so returns float32 for float64 (or
    float16) input. Violates: "returns: ``(n, 2)``, same dtype and device"."""
    vectors = vectors.float()
    centred = vectors - vectors.mean(dim=0)
    U, S, Vh = torch.linalg.svd(centred, full_matrices=False)
    return centred @ Vh[:2].T
