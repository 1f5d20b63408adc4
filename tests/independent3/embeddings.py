"""Independent catalogue, round 3: submissions for exercises/embeddings.py.

Written from the docstrings of ``exercises/embeddings.py`` only, avoiding every mistake and
every style already in rounds 1 and 2 (``tests/independent/embeddings.py``,
``tests/independent2/embeddings.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# subword_averaged_embedding
# ---------------------------------------------------------------------------------------


def subword_averaged_embedding__wrong_blank_word_rejected(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: tests the *string* for emptiness (``if not word.strip()``) instead of the
    token list, so a word of spaces -- which encodes to ``'▁'`` (id 28705) or ``'▁▁▁'`` --
    raises although it has rows to average. Violates: "A word that encodes to no tokens at
    all (the empty string ``""``) has no rows to average: raise ``ValueError``" /
    "word: a string (usually one word; any text works)." [``" "`` -> ``embedding_matrix[28705]``]"""
    if not word.strip():
        raise ValueError(f"cannot embed a blank word: {word!r}")
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0)


def subword_averaged_embedding__wrong_set_of_ids(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: collects the ids in a ``set`` ("the distinct subwords"), so a token that occurs
    twice is averaged in once. Violates: "Return one vector for ``word``: the mean of the
    embedding rows of its tokens." [``"a a b"`` -> ``(2*E[264] + E[287]) / 3``]"""
    ids = sorted(set(tokenizer.encode(word, add_special_tokens=False)))
    if not ids:
        raise ValueError("the word encodes to no tokens: nothing to average")
    index = torch.tensor(ids, device=embedding_matrix.device)
    return embedding_matrix.index_select(0, index).mean(dim=0)


def subword_averaged_embedding__wrong_drops_lone_space_marker(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: throws away the lone ``'▁'`` token (id 28705) that starts words in scripts
    without spaces, taking it for a tokenizer artefact like the BOS. It is one of the word's
    tokens and its row belongs in the mean. Violates: "Return one vector for ``word``: the
    mean of the embedding rows of its tokens." [``"日本"`` -> ids ``[28705, 29142, 29119]``]"""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    marker = tokenizer.convert_tokens_to_ids("\u2581")
    content = [i for i in ids if i != marker] or ids
    if not content:
        raise ValueError("the word encodes to no tokens: nothing to average")
    index = torch.tensor(content, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0)


def subword_averaged_embedding__right_uniform_weights_matvec(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: the mean as a weighted sum, ``w @ rows`` with ``w = [1/n] * n`` in the
    matrix's dtype (``torch.mv`` of the transposed rows), instead of ``.mean(dim=0)``."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    n = len(ids)
    if n == 0:
        raise ValueError(f"{word!r} encodes to no tokens, so there are no rows to average")
    rows = torch.nn.functional.embedding(
        torch.tensor(ids, dtype=torch.int64, device=embedding_matrix.device), embedding_matrix
    )
    weights = torch.full((n,), 1.0 / n, dtype=torch.float64, device=embedding_matrix.device)
    return torch.mv(rows.to(torch.float64).T, weights).to(embedding_matrix.dtype)


# ---------------------------------------------------------------------------------------
# cosine_similarity_matrix
# ---------------------------------------------------------------------------------------


def cosine_similarity_matrix__wrong_functional_cosine_eps(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: broadcasts ``torch.nn.functional.cosine_similarity`` over all pairs. Its
    ``eps=1e-8`` floor on each norm does give 0 for a zero row, but it also shrinks the
    cosine of every short, non-zero row: ``[1e-9, 0]`` with itself gives 0.01, not 1.
    Violates: "Only the direction counts, not the length." / "its diagonal is 1"
    [``[[1e-9, 0.0], [1.0, 0.0]]`` -> all ones]"""
    return torch.nn.functional.cosine_similarity(vectors[:, None, :], vectors[None, :, :], dim=-1)


def cosine_similarity_matrix__wrong_manual_norm_overflows_half(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: writes the norm out as ``sqrt((v * v).sum(1))`` in the input's dtype; in
    float16 a component of 300 squares to 90000 > 65504 = ``inf``, the row's unit vector
    becomes 0 and its cosines 0. (``torch.linalg.vector_norm`` scales and does not
    overflow.) Violates: "``cos(a, b) = (a · b) / (|a| |b|)``: 1 for vectors pointing the same
    way" [float16 ``[[300, 0], [1, 0]]`` -> ``[[1, 1], [1, 1]]``]"""
    norms = (vectors * vectors).sum(dim=1, keepdim=True).sqrt()
    unit = torch.where(norms > 0, vectors / norms, torch.zeros_like(vectors))
    unit = torch.nan_to_num(unit, nan=0.0)
    return unit @ unit.T


def cosine_similarity_matrix__right_max_abs_prescaled(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: divides each row by its largest absolute entry first (so neither tiny nor huge
    rows under- or overflow), then by its Euclidean norm, in float64; zero rows stay zero
    through ``torch.where``; one ``einsum`` for all pairs, cast back to the input dtype."""
    x = vectors.to(torch.float64)
    scale = x.abs().amax(dim=1, keepdim=True)
    nonzero = scale > 0
    x = torch.where(nonzero, x / torch.where(nonzero, scale, torch.ones_like(scale)), torch.zeros_like(x))
    length = x.pow(2).sum(dim=1, keepdim=True).sqrt()
    unit = torch.where(nonzero, x / torch.where(nonzero, length, torch.ones_like(length)), torch.zeros_like(x))
    return torch.einsum("id,jd->ij", unit, unit).to(vectors.dtype)


# ---------------------------------------------------------------------------------------
# pca_2d
# ---------------------------------------------------------------------------------------


def pca_2d__wrong_eigh_rows_not_columns(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: goes through the covariance matrix and reverses the eigenvalue order (largest
    first, as the pitfall says), but takes ROWS of ``eigh``'s eigenvector matrix; the
    eigenvectors are its COLUMNS. On the worked example the 2 x 2 eigenvector matrix happens
    to be symmetric, so rows and columns agree. Violates: "column 0 is the coordinate along
    the first component, column 1 along the second." / "Everything else must match
    ``sklearn.decomposition.PCA(n_components=2)``" [``torch.manual_seed(0); randn(10, 4)``]"""
    centred = vectors - vectors.mean(dim=0)
    cov = centred.T @ centred / (vectors.shape[0] - 1)
    _, eigvecs = torch.linalg.eigh(cov)
    directions = eigvecs.flip(0)[:2]  # rows, largest eigenvalue first -- wrong axis
    return centred @ directions.T


def pca_2d__wrong_power_iteration_fixed_steps(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: "writes it yourself" with power iteration and deflation, 25 steps per
    component from a fixed start. When the two largest variances are close the iteration
    has not converged and the directions are mixtures. Violates: "Everything else must
    match ``sklearn.decomposition.PCA(n_components=2)``." [centred ``U * [10, 9.9, 1] @ Vh``
    from the SVD of ``randn(50, 3)`` with ``manual_seed(0)``: spreads 10 and 9.9]"""
    centred = vectors - vectors.mean(dim=0)
    cov = centred.T @ centred
    d = cov.shape[0]
    tiny = 1e-6 * float(cov.diagonal().sum())
    directions = []
    for _ in range(2):
        v = torch.ones(d, dtype=vectors.dtype, device=vectors.device) / d**0.5
        for _ in range(25):
            w = cov @ v
            n = torch.linalg.vector_norm(w)
            if n <= tiny:
                v = torch.zeros_like(v)
                break
            v = w / n
        lam = v @ cov @ v
        cov = cov - lam * torch.outer(v, v)
        directions.append(v)
    return centred @ torch.stack(directions, dim=1)


def pca_2d__right_svd_flip_like_sklearn(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: float64 SVD of the centred data, then scikit-learn's own sign rule
    (``svd_flip``: the largest-magnitude entry of each column of ``U`` made positive), so
    the signs are deterministic; ``U * S`` for the scores, cast back."""
    x = vectors.to(torch.float64)
    centred = x - x.mean(dim=0, keepdim=True)
    u, s, _ = torch.linalg.svd(centred, full_matrices=False)
    u, s = u[:, :2], s[:2]
    pivot = u.abs().argmax(dim=0)
    signs = torch.sign(u[pivot, torch.arange(u.shape[1], device=u.device)])
    signs = torch.where(signs == 0, torch.ones_like(signs), signs)
    return (u * signs * s).to(vectors.dtype)
