"""Twentieth examiner: tokens.py entries (PyTorch tokenizer-call habits against this contract)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def tokenize_with_pieces__wrong_pt_tensor_ids(text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True) -> list[tuple[int, str]]:
    """WRONG: calls the tokenizer the way every PyTorch example does, ``tokenizer(text, add_special_tokens=add_bos, return_tensors="pt").input_ids[0]``, gets the pieces from ``ids.tolist()``, and zips the pieces with the id TENSOR: each id is a 0-d ``torch.Tensor``, not an ``int``. The pairs print like ``(tensor(1), '<s>')`` and compare equal with ``==`` (``tensor(1) == 1`` is ``tensor(True)``, whose truth is ``True``), so a list comparison cannot tell; ``type(id) is int`` can, and so can a ``json.dumps`` or a dict lookup by id (a tensor hashes by identity). Convention: ``return_tensors="pt"`` in the Hugging Face and PyTorch tutorials. Violates: "returns: a ``list`` of ``(id, piece)`` tuples, ``id`` a plain Python ``int`` and ``piece`` a ``str``, in the order of the text." [witness: ``tokenize_with_pieces("The capital of Japan is", tokenizer)[0]`` -> ``(1, '<s>')`` with ``type(id) is int`` expected, ``(tensor(1), '<s>')`` returned]"""
    ids = tokenizer(text, add_special_tokens=add_bos, return_tensors="pt").input_ids[0]
    pieces = tokenizer.convert_ids_to_tokens(ids.tolist())
    return list(zip(ids, pieces))
