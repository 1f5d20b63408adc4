"""Reference: word vectors from the embedding matrix, their cosine similarities and a 2-D PCA.

The model's input embedding matrix has one row per token id, shape ``(vocab, d)``. A word the
tokenizer splits into several subwords gets the mean of their rows (the seed notebook's
"subword average"). Cosine similarity and PCA come from scikit-learn, so they are independent
of the solutions.
"""
from __future__ import annotations

import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.metrics.pairwise import cosine_similarity
from transformers import PreTrainedTokenizerBase


def word_token_ids(word: str, tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """The ids of ``word`` without special tokens (no BOS): ``'Kyoto'`` -> ``[15595, 2587]``."""
    return list(tokenizer(word, add_special_tokens=False)["input_ids"])


def subword_averaged_embedding(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """The mean of the embedding rows of ``word``'s tokens: ``(vocab, d)`` -> ``(d,)``.

    Looks the rows up with ``torch.nn.functional.embedding`` (what ``nn.Embedding`` does inside
    the model), on the matrix's device, in its dtype. Raises ``ValueError`` when ``word``
    encodes to no tokens (the empty string).
    """
    ids = word_token_ids(word, tokenizer)
    if not ids:
        raise ValueError(f"{word!r} encodes to no tokens, so it has no embedding rows to average")
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    rows = torch.nn.functional.embedding(index, embedding_matrix)  # (n_tokens, d)
    return rows.mean(dim=0)


def word_vectors(
    words: list[str], tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """The subword-averaged embedding of each word, stacked: ``(n_words, d)``."""
    return torch.stack([subword_averaged_embedding(word, tokenizer, embedding_matrix) for word in words])


def _as_float64_numpy(vectors: torch.Tensor) -> np.ndarray:
    if vectors.dim() != 2:
        raise ValueError(f"expected a (n, d) tensor, got shape {tuple(vectors.shape)}")
    return vectors.detach().to("cpu", torch.float64).numpy()


def cosine_similarity_matrix(vectors: torch.Tensor) -> torch.Tensor:
    """All pairwise cosine similarities of the rows: ``(n, d)`` -> ``(n, n)``, same dtype and device.

    scikit-learn's ``cosine_similarity`` in float64. A zero vector has no direction: its
    similarity with every vector, itself included, is 0 (scikit-learn's convention), never nan.
    """
    similarities = cosine_similarity(_as_float64_numpy(vectors))
    return torch.from_numpy(similarities).to(device=vectors.device, dtype=vectors.dtype)


def pca_2d(vectors: torch.Tensor) -> torch.Tensor:
    """The rows projected onto their first two principal components: ``(n, d)`` -> ``(n, 2)``.

    scikit-learn's ``PCA(n_components=2)`` (full SVD) in float64, returned in the input's
    dtype and device. Each component is defined only up to its sign: scikit-learn picks the
    sign that makes the largest-magnitude entry of each component positive; another correct
    implementation may return a column multiplied by -1. Needs ``n >= 2`` and ``d >= 2``.
    """
    projected = PCA(n_components=2, svd_solver="full").fit_transform(_as_float64_numpy(vectors))
    return torch.from_numpy(projected).to(device=vectors.device, dtype=vectors.dtype)


def align_signs(projection: torch.Tensor, expected: torch.Tensor) -> torch.Tensor:
    """``projection`` with each column's sign flipped where that brings it closer to ``expected``.

    Both ``(n, k)``. PCA components are only defined up to sign, so this is how two correct
    projections are compared. Shapes must already agree.
    """
    got = projection.detach().to("cpu", torch.float64)
    want = expected.detach().to("cpu", torch.float64)
    flip = (got - want).abs().sum(dim=0) > (got + want).abs().sum(dim=0)
    signs = torch.where(flip, -1.0, 1.0).to(torch.float64)
    return (got * signs).to(projection.dtype)
