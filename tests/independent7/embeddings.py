"""Seventh examiner: embeddings.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__wrong_keepdim_row(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: averages with ``mean(dim=0, keepdim=True)`` "so it stays a row of the matrix",
    returning shape ``(1, d)``; the values are right, and ``torch.allclose`` or a
    subtraction against the expected ``(d,)`` vector broadcasts and passes. Violates:
    "returns: ``(d,)``, same dtype and device as ``embedding_matrix``." [``"king"`` on the
    tiny model's matrix: shape ``(1, 128)`` instead of ``(128,)``; stacking 20 such words
    gives ``(20, 1, 128)``, which ``cosine_similarity_matrix`` cannot take]"""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if not ids:
        raise ValueError(f"{word!r} encodes to no tokens: there is nothing to average")
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0, keepdim=True)


def subword_averaged_embedding__right_running_mean_float64(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: the rows are taken with one ``index_select`` and averaged by a running
    (Welford-style) mean, ``acc += (row - acc) / i``, kept in float64 and cast back to the
    matrix's dtype at the end; the ids come from ``tokenizer.tokenize`` +
    ``convert_tokens_to_ids`` (no special tokens either way); the rows are detached, so the
    result carries no autograd graph even for ``model.get_input_embeddings().weight``."""
    pieces = tokenizer.tokenize(word)
    ids = tokenizer.convert_tokens_to_ids(pieces)
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens, so there are no rows to average")
    rows = embedding_matrix.index_select(0, torch.as_tensor(ids, dtype=torch.long, device=embedding_matrix.device))
    acc = torch.zeros(embedding_matrix.shape[1], dtype=torch.float64, device=embedding_matrix.device)
    for i, row in enumerate(rows, start=1):
        acc += (row.detach().double() - acc) / i
    return acc.to(embedding_matrix.dtype)


def pca_2d__wrong_float32_then_cast_back(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: converts EVERY input to float32 "so half precision and float64 take the same
    path" and casts the result back to the input's dtype: the dtype is right, but float64
    vectors are centred and decomposed in float32. Violates: "Compute in the vectors' own
    precision (float64 ones in float64)". [float64 ``torch.manual_seed(0);
    1e4 + 1e-3 * randn(12, 6)``: float32 cannot hold the offsets, the coordinates are off by
    about half the size of the data itself (2e-3 against 4e-3); float64 ``randn(20, 64)``:
    off by ~1e-5, far above a 1e-8 tolerance; float32, float16, bfloat16 and the worked example are right]"""
    work = vectors.float()
    centred = work - work.mean(dim=0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    return (centred @ vh[:2].T).to(vectors.dtype)
