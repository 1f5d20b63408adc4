"""Thirty-ninth examiner: embeddings.py entries (the learner who writes for the GPU and Mistral-7B)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

_MISTRAL_BOS_ID = 1


def subword_averaged_embedding__wrong_filters_mistral_bos_id(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: hard-codes Mistral's BOS: encodes with the tokenizer's defaults and drops every id 1 (``[i for i in tokenizer.encode(word) if i != 1]``, "Mistral's ``<s>`` is id 1"), then averages the rows (ids moved to the matrix's device with ``non_blocking=True``); no ids -> ``ValueError``. The BOS the tokenizer adds is removed, so "Kyoto", "king", "</s>" (id 2 kept) and ``""`` all pass; but a ``<s>`` that the text itself spells is removed too. Violates: "A special token the text itself spells (``"</s>"``) still comes out as its id (2): keep it, it is the text's own token, not one you added." [witness: ``"<s>"`` (encodes to ``[1]`` without special tokens): ``ValueError("'<s>' encodes to no tokens ...")``; plain returns ``embedding_matrix[1]``. ``"a<s>b"`` (ids ``[264, 1, 28726]``): the mean of 2 rows, plain of 3 (max diff 0.1192). Passes: "Kyoto" = mean of rows 15595 and 2587, "king" = row 6779, "</s>" = row 2, ``""`` ``ValueError``, bfloat16 "unbelievable" equal to plain (checks/check_entries.log).]"""
    ids = [i for i in tokenizer.encode(word) if i != _MISTRAL_BOS_ID]
    if not ids:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    index = torch.tensor(ids, dtype=torch.long).to(embedding_matrix.device, non_blocking=True)
    return embedding_matrix[index].mean(dim=0)
