"""A toy causal language model whose next-token distribution is known exactly.

Its own module, with nothing but torch and transformers' classes, because the grader's
sandbox (:mod:`grading.sandbox.grader_side`) holds a copy of it: a submission gets the toy model by
value (one with a ``cache_salt`` excepted: :mod:`grading.sandbox.kept_toy`).
"""
from __future__ import annotations

import torch
from transformers import DynamicCache, GenerationConfig, PretrainedConfig
from transformers.generation.utils import GenerationMixin
from transformers.modeling_outputs import BaseModelOutputWithPast, CausalLMOutputWithPast


class BigramModel(torch.nn.Module):
    """A toy causal LM whose next-token distribution is known exactly: ``logits[t] = table[id_t]``.

    The suites use it where a real model is too slow or too uncertain: hundreds of draws for
    a goodness-of-fit test, an end-of-sequence token that comes for sure. The grader sends it
    to a sandboxed submission by value (:mod:`grading.sandbox.wire`): it is only a table, so the
    learner's loop calls it in its own process instead of once per step across processes. It
    answers the calls a decoding loop makes on a transformers model: ``model(ids)``,
    ``model(input_ids=ids, cache=..., use_cache=...)`` (or the pre-5.24 name
    ``past_key_values=``), ``inputs_embeds=`` (the rows of ``get_input_embeddings()``, one-hot),
    ``logits_to_keep=n`` (only the last ``n`` positions' logits; 0 keeps all),
    ``return_dict=False`` (a tuple), ``.device``, ``.dtype``, ``.config`` (a real
    ``PretrainedConfig``: ``DynamicCache(config=model.config)`` works),
    ``compute_transition_scores``. Like a real model it
    returns a ``DynamicCache`` unless ``use_cache=False``: the one passed, grown by the positions
    fed, or a new one (only its length means anything: each position depends on its own token
    only, so a loop gets the same answers with or without it). It has no ``generation_config``
    unless given ``sampling_defaults``, and its config names no end-of-sequence token unless
    given ``config_eos_token_id``.

    With ``cache_salt`` it is a toy whose answers show whether a loop reuses its KV cache,
    which no real model's do (a cache only saves work): every position fed on top of a
    non-empty cache gets ``table[id] + cache_salt``. A loop that recomputes from scratch never
    sees the salt, so its tokens differ, whatever its own process says of its forward passes.
    The grader keeps such a toy rather than send it (``grading/sandbox/kept_toy.py``): a
    sandboxed submission gets its shape and asks the grader for each pass's logits
    (:meth:`logits_on_cache`), so the salt never reaches learner code.

    Args:
        table: ``(vocab, vocab)`` logits; row ``i`` scores the token after token ``i``.
        logits_dtype: dtype of the returned logits (bfloat16 imitates a half-precision model).
        sampling_defaults: settings for a ``generation_config`` with ``do_sample=True``, as an
            instruct checkpoint ships them (``{"temperature": 0.6, "top_p": 0.9}``): numbers
            for ``temperature``, ``top_p`` or ``top_k`` only. The toy itself ignores them; a
            test gives them to show that an exercise does too.
        config_eos_token_id: the ``eos_token_id`` its ``config`` (and ``generation_config``, if
            any) names, as a real checkpoint's does. The toy itself never stops; a test gives it
            to show that an exercise reads no end-of-sequence token from the model.
        cache_salt: ``(vocab,)`` logits added where a non-empty cache is passed (see above);
            None (the default): the cache changes nothing.
    """

    SAMPLING_SETTINGS = ("temperature", "top_p", "top_k")

    def __init__(self, table: torch.Tensor, logits_dtype: torch.dtype = torch.float32,
                 sampling_defaults: dict[str, float] | None = None, cache_salt: torch.Tensor | None = None,
                 config_eos_token_id: int | None = None):
        super().__init__()
        if table.dim() != 2 or table.shape[0] != table.shape[1]:
            raise ValueError(f"table must be (vocab, vocab), got {tuple(table.shape)}")
        self.register_buffer("table", table.to(torch.float32))
        self.logits_dtype = logits_dtype
        if config_eos_token_id is not None and (isinstance(config_eos_token_id, bool)
                                                or not isinstance(config_eos_token_id, int)):
            raise ValueError(f"config_eos_token_id must be an int or None, got {config_eos_token_id!r}")
        self.config = toy_config(table.shape[0], config_eos_token_id)
        self.sampling_defaults = dict(sampling_defaults or {})
        for name, number in self.sampling_defaults.items():
            if name not in self.SAMPLING_SETTINGS or isinstance(number, bool) or not isinstance(number, (int, float)):
                raise ValueError(f"sampling_defaults: {name!r}={number!r} is not a number for one of {self.SAMPLING_SETTINGS}")
        if self.sampling_defaults:
            self.generation_config = GenerationConfig(do_sample=True, eos_token_id=config_eos_token_id,
                                                      **self.sampling_defaults)
        if cache_salt is not None and tuple(cache_salt.shape) != (table.shape[0],):
            raise ValueError(f"cache_salt must be (vocab,) = ({table.shape[0]},), got {tuple(cache_salt.shape)}")
        self.cache_salt = None if cache_salt is None else cache_salt.to(torch.float32)
        self.model = OneHotBody(table.shape[0], logits_dtype)
        self.lm_head = _TableHead(self)

    def get_decoder(self) -> torch.nn.Module:
        return self.model

    def get_input_embeddings(self) -> torch.nn.Module:
        return self.model.embed_tokens

    def get_output_embeddings(self) -> torch.nn.Module:
        return self.lm_head

    # A real model's own, which reads nothing of a model but its config's vocabulary size.
    compute_transition_scores = GenerationMixin.compute_transition_scores

    @property
    def device(self) -> torch.device:
        return self.table.device

    @property
    def dtype(self) -> torch.dtype:
        return self.logits_dtype

    def forward(self, input_ids: torch.Tensor | None = None, logits_to_keep: int = 0,
                inputs_embeds: torch.Tensor | None = None, **passed) -> CausalLMOutputWithPast | tuple:
        ids = fed_ids(input_ids, inputs_embeds)
        # Through the decoder body, as a transformers model runs: what watches the decoder
        # (grading.sandbox.observe) sees every forward pass, all the positions fed and the cache.
        hidden = self.model(input_ids=ids, **passed).last_hidden_state
        cache = passed.get("cache", passed.get("past_key_values"))
        if self.cache_salt is None:
            if logits_to_keep > 0:
                hidden = hidden[..., -logits_to_keep:, :]
            return toy_output(self.lm_head(hidden), cache, ids, passed)
        cached = 0 if cache is None else int(cache.get_seq_length())
        return toy_output(self.logits_on_cache(ids, cached, logits_to_keep), cache, ids, passed)

    def logits_on_cache(self, input_ids: torch.Tensor, cached: int, logits_to_keep: int = 0) -> torch.Tensor:
        """The logits of ``input_ids`` ``(batch, positions)`` fed on top of ``cached`` positions:
        ``table[id]``, plus ``cache_salt`` where ``cached > 0``; only the last ``logits_to_keep``
        positions' if that is above 0. ``(batch, positions, vocab)`` in ``logits_dtype``."""
        ids = input_ids[..., -logits_to_keep:] if logits_to_keep > 0 else input_ids
        logits = self.table[ids.to(self.table.device)].to(self.logits_dtype)
        if self.cache_salt is not None and cached > 0:
            logits = (logits.float() + self.cache_salt.to(logits.device)).to(self.logits_dtype)
        return logits


def toy_config(vocab: int, eos_token_id: int | None = None) -> PretrainedConfig:
    """A toy's config: a real ``PretrainedConfig``, so a learner's own
    ``DynamicCache(config=model.config)`` works as on a real model."""
    return PretrainedConfig(vocab_size=vocab, num_hidden_layers=1, eos_token_id=eos_token_id, is_encoder_decoder=False)


def fed_ids(input_ids: torch.Tensor | None, inputs_embeds: torch.Tensor | None) -> torch.Tensor:
    """The token ids of a toy's forward pass: ``input_ids``, or ``inputs_embeds`` read back (the
    toy's embeddings are one-hot rows: their argmax is the id)."""
    if (input_ids is None) == (inputs_embeds is None):
        raise ValueError("You must specify exactly one of input_ids or inputs_embeds")
    return input_ids if input_ids is not None else inputs_embeds.argmax(dim=-1)


def toy_output(logits: torch.Tensor, cache: DynamicCache | None, input_ids: torch.Tensor,
               passed: dict) -> CausalLMOutputWithPast | tuple:
    """A toy's output, as a transformers model gives it: ``cache`` grown by the positions fed
    (a new one if none was passed), None under ``use_cache=False``; a tuple of the fields that
    are not None under ``return_dict=False``."""
    if cache is None and passed.get("use_cache", True) is not False:
        cache = DynamicCache()
    if cache is not None:  # one layer, one head of width 1: only its length means anything
        fed = torch.zeros(input_ids.shape[0], 1, input_ids.shape[-1], 1, device=input_ids.device)
        cache.update(fed, fed, 0)
    output = CausalLMOutputWithPast(logits=logits, cache=cache)
    return output.to_tuple() if passed.get("return_dict") is False else output


class OneHotBody(torch.nn.Module):
    """A :class:`BigramModel`'s decoder body: the hidden state of a position is its token, one-hot."""

    def __init__(self, vocab: int, dtype: torch.dtype):
        super().__init__()
        self.vocab = vocab
        self.embed_tokens = OneHotEmbedding(vocab, dtype)

    def forward(self, input_ids: torch.Tensor | None = None, **_ignored) -> BaseModelOutputWithPast:
        return BaseModelOutputWithPast(last_hidden_state=self.embed_tokens(input_ids))


class _TableHead(torch.nn.Module):
    """A :class:`BigramModel`'s output layer: a one-hot hidden state's logits are its table row.

    A lookup, not a matrix product, so that ``-inf`` entries of the table stay ``-inf`` (``0 *
    -inf`` would be ``nan``) and every value is exactly the table's, in the logits' dtype.
    """

    def __init__(self, owner: BigramModel):
        super().__init__()
        self._owner = [owner]  # not a submodule: the table is the owner's buffer

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        owner = self._owner[0]
        return owner.table[hidden.argmax(dim=-1)].to(owner.logits_dtype)


class OneHotEmbedding(torch.nn.Module):
    """A toy's input embeddings: token ``i`` is the one-hot row ``i`` (no weights to hold: a
    toy of 32,000 ids would need 4 GB for an identity matrix)."""

    def __init__(self, vocab: int, dtype: torch.dtype):
        super().__init__()
        self.vocab = vocab
        self.embedding_dtype = dtype

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.one_hot(input_ids, self.vocab).to(self.embedding_dtype)
