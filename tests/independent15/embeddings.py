"""Fifteenth examiner: embeddings.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__wrong_squeeze_all_axes(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: encodes with ``return_tensors="pt"`` (ids of shape ``(1, n)``), averages ``embedding_matrix[ids]`` (shape ``(1, n, d)``) over ``dim=1`` and gets rid of the leftover batch axis with ``.squeeze()`` instead of ``[0]`` / ``squeeze(0)``. Right for every matrix with ``d >= 2`` (the tiny model's 128, Mistral's 4096, every worked example; the empty word raises ``ValueError``), but a matrix of width 1 loses its ``d`` axis too and comes back 0-d. Violates: "returns: ``(d,)``, same dtype and device as ``embedding_matrix``." [witness: ``subword_averaged_embedding("Kyoto", tokenizer, torch.randn(32000, 1))``: shape ``(1,)`` expected, shape ``()`` returned]"""
    ids = tokenizer(word, add_special_tokens=False, return_tensors="pt")["input_ids"]
    if ids.shape[-1] == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    ids = ids.to(device=embedding_matrix.device, dtype=torch.long)
    return embedding_matrix[ids].mean(dim=1).squeeze()
