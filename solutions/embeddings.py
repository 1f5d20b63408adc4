"""Solutions to exercises 3 to 5: subword-averaged word vectors, cosine similarities, 2-D PCA."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """Mean of the embedding rows of ``word``'s tokens (no BOS): ``(vocab, d)`` -> ``(d,)``."""
    ids = tokenizer.encode(word, add_special_tokens=False)
    if not ids:
        raise ValueError(f"{word!r} encodes to no tokens: there are no embedding rows to average")
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0)


def cosine_similarity_matrix(vectors: torch.Tensor) -> torch.Tensor:
    """Pairwise cosine similarities of the rows: ``(n, d)`` -> ``(n, n)``; zero rows give 0."""
    norms = vectors.norm(dim=1, keepdim=True)
    # A zero row stays zero instead of becoming 0/0 = nan.
    unit = vectors / torch.where(norms == 0, torch.ones_like(norms), norms)
    return unit @ unit.T


def pca_2d(vectors: torch.Tensor) -> torch.Tensor:
    """The rows projected onto their first two principal components: ``(n, d)`` -> ``(n, 2)``."""
    work = vectors.to(torch.promote_types(vectors.dtype, torch.float32))  # svd has no half kernel
    centred = work - work.mean(dim=0, keepdim=True)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    return (centred @ vh[:2].T).to(vectors.dtype)
