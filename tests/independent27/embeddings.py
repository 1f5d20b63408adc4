"""Twenty-seventh examiner: embeddings.py entries (the over-cautious learner)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__wrong_rows_must_match_tokenizer(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: checks that the matrix "belongs to" the tokenizer before using it: ``ValueError`` unless ``embedding_matrix.shape[0] == len(tokenizer)`` ("a matrix of another model would give garbage rows"). Then it is right: ``add_special_tokens=False`` (a ``"</s>"`` the text spells stays id 2), ``ValueError`` for a word with no tokens, the rows taken with an int64 index tensor on the matrix's device, ``mean(dim=0)`` in the matrix's dtype. The tiny model's matrix has exactly ``len(tokenizer)`` = 32000 rows, so the worked examples pass; but a model's embedding matrix is often padded beyond the tokenizer (``resize_token_embeddings(..., pad_to_multiple_of=64)``, the padded output layer the ``top_k_table`` docstring speaks of), and it is still "e.g. ``model.get_input_embeddings().weight``". Violates: "embedding_matrix: ``(vocab, d)``, e.g. ``model.get_input_embeddings().weight``; any floating dtype, on any device." [witness: the tiny model's input embeddings with 64 zero rows appended, shape ``(32064, 128)``, and ``"king"``: ``ValueError: embedding_matrix has 32064 rows but the tokenizer has 32000 tokens``; plain returns row 6779, as for the unpadded matrix. Equal to plain on the tiny model's ``(32000, 128)`` matrix: ``"Kyoto"`` (rows 15595 and 2587), ``"king"`` (row 6779), ``"</s>"`` (row 2), ``"unbelievable"`` in bfloat16, ``ValueError`` for ``""``.]"""
    if embedding_matrix.shape[0] != len(tokenizer):
        raise ValueError(
            f"embedding_matrix has {embedding_matrix.shape[0]} rows but the tokenizer has {len(tokenizer)} tokens"
        )
    ids = tokenizer(word, add_special_tokens=False).input_ids
    if not ids:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return embedding_matrix[index].mean(dim=0)
