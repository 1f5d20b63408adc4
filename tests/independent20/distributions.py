"""Twentieth examiner: distributions.py entries (Hugging Face ModelOutput habits against this contract)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def next_token_logits__right_dict_style_output_access(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT (written as WRONG by the examiner; the project decided otherwise, see the README): reads the logits the dict way, ``model(input_ids=ids)["logits"][:, -1, :]``, as the Hugging Face course does. Every model the exercise is given returns a transformers ``ModelOutput`` (the grader's toy ``BigramModel`` answers as a transformers model does), and ``outputs["logits"]`` is its ``.logits``, so the same row comes back for every model graded; ``.logits`` says what is meant and is the better habit, but this is not a wrong answer."""
    with torch.no_grad():
        outputs = model(input_ids=input_ids)
    return outputs["logits"][:, -1, :]
