"""Ground truth for decodelab: model backends and reference implementations.

Everything here is built on transformers' own machinery (its logits warpers, ``generate``,
the tokenizer) so that it stays independent of ``solutions/``.
"""
