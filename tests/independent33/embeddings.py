"""Thirty-third examiner: embeddings.py entries (the learner who writes it the way the Hugging Face docs do)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__right_embedding_module_from_pretrained(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: the model-card way: ``inputs = tokenizer(word, add_special_tokens=False, return_tensors="pt")`` (a ``BatchEncoding``, ids of shape ``(1, n)``), ``ValueError`` when ``n`` is 0, then the matrix wrapped as the module ``get_input_embeddings()`` would be, ``torch.nn.Embedding.from_pretrained(embedding_matrix, freeze=True)`` (it shares the matrix's storage: same dtype, device and values), called on the ids moved to the matrix's device, ``.mean(dim=1)[0]``. The wrapper's ``freeze`` sets ``requires_grad`` on its own ``Parameter`` only; the caller's matrix is left as it was. Agrees with a plain version on: "Kyoto" (the mean of rows 15595 and 2587), "king" (row 6779, bit-equal), "</s>" (row 2), "unbelievable" in bfloat16, "明日の天気は" in float16, "king" in a matrix padded to 32064 rows, " hello world" in float64 -- all bit-equal; ``""`` raises ``ValueError`` (checks/check_entries.log)."""
    inputs = tokenizer(word, add_special_tokens=False, return_tensors="pt")
    if inputs.input_ids.shape[-1] == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no embedding rows to average")
    embed = torch.nn.Embedding.from_pretrained(embedding_matrix, freeze=True)
    rows = embed(inputs.input_ids.to(embedding_matrix.device))  # (1, n, d)
    return rows.mean(dim=1)[0]
