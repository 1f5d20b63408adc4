"""Exercise 10: greedy decoding — write the loop that ``generate(do_sample=False)`` runs.

A language model only ever predicts ONE next token. Text comes from a loop: predict, append
the chosen token to the input, predict again. Greedy decoding always chooses the most
probable token, so it is deterministic: the seed notebook runs "The capital of Japan is"
five times and gets " Tokyo. It is the largest city in the world..." every time — and a
different continuation once the ``<s>`` (BOS) token is left off the prompt, because the
model then reads the prompt as the middle of a text rather than its start.

Run ``decodelab check greedy`` to test your work.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """Extend a prompt one most-probable token at a time.

    Why it matters: this loop is the engine under every decoding method. Sampling (a later
    exercise) changes one line of it: draw the next token instead of taking the argmax.

    Shapes:
        model: a causal LM; ``model(input_ids=ids).logits`` has shape ``(1, T, vocab)``.
        input_ids: ``(1, T)`` int64 token ids of the prompt, already on ``model.device``.
        returns: ``(1, T + n)`` int64 on the same device: the prompt, unchanged, followed by
            the ``n`` new tokens (``n <= max_new_tokens``).

    The loop, at each step:
        1. run the model on the ids so far and take the logits of the LAST position,
           ``logits[:, -1, :]`` — the prediction for the token after everything so far;
        2. the next token is their ``argmax`` over the vocabulary (the last axis); where
           several logits tie for the largest, the lowest of their ids, as ``torch.argmax``
           returns (``torch.topk`` promises no order among ties). The argmax of their
           ``softmax`` or ``log_softmax`` counts too: both keep the logits' order, except
           between logits within float rounding of each other (the rounding of the dtype the
           softmax is computed in: bfloat16 probabilities keep about three digits), which the
           tests' models never produce. A half-precision copy does not keep it:
           float16 cannot tell 10.0 from 10.003, so an argmax of float32 logits cast to
           float16 turns two different logits into a tie;
        3. append it; stop if its id equals ``eos_token_id`` (it stays in the output), or once
           ``max_new_tokens`` tokens have been added.

    Example:
        With the tiny model, the prompt "The capital of Japan is" encodes to
        ``[[1, 415, 5565, 302, 4720, 349]]``; ``greedy_generate(model, ids, 1)`` returns
        those six ids followed by the id of ``▁Tokyo``, shape ``(1, 7)``. Your output must
        equal ``model.generate(ids, do_sample=False, max_new_tokens=..., eos_token_id=...)``
        on a model whose ``generation_config`` adds no rules of its own. Your loop reads
        nothing from ``model.generation_config``: not its ``eos_token_id`` either (``generate``
        falls back to it when given ``None``; here ``None`` means no early stop).

    Edge cases:
        - ``max_new_tokens = 0`` returns the prompt as it is.
        - ``eos_token_id = None`` means: never stop early.
        - If the very first new token is ``eos_token_id``, the result is the prompt plus
          that one token.

    Pitfalls:
        - ``logits[:, 0]`` is the prediction after the first token, not after the prompt.
        - Forgetting the prompt in the output, or stopping BEFORE appending the eos token.
        - Building a gradient graph for nothing: wrap the loop in ``torch.no_grad()``.

    Bonus (the last point): running the model on the whole sequence at every step repeats
    all the earlier work. Call ``out = model(input_ids=..., use_cache=True)`` once on the
    prompt; ``out.cache`` holds the keys and values the model computed for every position
    (the KV cache). From then on feed ONLY the newest token,
    ``model(input_ids=next_token, cache=out.cache, use_cache=True)``, and take the new
    ``out.cache`` each time. Same tokens, far less work. (The test also runs your loop on a
    toy model that, unlike a real one, answers differently when it is fed on top of its
    cache: there only a loop that reuses the cache gets the toy's tokens.)

    Which name: transformers 5.24 renamed the argument and the output field from
    ``past_key_values`` to ``cache``. The old name still works until 5.40 (with a
    deprecation warning) and is what older tutorials show; this course installs 5.24 or
    newer, so write ``cache``. (The old name is not graded while it works: the grade is the
    tokens and the forward passes, not the warning.)
    """
    raise NotImplementedError("greedy_generate: see the docstring")
