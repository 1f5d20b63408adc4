"""Mistral-7B-v0.1's own tokenizer, built offline from the ``mistral-common`` package.

Mistral AI ships the SentencePiece model of Mistral-7B-v0.1 inside ``mistral-common``
(``mistral_common/data/tokenizer.model.v1``, Apache-2.0). transformers converts it into a
fast tokenizer once; the result is cached so later loads take milliseconds. The bundled
tiny model uses this exact vocabulary, so token ids are the same on a laptop as on a GPU
running the real Mistral-7B.

Facts that prove it is the real one (from Mistral-7B-v0.1, recorded in the seed notebook):
"The capital of Japan is" -> [1, 415, 5565, 302, 4720, 349]; 32000 pieces; byte-fallback
pieces <0x00>..<0xFF> at ids 3..258.
"""
from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

from transformers import AutoTokenizer, PreTrainedTokenizerBase

from reference.cache import cache_root

MISTRAL_V1_FILE = "tokenizer.model.v1"
TOKENIZER_NAME = "mistral-7b-v0.1"


def sentencepiece_file() -> Path:
    """The SentencePiece model of Mistral-7B-v0.1 as shipped by ``mistral-common``."""
    try:
        import mistral_common
    except ImportError as error:  # pragma: no cover - dependency of the package
        raise RuntimeError(
            "The Mistral tokenizer comes from the 'mistral-common' package, which is not "
            "installed. Run: pip install mistral-common"
        ) from error
    path = Path(mistral_common.__file__).parent / "data" / MISTRAL_V1_FILE
    if not path.is_file():
        raise RuntimeError(
            f"mistral-common {getattr(mistral_common, '__version__', '?')} has no {MISTRAL_V1_FILE} "
            f"at {path}. Install a version that ships it: pip install 'mistral-common>=1.5'"
        )
    return path


def tokenizer_folder() -> Path:
    """Folder holding the converted fast tokenizer, built on first call."""
    folder = cache_root() / "tokenizers" / TOKENIZER_NAME
    if (folder / "tokenizer.json").is_file():
        return folder
    _build_tokenizer_folder(folder)
    return folder


def _build_tokenizer_folder(folder: Path) -> None:
    # LlamaTokenizer (not AutoTokenizer) must do the conversion: given a bare tokenizer.model,
    # AutoTokenizer drops the "▁" prefix handling, and add_bos_token defaults to False.
    from transformers import LlamaTokenizer

    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as scratch:
        source = Path(scratch) / "source"
        source.mkdir()
        shutil.copy(sentencepiece_file(), source / "tokenizer.model")
        tokenizer = LlamaTokenizer.from_pretrained(str(source), add_bos_token=True, legacy=False)
        built = Path(scratch) / "built"
        tokenizer.save_pretrained(str(built))
        try:
            os.replace(built, folder)  # atomic: a concurrent builder may win, which is fine
        except OSError:
            if not (folder / "tokenizer.json").is_file():
                raise


@functools.lru_cache(maxsize=1)
def load_mistral_tokenizer() -> PreTrainedTokenizerBase:
    """Mistral-7B-v0.1's tokenizer: BOS added by default, ``▁`` word marker, byte fallback.

    Loaded once per process (a load costs about a second); callers must not modify it.
    """
    return AutoTokenizer.from_pretrained(str(tokenizer_folder()))
