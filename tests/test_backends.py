"""The backend switch: which model ``auto`` picks and why, clear errors, and 4-bit on the CPU.

The 4-bit test loads the bundled tiny model through bitsandbytes NF4 on the CPU (the same
``load_backend("<name>:4bit")`` path a GPU user takes with a bigger model) and compares its
next-token logits with the fp32 model's.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from reference import backends
from reference.backends import BackendError, load_backend, resolve_backend

ROOT = Path(__file__).resolve().parents[1]

# Prompts from the seed notebook (the ten the capture records) plus more capital statements.
SEED_PROMPTS = (
    "The capital of Japan is",
    "日本の首都は",
    "Hello world",
    "Once upon a time,",
    "Long, long ago,",
    "In the beginning,",
    "What is the capital of United States?",
    "When did World War II end?",
    "Who painted the Mona Lisa?",
    "ますます蒸し暑くなりそうです。明日の天気は",
)
CAPITAL_PROMPTS = (
    "The capital of Japan is",
    "The capital of France is",
    "The capital of Italy is",
    "What is the capital of United States?",
)

# Tolerances for NF4 (4-bit) against fp32 logits of the tiny model, measured on a trained
# bundled model (4 layers, 128 wide, model.safetensors sha256 90e491a1...; torch 2.13 CPU,
# bitsandbytes 0.50.2, compute dtype float32), over the ten seed
# prompts and three more capital prompts:
#   largest |logit difference| 0.25 - 1.14 per prompt (logits span about +-15),
#   KL(fp32 || 4bit) 0.0001 - 0.0040 nats, top-1 token the same for all 13 prompts.
# NF4 rounds each weight to one of 16 levels per block of 64, so differences of a few tenths
# of a logit are expected; the bounds leave about 2x (logits) and 5x (KL) headroom over the
# worst prompt while still failing a broken quantization (garbage weights move logits by
# several units and give KL well above 0.1).
MAX_LOGIT_DIFFERENCE = 2.0
MAX_KL_NATS = 0.02


def _python(*args: str, env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("this test must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


# --- which backend `auto` picks -------------------------------------------------------------


def test_auto_without_gpu_picks_tiny_and_says_why(monkeypatch):
    monkeypatch.delenv(backends.BACKEND_ENV, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    name, reason = resolve_backend("auto")
    assert name == "tiny", f"resolve_backend('auto') without a GPU gave {name!r}, expected 'tiny'"
    assert "no CUDA GPU" in reason and "tiny" in reason, (
        f"resolve_backend('auto') should say it fell back to tiny because there is no GPU; it said {reason!r}"
    )
    assert resolve_backend(None) == (name, reason), "no argument and no $DECODELAB_BACKEND should mean 'auto'"


def test_auto_names_every_missing_piece(monkeypatch):
    monkeypatch.setattr(backends, "cuda_status", lambda: (False, "no CUDA GPU (test)"))
    monkeypatch.setattr(backends, "bitsandbytes_status", lambda: (False, "bitsandbytes is not installed (test)"))
    monkeypatch.setattr(backends, "cached_weights_status", lambda model_id=backends.MISTRAL_ID: (False, "weights missing (test)"))
    name, reason = resolve_backend("auto")
    assert name == "tiny"
    for piece in ("no CUDA GPU (test)", "bitsandbytes is not installed (test)", "weights missing (test)"):
        assert piece in reason, f"resolve_backend('auto') reason {reason!r} does not mention {piece!r}"


def test_auto_with_gpu_bitsandbytes_and_weights_picks_mistral(monkeypatch):
    monkeypatch.setattr(backends, "cuda_status", lambda: (True, "CUDA GPU Fake H100"))
    monkeypatch.setattr(backends, "bitsandbytes_status", lambda: (True, "bitsandbytes 0.50.2"))
    monkeypatch.setattr(backends, "cached_weights_status", lambda model_id=backends.MISTRAL_ID: (True, "in the cache"))
    name, reason = resolve_backend("auto")
    assert name == "mistral-7b-4bit", f"resolve_backend('auto') with everything present gave {name!r}"
    assert reason.startswith("auto:"), f"the reason should say it was auto's choice: {reason!r}"


def test_environment_variable_is_the_switch_and_the_argument_wins(monkeypatch):
    monkeypatch.setenv(backends.BACKEND_ENV, "tiny:4bit")
    assert resolve_backend(None)[0] == "tiny:4bit", "$DECODELAB_BACKEND=tiny:4bit was ignored"
    assert resolve_backend("tiny")[0] == "tiny", "an explicit backend must win over $DECODELAB_BACKEND"


# --- clear errors -----------------------------------------------------------------------------


def test_unknown_backend_names_the_valid_choices():
    with pytest.raises(BackendError) as caught:
        load_backend("gpt-nonsense")
    message = str(caught.value)
    for choice in ("'tiny'", "'mistral-7b-4bit'", "'auto'", "org/name", ":4bit"):
        assert choice in message, f"load_backend('gpt-nonsense') error {message!r} does not mention {choice}"
    assert "\n" not in message


def test_missing_local_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "no" / "model"
    with pytest.raises(BackendError, match="No model folder at"):
        load_backend(str(missing))


def test_folder_without_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(BackendError) as caught:
        load_backend(str(tmp_path))
    message = str(caught.value)
    assert "Could not load the model folder" in message and "config.json" in message, message
    assert "\n" not in message, f"the error should be one line: {message!r}"


def test_missing_weights_offline_through_load_backend(monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    _no_network(monkeypatch)
    with pytest.raises(BackendError) as caught:
        load_backend("decodelab-tests/no-such-model")
    message = str(caught.value)
    assert "decodelab-tests/no-such-model" in message and "hf download" in message, message
    assert "\n" not in message, f"the error should be one line: {message!r}"


def test_missing_weights_offline_through_the_cli(tmp_path):
    result = _python(
        "-m", "decodelab.cli", "capture", "--backend", "decodelab-tests/no-such-model", "--out", str(tmp_path / "c.safetensors"),
        env={"HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(tmp_path / "hub")},
    )
    assert result.returncode == 2, f"exit {result.returncode}, expected 2; stderr: {result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr, result.stderr
    ours = [line for line in result.stderr.splitlines() if line.startswith("decodelab capture:")]
    assert len(ours) == 1 and "hf download decodelab-tests/no-such-model" in ours[0], result.stderr
    assert not (tmp_path / "c.safetensors").exists(), "a failed capture must not leave a file behind"


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_mistral_without_cuda_says_what_is_missing():
    with pytest.raises(BackendError) as caught:
        load_backend("mistral-7b-4bit")
    message = str(caught.value)
    assert "CUDA" in message, f"load_backend('mistral-7b-4bit') without a GPU should mention CUDA: {message!r}"
    assert "--backend tiny" in message, f"the error should say what to use instead: {message!r}"


def test_mistral_without_bitsandbytes_says_how_to_install(monkeypatch):
    monkeypatch.setattr(backends, "cuda_status", lambda: (True, "CUDA GPU Fake"))
    monkeypatch.setattr(backends, "cached_weights_status", lambda model_id=backends.MISTRAL_ID: (True, "cached"))
    real_find_spec = backends.importlib.util.find_spec
    monkeypatch.setattr(
        backends.importlib.util, "find_spec",
        lambda name, *rest: None if name == "bitsandbytes" else real_find_spec(name, *rest),
    )
    with pytest.raises(BackendError, match=r"pip install 'bitsandbytes>=0.50'"):
        load_backend("mistral-7b-4bit")


# --- 4-bit on the CPU -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fp32_and_4bit():
    if not backends.tiny_status()[0]:
        pytest.skip(backends.tiny_status()[1])
    if not backends.bitsandbytes_status()[0]:
        pytest.skip(backends.bitsandbytes_status()[1])
    return load_backend("tiny"), load_backend("tiny:4bit")


def test_tiny_4bit_loads_linear4bit_layers(fp32_and_4bit):
    import bitsandbytes as bnb

    full, quantized = fp32_and_4bit
    assert quantized.quantized and not full.quantized
    four_bit = [name for name, module in quantized.model.named_modules() if isinstance(module, bnb.nn.Linear4bit)]
    # transformers keeps lm_head (tied to the embeddings here) in full precision.
    expected = [name for name, module in full.model.named_modules()
                if isinstance(module, torch.nn.Linear) and name != "lm_head"]
    assert sorted(four_bit) == sorted(expected), (
        f"load_backend('tiny:4bit') quantized {len(four_bit)} linear layers, expected all {len(expected)} "
        f"projections; missing: {sorted(set(expected) - set(four_bit))[:5]}"
    )
    weight = quantized.model.get_submodule(four_bit[0]).weight
    assert weight.dtype == torch.uint8 and weight.quant_state.quant_type == "nf4", (
        f"{four_bit[0]}.weight is {weight.dtype} ({getattr(weight.quant_state, 'quant_type', None)}), expected packed NF4"
    )
    assert quantized.device.type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert quantized.model.config.quantization_config.bnb_4bit_quant_type == "nf4"


@pytest.mark.parametrize("prompt", SEED_PROMPTS)
def test_tiny_4bit_logits_stay_close_to_fp32(fp32_and_4bit, prompt):
    full, quantized = fp32_and_4bit
    with torch.no_grad():
        expected = full.model(full.encode(prompt)).logits[0, -1].float()
        got = quantized.model(quantized.encode(prompt)).logits[0, -1].float().cpu()
    difference = float((got - expected).abs().max())
    log_p, log_q = expected.log_softmax(-1), got.log_softmax(-1)
    kl = float((log_p.exp() * (log_p - log_q)).sum())
    assert difference <= MAX_LOGIT_DIFFERENCE, (
        f"4-bit logits for {prompt!r} differ from fp32 by up to {difference:.3f} (bound {MAX_LOGIT_DIFFERENCE})"
    )
    assert kl <= MAX_KL_NATS, f"KL(fp32 || 4-bit) for {prompt!r} is {kl:.4f} nats (bound {MAX_KL_NATS})"


def test_tiny_4bit_keeps_the_capitals(fp32_and_4bit):
    full, quantized = fp32_and_4bit
    for prompt in CAPITAL_PROMPTS:
        with torch.no_grad():
            expected = int(full.model(full.encode(prompt)).logits[0, -1].argmax())
            got = int(quantized.model(quantized.encode(prompt)).logits[0, -1].argmax())
        assert got == expected, (
            f"after {prompt!r} the 4-bit model's top token is {quantized.tokenizer.decode([got])!r} (id {got}), "
            f"fp32's is {full.tokenizer.decode([expected])!r} (id {expected})"
        )


def test_four_bit_config_is_the_seed_notebooks():
    config = backends.four_bit_config()
    assert config.load_in_4bit and config.bnb_4bit_quant_type == "nf4"
    assert config.bnb_4bit_compute_dtype == torch.float16


def test_no_backend_swaps_in_hub_kernels(fp32_and_4bit):
    # transformers 5.25 turned "hub kernels" on by default in from_pretrained (on CUDA, Mistral's
    # RMSNorm is replaced by one downloaded from the hub). The ground truth is the model's own
    # torch code, and the graders' machines are offline: every backend loads with them off.
    for backend in fp32_and_4bit:
        used = getattr(backend.model, "use_kernels", False)
        assert used is False, (
            f"load_backend({backend.name!r}).model.use_kernels is {used!r}, expected False "
            f"(from_pretrained must be called with use_kernels=False)"
        )
