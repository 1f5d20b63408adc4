"""Twenty-eighth examiner: topk.py entries (the docstring lawyer)."""
from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

_Row = namedtuple("_Row", ["token_id", "text", "probability"])


def top_k_table__right_namedtuple_rows(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: every row is a ``collections.namedtuple`` ``(token_id, text, probability)`` instead of a bare tuple, for readable field names in a notebook. A namedtuple IS a tuple (``isinstance(row, tuple)``, ``row == (id, text, p)``, unpacking, indexing, ``len`` 3 all hold); the docstring asks for "a list of ``min(k, vocab)`` tuples ``(token_id, text, probability)`` with plain Python types ``int``, ``str``, ``float``" and the three fields are exactly those types; only ``type(row) is tuple`` would tell. Sorted with ``torch.sort(..., descending=True, stable=True)`` (ties lower id first, also at the cut), ``min(k, vocab)`` rows, text ``tokenizer.decode([id])``. Agrees with a plain version on: the worked example ``[0.1, 0.6, 0.3]`` ``k = 2``; the tiny model's softmax for "The capital of Japan is" in float32 (``k`` 10), bfloat16 (``k`` 25), float16 (``k`` 10); ``k = 0`` (``[]``); ``k = 40000`` (32000 rows); ties ``[0.2, 0.2, 0.2, 0.4]`` ``k = 2`` (ids 3, 0); the softmax padded with zeros to 32064 ids, ``k = 40000`` (32064 rows) -- 8 inputs, ``==`` element for element (checks/check_entries.log)."""
    values, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[0])
    rows = []
    for value, token_id in zip(values[:n].tolist(), order[:n].tolist()):
        rows.append(_Row(int(token_id), tokenizer.decode([int(token_id)]), float(value)))
    return rows


def top_k_table__wrong_text_via_convert_tokens_to_string(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: heeds the pitfall's warning that ``convert_ids_to_tokens`` gives the raw piece and turns the piece into text itself, ``tokenizer.convert_tokens_to_string([tokenizer.convert_ids_to_tokens(id)])`` -- for every one of the tokenizer's 32000 ids exactly ``tokenizer.decode([id])`` (measured: 32000/32000 equal), so the worked examples, ``▁Tokyo`` -> ``"Tokyo"``, ties, ``k = 0`` and ``k`` beyond the vocabulary all pass. But an id past the tokenizer's pieces has no piece (``convert_ids_to_tokens`` returns ``None``), and the docstring says such ids are tokens too. Violates: "``vocab`` is its length, which may be more than the tokenizer's pieces (a model's output layer padded to a multiple of 64): those ids are tokens too (Mistral's tokenizer decodes each to ``''``)." [witness: the tiny model's softmax for "The capital of Japan is" padded with 64 zeros (length 32064), ``k = 40000``: ``TypeError: 'None' is not an instance of 'str'``; plain returns 32064 rows, the last ``(32063, '', 0.0)``. A 32064-long distribution with 0.5 on id 32010, ``k = 3``: ``TypeError``; plain's first row is ``(32010, '', 0.5)``.]"""
    values, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[0])
    rows = []
    for value, token_id in zip(values[:n].tolist(), order[:n].tolist()):
        piece = tokenizer.convert_ids_to_tokens(int(token_id))
        rows.append((int(token_id), tokenizer.convert_tokens_to_string([piece]), float(value)))
    return rows
