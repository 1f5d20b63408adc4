"""Independent catalogue, round 4: submissions for exercises/embeddings.py.

Written from the docstrings of ``exercises/embeddings.py`` only, avoiding the mistakes of
rounds 1-3.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__wrong_accumulates_into_first_row(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: starts the running sum at ``embedding_matrix[ids[0]]`` -- a VIEW of the matrix
    -- and adds the other rows with ``+=`` / divides with ``/=`` (under ``no_grad``), so the
    first token's row of the caller's embedding matrix is overwritten by the average. The
    returned vector is right the first time. Violates: "Return one vector for ``word``: the
    mean of the embedding rows of its tokens." (the rows are no longer the model's)
    ["Kyoto" twice: the second call returns (mean + row 2587) / 2; ``embedding_matrix[15595]``
    changed after the first call]"""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: nothing to average")
    with torch.no_grad():
        total = embedding_matrix[ids[0]]
        for i in ids[1:]:
            total += embedding_matrix[i]
        total /= len(ids)
    return total
