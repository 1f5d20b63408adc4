"""Tenth examiner: embeddings.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__wrong_numpy_mean(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: averages in NumPy ("``np.mean`` is what I know"): the matrix goes through
    ``.detach().cpu().numpy()`` and the mean comes back with ``torch.from_numpy``. Right values
    and dtype for float16/float32/float64 on CPU, but a ``bfloat16`` matrix raises ``TypeError``
    (NumPy has no bfloat16) and a CUDA matrix gets a CPU vector back. Violates:
    "embedding_matrix: ``(vocab, d)``, ...; any floating dtype, on any device." / "returns:
    ``(d,)``, same dtype and device as ``embedding_matrix``."
    [witness: ``"Kyoto"`` with a ``bfloat16`` matrix -> ``TypeError: Got unsupported
    ScalarType BFloat16`` instead of ``(E[15595] + E[2587]) / 2`` in bfloat16]"""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    rows = embedding_matrix.detach().cpu().numpy()[ids]
    return torch.from_numpy(rows.mean(axis=0))


def subword_averaged_embedding__wrong_filters_special_ids(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: encodes with the tokenizer's defaults and then removes every id of
    ``tokenizer.all_special_ids`` ("the BOS, and any other special, must not be averaged in").
    The same as encoding without special tokens for every ordinary word, but a ``</s>`` or
    ``<s>`` written in the word, which the tokenizer reads as that special token even with
    ``add_special_tokens=False``, is dropped too: ``"</s>"`` raises as if it had no tokens.
    Violates: "Encode the word WITHOUT special tokens (``add_special_tokens=False``)." / "A
    word that encodes to no tokens at all (the empty string ``""``) has no rows to average"
    [witness: ``"</s>"`` -> ``E[2]`` expected (its only token, id 2), ``ValueError`` raised;
    ``"a</s>"`` -> mean of the rows of 264 and 2 expected, the row of 264 returned]"""
    special = set(tokenizer.all_special_ids)
    ids = [i for i in tokenizer.encode(word) if i not in special]
    if not ids:
        raise ValueError(f"{word!r} has no tokens to average")
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0)


def subword_averaged_embedding__right_index_reduce_mean(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: no ``mean`` and no sum: every row is scattered into ONE output row with
    ``Tensor.index_reduce_(..., "mean", include_self=False)`` (all indices 0), accumulated in
    float32 (float64 for a float64 matrix) and cast back to the matrix's dtype."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens, so there is nothing to average")
    device = embedding_matrix.device
    wide = torch.float64 if embedding_matrix.dtype == torch.float64 else torch.float32
    rows = embedding_matrix.index_select(0, torch.tensor(ids, dtype=torch.long, device=device)).to(wide)
    out = rows.new_zeros((1, rows.shape[1]))
    slot = torch.zeros(len(ids), dtype=torch.long, device=device)
    out = out.index_reduce(0, slot, rows, "mean", include_self=False)
    return out[0].to(embedding_matrix.dtype)
