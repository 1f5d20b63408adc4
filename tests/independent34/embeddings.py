"""Thirty-fourth examiner: embeddings.py entries (the learner who reaches for torch's less common tools)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def _work_dtype(matrix: torch.Tensor) -> torch.dtype:
    return torch.float64 if matrix.dtype == torch.float64 else torch.float32


def subword_averaged_embedding__wrong_advanced_index_weights_drop_repeats(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: builds the mean as a weighted sum over the whole vocabulary: a float32 (float64 for float64) weight vector of zeros, ``weights[ids] += 1 / n`` for the ``n`` token ids (encoded without special tokens; ``""`` raises ``ValueError``), then ``weights @ embedding_matrix`` cast back to the matrix's dtype. ``+=`` on an advanced index is ``index_put_`` WITHOUT ``accumulate``: a token id that occurs twice is written once, so its weight stays ``1/n`` instead of ``2/n`` and the weights add up to less than 1. Every worked example has distinct ids ("Kyoto" ``[15595, 2587]``, "king" ``[6779]``), where it is exact. Violates: "Average them over the token axis." [witness: the tiny model's matrix (32000, 128) float32. ``"the the"`` (ids ``[272, 272]``) returns ``E[272] / 2``, plain ``E[272]`` (norm ratio 0.5000); ``"ababab"`` (``[534, 375, 375]``): ``(E[534] + E[375]) / 3``, plain ``(E[534] + 2 E[375]) / 3`` (max abs diff 0.1805); ``"ああああ"`` (``[28705, 29674, 29674, 29674, 29674]``): norm ratio 0.2497; ``"曇曇"`` (the three byte ids twice): max abs diff 0.0590. Equal to plain: "Kyoto" (error 0), "king" = ``E[6779]``, ``""`` ``ValueError``, "unbelievable" shape ``(128,)`` float32.]"""
    ids = tokenizer(word, add_special_tokens=False).input_ids
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    dtype = _work_dtype(embedding_matrix)
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    weights = torch.zeros(embedding_matrix.shape[0], dtype=dtype, device=embedding_matrix.device)
    weights[index] += 1.0 / len(ids)  # index_put_ without accumulate: a repeated id is written once
    return (weights @ embedding_matrix.to(dtype)).to(embedding_matrix.dtype)


def subword_averaged_embedding__right_index_put_accumulate_weights(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: the same weighted sum over the vocabulary, written with ``index_put_((ids,), full(n, 1/n), accumulate=True)``: a repeated id gets ``2/n``, ``3/n``..., so the weights are exactly the mean's and ``weights @ matrix`` (float32, float64 for float64 matrices; half precision cast back, which step 3 allows) is the average of the rows with multiplicity; the products with the zero weights are exact zeros, so only the summation order differs from ``rows.mean(0)``. Ids are encoded without special tokens (``"</s>"`` keeps id 2), ``""`` raises ``ValueError``, the result has the matrix's dtype and device, and a padded matrix (more rows than the tokenizer's pieces) just has more zero weights. Agrees with a plain version on: "Kyoto", "the the", "ababab", "曇曇", "</s>" (float32, max abs diff 0 .. 2.98e-08), "unbelievable" bfloat16 (0), "ああああ" float16 (1.22e-04, one float16 unit), "hahahaha" float64 (0), "king" on a (32064, 128) padded matrix (0) -- checks/check_entries.log."""
    ids = tokenizer(word, add_special_tokens=False).input_ids
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    dtype = _work_dtype(embedding_matrix)
    device = embedding_matrix.device
    index = torch.tensor(ids, dtype=torch.long, device=device)
    share = torch.full((len(ids),), 1.0 / len(ids), dtype=dtype, device=device)
    weights = torch.zeros(embedding_matrix.shape[0], dtype=dtype, device=device)
    weights.index_put_((index,), share, accumulate=True)
    return (weights @ embedding_matrix.to(dtype)).to(embedding_matrix.dtype)


def cosine_similarity_matrix__right_functional_cosine_rowwise_tiny_eps(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: no matrix product and no norm of its own: one call of ``torch.nn.functional.cosine_similarity(x[i:i+1], x, dim=1, eps=...)`` per row, stacked into the ``(n, n)`` matrix, on a float64 copy (half precision and float32 widened exactly), cast back to the input's dtype. ``F.cosine_similarity``'s default ``eps=1e-8`` is what makes the filed entry wrong on rows shorter than ``1e-8``; here ``eps`` is float64's smallest normal (2.2e-308), so a ``1e-13`` row keeps its direction (self-cosine 1) while a zero row, whose norm is clamped to that eps, gives ``0 / eps = 0`` with every row, itself included, never ``nan``. Row by row, so the memory stays ``O(n d)`` instead of the ``(n, n, d)`` of a broadcast call. Agrees with a plain version on: the worked example (diff 0), a zero row, a ``1e-13`` row with a zero row, 8 tiny-model word vectors in float32, bfloat16 and float16 (diff 0), a random (50, 300) float64 batch (8.9e-16), a single row -- checks/check_entries.log."""
    x = vectors.detach().to(torch.float64)
    eps = torch.finfo(torch.float64).tiny
    rows = [F.cosine_similarity(x[i : i + 1], x, dim=1, eps=eps) for i in range(x.shape[0])]
    return torch.stack(rows).to(vectors.dtype)
