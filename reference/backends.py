"""Model backends: which model the references, suites, grader and demos run on.

One switch picks it everywhere: ``--backend`` on the CLI and in pytest, or the
``DECODELAB_BACKEND`` environment variable. Names:

- ``tiny``: the bundled Mistral-architecture model (fp32, CPU, offline, always available).
- ``mistral-7b-4bit``: ``mistralai/Mistral-7B-v0.1`` quantized to 4-bit NF4 by bitsandbytes
  on a CUDA GPU, from the local Hugging Face cache (or the hub, on a machine online).
- ``auto`` (default): ``mistral-7b-4bit`` when a GPU, bitsandbytes and the weights are all
  there, else ``tiny``; :func:`resolve_backend` says which and why.
- anything else: a Hugging Face causal-LM id or a local folder; add ``:4bit`` to quantize it
  (``my/model:4bit``, also works for ``tiny:4bit`` on the CPU).
"""
from __future__ import annotations

import importlib.util
import logging
import weakref
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from reference.tokenizer import load_mistral_tokenizer

from reference.backend_names import (  # noqa: F401  (re-exported: the names belong to the backends)
    AUTO, BACKEND_ENV, FOUR_BIT_SUFFIX, MISTRAL_4BIT, MISTRAL_ID, TINY, looks_like_path, requested_backend,
)

TINY_FOLDER = Path(__file__).parent / "tiny_model"


class BackendError(RuntimeError):
    """A backend cannot be used here; the message says what is missing and how to get it."""


@dataclass
class Backend:
    """A loaded model with its tokenizer.

    Attributes:
        name: the backend's name as resolved (``tiny``, ``mistral-7b-4bit``, a model id...).
        model: a causal LM in eval mode, on ``device``.
        tokenizer: its tokenizer (Mistral-7B-v0.1's for ``tiny`` and ``mistral-7b-4bit``).
        device: where input ids must live.
        reason: one sentence on why this backend was chosen.
        quantized: whether the linear layers are 4-bit.
        model_id: the Hugging Face id or folder the weights came from.
    """

    name: str
    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    device: torch.device
    reason: str
    quantized: bool
    model_id: str

    def encode(self, text: str, add_bos: bool = True) -> torch.Tensor:
        """``text`` as a ``(1, T)`` id tensor on the model's device."""
        ids = self.tokenizer(text, add_special_tokens=add_bos, return_tensors="pt").input_ids
        return ids.to(self.device)

    @property
    def embedding_matrix(self) -> torch.Tensor:
        """The input embedding matrix ``(vocab, d)``, detached."""
        return self.model.get_input_embeddings().weight.detach()


def cuda_status() -> tuple[bool, str]:
    """Whether a CUDA GPU is usable, and a sentence saying so."""
    if not torch.cuda.is_available():
        build = "a CPU-only build of torch" if torch.version.cuda is None else "no visible CUDA device"
        return False, f"no CUDA GPU ({build})"
    return True, f"CUDA GPU {torch.cuda.get_device_name(0)}"


def bitsandbytes_status() -> tuple[bool, str]:
    """Whether bitsandbytes can be imported, and its version or the reason it cannot."""
    if importlib.util.find_spec("bitsandbytes") is None:
        return False, "bitsandbytes is not installed (pip install 'bitsandbytes>=0.50')"
    # On CPUs with AVX512-BF16, bitsandbytes 0.50 warns at import that the optional `kernels`
    # package (a hub download) is missing; its built-in CPU kernels work, so keep that quiet.
    logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)
    try:
        import bitsandbytes
    except Exception as error:  # bitsandbytes raises many kinds on broken CUDA set-ups
        return False, f"bitsandbytes fails to import: {error}"
    return True, f"bitsandbytes {bitsandbytes.__version__}"


def cached_weights_status(model_id: str = MISTRAL_ID) -> tuple[bool, str]:
    """Whether ``model_id``'s weights are in the local Hugging Face cache."""
    from huggingface_hub import try_to_load_from_cache

    config = try_to_load_from_cache(model_id, "config.json")
    index = try_to_load_from_cache(model_id, "model.safetensors.index.json")
    if isinstance(config, str) and isinstance(index, str):
        return True, f"{model_id} weights in the Hugging Face cache"
    return False, (
        f"{model_id} is not in the local Hugging Face cache; on a machine with internet run "
        f"`hf download {model_id}` (accept its licence on the hub first)"
    )


def tiny_status() -> tuple[bool, str]:
    """Whether the bundled tiny model's files are present."""
    if (TINY_FOLDER / "config.json").is_file() and (TINY_FOLDER / "model.safetensors").is_file():
        return True, f"bundled model at {TINY_FOLDER}"
    return False, (
        f"the bundled model is missing from {TINY_FOLDER}; rebuild it with "
        "`python -m reference.train_tiny`"
    )


def mistral_status() -> tuple[bool, str]:
    """Whether ``mistral-7b-4bit`` can load here, and why not when it cannot."""
    reasons = []
    for available, why in (cuda_status(), bitsandbytes_status(), cached_weights_status()):
        if not available:
            reasons.append(why)
    if reasons:
        return False, "; ".join(reasons)
    return True, "CUDA, bitsandbytes and the Mistral-7B weights are all here"


def resolve_backend(name: str | None = None) -> tuple[str, str]:
    """The concrete backend name for a request, and why it was chosen.

    ``auto`` becomes ``mistral-7b-4bit`` or ``tiny``; other names pass through.
    """
    requested = requested_backend(name)
    if requested != AUTO:
        return requested, f"asked for '{requested}'"
    available, why = mistral_status()
    if available:
        return MISTRAL_4BIT, f"auto: {why}"
    return TINY, f"auto: using the bundled tiny model because {why}"


def four_bit_config(compute_dtype: torch.dtype = torch.float16):
    """bitsandbytes' 4-bit NF4 quantization, as the seed notebook loads Mistral-7B."""
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_compute_dtype=compute_dtype,
    )


_HELD: "weakref.WeakValueDictionary[str, Backend]" = weakref.WeakValueDictionary()


def held_backends() -> dict[str, Backend]:
    """The backends this process loaded and still holds, by name (the newest of a name). Each is
    noted by :func:`load_backend` and forgotten when nothing holds it any more, so nobody
    registers one, and each can be loaded again by its name (the sandbox does). The grader's
    sandbox reads this to send a backend's model and tokenizer as handles, and the memory of
    expected values to fingerprint them."""
    return dict(_HELD.items())


def load_backend(name: str | None = None) -> Backend:
    """Load a backend by name (see the module docstring); raises :class:`BackendError`."""
    resolved, reason = resolve_backend(name)
    quantize = resolved.endswith(FOUR_BIT_SUFFIX)
    base = resolved[: -len(FOUR_BIT_SUFFIX)] if quantize else resolved
    if base == TINY:
        available, why = tiny_status()
        if not available:
            raise BackendError(why)
        return _load(resolved, str(TINY_FOLDER), reason, quantize, load_mistral_tokenizer())
    if base == MISTRAL_4BIT:
        available, why = mistral_status()
        if not available:
            raise BackendError(
                f"Backend '{MISTRAL_4BIT}' is not available: {why}. Use '--backend {TINY}' on this machine."
            )
        return _load(resolved, MISTRAL_ID, reason, True, load_mistral_tokenizer())
    if looks_like_path(base):
        folder = Path(base).expanduser()
        if not folder.is_dir():
            raise BackendError(
                f"No model folder at '{base}'. Give a folder holding config.json, the weights and the "
                f"tokenizer files (model.save_pretrained + tokenizer.save_pretrained), or a Hugging Face "
                f"id such as 'org/name'."
            )
        return _load(resolved, str(folder), reason, quantize, None)
    if "/" in base:
        return _load(resolved, base, reason, quantize, None)
    raise BackendError(
        f"Unknown backend '{resolved}'. Choose '{TINY}', '{MISTRAL_4BIT}', '{AUTO}', a Hugging Face "
        f"model id such as 'org/name', or a local model folder (add '{FOUR_BIT_SUFFIX}' to quantize)."
    )


def _load_failure(source: str, error: BaseException) -> str:
    """One sentence for a failed ``from_pretrained``; transformers' own text spans several lines."""
    lines = str(error).strip().splitlines()
    details = lines[0] if lines else type(error).__name__
    if Path(source).is_dir():
        return (
            f"Could not load the model folder '{source}' (it needs config.json, the weights and the "
            f"tokenizer files). Details: {details}"
        )
    return (
        f"Could not load '{source}': its files are not in the local Hugging Face cache and the hub "
        f"cannot be reached (or the id is wrong). Download it where there is internet "
        f"(`hf download {source}`) or pass a local folder. Details: {details}"
    )


def _load(
    name: str,
    source: str,
    reason: str,
    quantize: bool,
    tokenizer: PreTrainedTokenizerBase | None,
) -> Backend:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    on_gpu = torch.cuda.is_available()
    # use_kernels=False: from transformers 5.25 on, from_pretrained swaps layers for "hub kernels"
    # by default (on CUDA, Mistral's RMSNorm for one fetched from the Hugging Face hub at load).
    # The ground truth is the model's own torch code, and nothing may be downloaded at run time.
    kwargs: dict = {"use_kernels": False}
    if quantize:
        available, why = bitsandbytes_status()
        if not available:
            raise BackendError(f"4-bit loading of '{source}' needs bitsandbytes: {why}.")
        compute = torch.float16 if on_gpu else torch.float32
        kwargs.update(quantization_config=four_bit_config(compute), dtype=compute)
        # device_map places the quantized weights; moving or casting afterwards raises.
        kwargs["device_map"] = {"": 0} if on_gpu else {"": "cpu"}
    else:
        kwargs["dtype"] = torch.float16 if on_gpu and source != str(TINY_FOLDER) else torch.float32
    try:
        model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
        if tokenizer is None:
            tokenizer = AutoTokenizer.from_pretrained(source)
    except (OSError, ValueError) as error:  # huggingface_hub's HFValidationError is a ValueError
        raise BackendError(_load_failure(source, error)) from error
    if not quantize and on_gpu and source != str(TINY_FOLDER):
        model = model.to("cuda")
    model.eval()
    device = next(model.parameters()).device
    backend = Backend(name, model, tokenizer, device, reason, quantize, source)
    _HELD[name] = backend
    return backend
