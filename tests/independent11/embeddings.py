"""Eleventh examiner: embeddings.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__wrong_message_is_the_word(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: rejects a word with no tokens by ``raise ValueError(word)`` ("report the offending word"); the only such word is ``""``, so the message is always empty. Violates: "A word that encodes to no tokens at all (the empty string ``""``) has no rows to average: raise ``ValueError`` saying so (the mean of nothing would be ``nan``)." [witness: ``subword_averaged_embedding("", tokenizer, E)``: ``ValueError('')``, ``str(error) == ''``]"""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if not ids:
        raise ValueError(word)
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0)


def subword_averaged_embedding__right_functional_embedding(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: looks the rows up with ``torch.nn.functional.embedding`` on a ``(1, n)`` id tensor from ``return_tensors="pt"`` (moved to the matrix's device) and averages with ``.mean(dim=1)[0]``; the empty word is caught from the tensor's width."""
    ids = tokenizer(word, add_special_tokens=False, return_tensors="pt")["input_ids"]
    if ids.shape[-1] == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no embedding rows to average")
    rows = F.embedding(ids.to(embedding_matrix.device), embedding_matrix)
    return rows.mean(dim=1)[0]
