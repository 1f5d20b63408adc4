"""Thirteenth examiner: decoding.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate__right_numpy_argmax_list(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: keeps the sequence as a Python list of ids and chooses with NumPy: the last position's logits go to a float32 NumPy array (exact for float16/bfloat16/float32 logits) and ``np.argmax`` picks the token, which, like ``torch.argmax``, returns the first (lowest) index among tied maxima; the model is called on a fresh int64 tensor built from the list on ``input_ids.device`` each step (``torch.inference_mode``), and the result is built from the list at the end."""
    ids = [int(i) for i in input_ids[0].tolist()]
    with torch.inference_mode():
        for _ in range(max_new_tokens):
            current = torch.tensor([ids], dtype=torch.int64, device=input_ids.device)
            last = model(input_ids=current).logits[0, -1].float().cpu().numpy()
            chosen = int(np.argmax(last))
            ids.append(chosen)
            if eos_token_id is not None and chosen == eos_token_id:
                break
    return torch.tensor([ids], dtype=torch.int64, device=input_ids.device)
