"""Captured reference numbers: a real model's outputs, recorded once on a GPU, checked anywhere.

A grading machine has no GPU, yet the hidden suites should be able to compare a learner's
functions with what Mistral-7B really computes. ``decodelab capture --backend mistral-7b-4bit
--out FILE`` runs the model once over a fixed set of prompts and words (the seed notebook's)
and writes one file holding, for each prompt, its token ids, the next-token logits over the
whole vocabulary and the greedy continuation, and for each word the ids and embedding rows
of its tokens — with metadata saying which model, revision, dtype and library versions made
them. Recording is :mod:`reference.recording`; this module is the format, and what reads it.

The file is a safetensors file: the tensors (float32, on the CPU) under the names
``prompt.<i>.last_logits`` and ``word.<j>.embedding_rows``, and everything else as one JSON
document in the safetensors header metadata (key ``decodelab.capture``). Loading it runs no
pickle, so a capture from anyone's machine is safe to open.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from decodelab.errors import UserError

FORMAT = "decodelab-capture"
FORMAT_VERSION = 1
METADATA_KEY = "decodelab.capture"
MAX_NEW_TOKENS = 20

# The seed notebook's prompts. BOS changes what Mistral-7B continues with (the notebook shows
# "The capital of Japan is" going two different ways), so the tokenizer prompts appear both ways.
PROMPTS: tuple[tuple[str, bool], ...] = (
    ("The capital of Japan is", True),
    ("The capital of Japan is", False),
    ("日本の首都は", True),
    ("日本の首都は", False),
    ("Hello world", True),
    ("Hello world", False),
    ("Once upon a time,", True),
    ("Long, long ago,", True),
    ("In the beginning,", True),
    ("What is the capital of United States?", True),
    ("When did World War II end?", True),
    ("Who painted the Mona Lisa?", True),
    ("ますます蒸し暑くなりそうです。明日の天気は", True),
)

# The seed notebook's 20 words, in its five groups of four (royalty, sports, people, animals, unrelated).
WORDS: tuple[str, ...] = (
    "king", "queen", "prince", "princess",
    "baseball", "soccer", "tennis", "basketball",
    "man", "boy", "woman", "lady",
    "dog", "cat", "cow", "fish",
    "table", "idea", "character", "sea",
)

class CaptureError(UserError):
    """A capture file is missing, unreadable or not one decodelab wrote."""


@dataclass
class Capture:
    """Reference numbers recorded from one model.

    Attributes:
        prompts: one dict per prompt, in :data:`PROMPTS` order, with ``text`` (str), ``add_bos``
            (bool), ``input_ids`` (list[int], BOS included when ``add_bos``), ``last_logits``
            (float32 Tensor ``(vocab,)``: the logits of the token after the prompt),
            ``greedy_ids`` (list[int]: the ``MAX_NEW_TOKENS`` greedily chosen new tokens, prompt
            not included, no stop at EOS) and ``greedy_text`` (their decoded text).
        words: one dict per word, in :data:`WORDS` order, with ``word`` (str), ``token_ids``
            (list[int], no BOS) and ``embedding_rows`` (float32 Tensor ``(n_tokens, d)``: the
            input embedding matrix's rows for those ids).
        metadata: where the numbers came from: ``backend``, ``model_id``, ``revision``,
            ``dtype``, ``quantized``, ``device``, ``vocab_size``, ``hidden_size``, library
            ``versions``, ``created`` (UTC, ISO 8601), ``max_new_tokens``...
    """

    prompts: list[dict[str, Any]]
    words: list[dict[str, Any]]
    metadata: dict[str, Any]
    path: Path | None = field(default=None, compare=False)

    def prompt(self, text: str, add_bos: bool = True) -> dict[str, Any]:
        """The record of one prompt; raises ``KeyError`` naming the recorded prompts."""
        for record in self.prompts:
            if record["text"] == text and record["add_bos"] == add_bos:
                return record
        recorded = ", ".join(f"{r['text']!r} (add_bos={r['add_bos']})" for r in self.prompts)
        raise KeyError(f"no prompt {text!r} with add_bos={add_bos} in the capture; it has: {recorded}")

    def word(self, word: str) -> dict[str, Any]:
        """The record of one word; raises ``KeyError`` naming the recorded words."""
        for record in self.words:
            if record["word"] == word:
                return record
        raise KeyError(f"no word {word!r} in the capture; it has: {', '.join(r['word'] for r in self.words)}")


def save_capture(capture: Capture, path: str | os.PathLike[str]) -> Path:
    """Write ``capture`` to ``path`` atomically (a temporary file, then ``os.replace``)."""
    from safetensors.torch import save_file

    path = Path(path)
    tensors: dict[str, torch.Tensor] = {}
    document: dict[str, Any] = {"metadata": capture.metadata, "prompts": [], "words": []}
    for i, record in enumerate(capture.prompts):
        name = f"prompt.{i}.last_logits"
        tensors[name] = record["last_logits"].detach().to("cpu", torch.float32).contiguous()
        document["prompts"].append(
            {key: value for key, value in record.items() if key != "last_logits"} | {"last_logits": name}
        )
    for j, record in enumerate(capture.words):
        name = f"word.{j}.embedding_rows"
        tensors[name] = record["embedding_rows"].detach().to("cpu", torch.float32).contiguous()
        document["words"].append(
            {key: value for key, value in record.items() if key != "embedding_rows"} | {"embedding_rows": name}
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        save_file(tensors, scratch, metadata={METADATA_KEY: json.dumps(document, ensure_ascii=False)})
        os.chmod(scratch, 0o644)  # mkstemp makes it private; a capture is meant to be handed on
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return path


def load_capture(path: str | os.PathLike[str]) -> Capture:
    """Read a capture file written by :func:`save_capture`; raises :class:`CaptureError`."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise CaptureError(
            f"No capture file at {path}. Record one on a GPU machine with "
            f"`decodelab capture --backend mistral-7b-4bit --out {path.name}`."
        )
    try:
        with safe_open(str(path), framework="pt", device="cpu") as handle:
            header = handle.metadata() or {}
            tensors = {name: handle.get_tensor(name) for name in handle.keys()}
    except Exception as error:  # safetensors raises its own error types for a damaged header
        raise CaptureError(f"{path} is not a readable capture file (damaged or not safetensors): {error}") from error
    if METADATA_KEY not in header:
        raise CaptureError(f"{path} is a safetensors file but not a decodelab capture (no '{METADATA_KEY}' metadata).")
    try:
        document = json.loads(header[METADATA_KEY])
        metadata = document["metadata"]
        if metadata.get("format") != FORMAT or metadata.get("format_version") != FORMAT_VERSION:
            raise CaptureError(
                f"{path} is capture format {metadata.get('format')!r} version {metadata.get('format_version')!r}; "
                f"this decodelab reads {FORMAT!r} version {FORMAT_VERSION}. Record it again."
            )
        vocab, hidden = metadata["vocab_size"], metadata["hidden_size"]
        prompts = [
            _with_tensor(record, "last_logits", tensors, (vocab,)) for record in document["prompts"]
        ]
        words = [
            _with_tensor(record, "embedding_rows", tensors, (len(record["token_ids"]), hidden))
            for record in document["words"]
        ]
    except CaptureError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise CaptureError(f"{path} is a damaged capture file (its contents do not fit together: {error!r}).") from error
    return Capture(prompts, words, metadata, path)


def _with_tensor(
    record: dict[str, Any], key: str, tensors: dict[str, torch.Tensor], shape: tuple[int, ...]
) -> dict[str, Any]:
    tensor = tensors[record[key]]
    if tuple(tensor.shape) != shape or tensor.dtype != torch.float32:
        raise ValueError(f"{record[key]} has shape {tuple(tensor.shape)} {tensor.dtype}, expected {shape} float32")
    return record | {key: tensor}
