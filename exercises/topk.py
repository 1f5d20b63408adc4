"""Exercises 8 and 9: top-k — look at the best few candidates, and cut the rest.

After the softmax, the model gives every one of its 32000 tokens some probability, even
absurd ones. Two things help: *looking* at the few most probable tokens (the bar chart of
"The capital of Japan is" in the seed notebook), and *cutting* the distribution down to its
``k`` best tokens before sampling, so an absurd token can never be drawn. That cut is top-k,
``generate(top_k=...)`` in transformers.

Run ``decodelab check top_k`` / ``decodelab check top_k_table`` to test your work.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def top_k_mask(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Mark the ``k`` highest-scoring tokens of each row: ``True`` = keep, ``False`` = drop.

    Why it matters: sampling only among the kept tokens (set the others' probability to 0
    and renormalise) stops a sampler from ever picking one of the thousands of tokens that
    together hold a little probability but are each nonsense here.

    Shapes:
        probs: ``(..., vocab)`` probabilities — or logits: the softmax never changes which
            scores are largest, so both give the same mask. Any number of leading axes,
            contiguous or not.
        returns: a ``torch.bool`` tensor of the same shape, in vocabulary order: entry
            ``[..., i]`` says whether token ``i`` is kept.

    Example:
        ``top_k_mask(torch.tensor([0.1, 0.5, 0.15, 0.25]), 2)``
        -> ``tensor([False, True, False, True])``: 0.5 (token 1) and 0.25 (token 3) are the
        two largest. With a batch ``(2, 4)`` each row keeps its own two.

    Edge cases:
        - ``k`` at least the vocabulary size keeps every token.
        - ``k < 1`` raises ``ValueError`` (keeping no token leaves nothing to sample).
        - Ties: a token is kept when its score is at least the k-th largest score of its
          row. So ``top_k_mask(torch.tensor([0.4, 0.2, 0.2, 0.2]), 2)`` keeps all four: the
          three tokens at 0.2 tie for second place, and dropping some of them but not others
          would be arbitrary. This is what transformers' ``TopKLogitsWarper`` does. A score of
          ``-inf`` (a token masked before) is a score like any other: when the k-th largest is
          ``-inf`` itself, every ``-inf`` of the row ties with it and is kept.

    Pitfall:
        ``torch.topk(probs, k)`` returns the k largest *values and their indices*, sorted
        best first — not a mask. Build the mask in vocabulary order (compare every score
        with the k-th largest value of its row), and ask for ``dim=-1`` so each row of a
        batch is decided on its own.
    """
    raise NotImplementedError("top_k_mask: see the docstring")


def top_k_table(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """List the ``k`` most probable next tokens, most probable first, as the seed's bar chart does.

    Why it matters: this table is the first look at what a model "thinks": for "The capital
    of Japan is", Mistral-7B puts ``▁Tokyo`` far ahead of everything else, and the rest of
    the top 10 shows what else it considered.

    Shapes:
        probs: ``(vocab,)`` — ONE distribution (for example ``softmax(logits[0, -1])``).
            ``vocab`` is its length, which may be more than the tokenizer's pieces (a model's
            output layer padded to a multiple of 64): those ids are tokens too (Mistral's
            tokenizer decodes each to ``''``).
        tokenizer: the model's tokenizer, to turn ids into readable text.
        k: how many rows, a whole number 0 or more (what a negative ``k`` does is not graded).
        returns: a list of ``min(k, vocab)`` tuples ``(token_id, text, probability)`` with
            plain Python types ``int``, ``str``, ``float`` (not tensors), sorted by
            probability, highest first.

    Example:
        With ``probs = torch.tensor([0.1, 0.6, 0.3])`` and ``k = 2`` the table is
        ``[(1, tokenizer.decode([1]), 0.6...), (2, tokenizer.decode([2]), 0.3...)]``.
        For the tiny model and "The capital of Japan is", the first row is the id of
        ``▁Tokyo`` with text ``"Tokyo"``.

    Edge cases:
        - ``k`` larger than the vocabulary lists every token.
        - ``k = 0`` lists no token: ``[]`` (``min(k, vocab)`` rows).
        - Equal probabilities are listed lower id first, also where the list is cut: of
          tokens tied at the ``k``-th place, the lower ids are the ones listed.
          ``torch.topk`` does not promise any order among ties, so sort yourself:
          ``torch.sort(probs, descending=True, stable=True)`` keeps equal values in id order.

    Pitfall:
        ``tokenizer.convert_ids_to_tokens`` gives the raw piece (``"▁Tokyo"``); the table
        shows ``tokenizer.decode([id])``, the text a reader sees (``"Tokyo"``). And call
        ``.item()`` / ``int()`` / ``float()``: a tensor in the table is not a number.
    """
    raise NotImplementedError("top_k_table: see the docstring")
