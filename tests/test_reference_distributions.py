"""reference/distributions.py against transformers' TemperatureLogitsWarper + softmax and
against independent float64 math."""
from __future__ import annotations

import math

import pytest
import torch
from transformers import MistralConfig, MistralForCausalLM
from transformers.generation.logits_process import TemperatureLogitsWarper

from reference.distributions import next_token_logits, softmax_with_temperature


def random_logits(*shape: int, seed: int = 0, scale: float = 3.0) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed)) * scale


def float64_softmax(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """softmax(z / T) row by row in plain Python float64 arithmetic, independent of torch's kernel."""
    rows = logits.double().reshape(-1, logits.shape[-1]).tolist()
    out = []
    for row in rows:
        scaled = [z / temperature for z in row]
        top = max(scaled)
        exps = [math.exp(z - top) if z != -math.inf else 0.0 for z in scaled]
        total = sum(exps)
        out.append([e / total for e in exps])
    return torch.tensor(out, dtype=torch.float64).reshape(logits.shape)


def _worst(got: torch.Tensor, want: torch.Tensor) -> str:
    error = (got.double() - want.double()).abs()
    where = int(error.argmax())
    return f"largest error {float(error.max()):.3g} at flat index {where}: got {float(got.flatten()[where]):.6g}, expected {float(want.flatten()[where]):.6g}"


@pytest.mark.parametrize("temperature", [0.4, 1.0, 1.6, 1e-3, 100.0, 1])
@pytest.mark.parametrize("shape", [(7,), (2, 3, 11), (4, 1000)])
def test_matches_float64_math_on_random_logits(shape, temperature):
    logits = random_logits(*shape, seed=len(shape))
    got = softmax_with_temperature(logits, temperature)
    want = float64_softmax(logits, temperature)
    assert got.shape == logits.shape and got.dtype == torch.float32, f"got {got.dtype} {tuple(got.shape)}"
    # float32 results of a float64 computation: ~1e-7 relative per value.
    assert torch.allclose(got.double(), want, atol=1e-7, rtol=1e-5), (
        f"softmax_with_temperature(<{shape}>, {temperature}): {_worst(got, want)}"
    )


@pytest.mark.parametrize("temperature", [0.4, 1.0, 1.6])
def test_matches_the_warper_and_torch_softmax(temperature):
    logits = random_logits(3, 500, seed=4)
    want = torch.softmax(TemperatureLogitsWarper(temperature)(None, logits.clone()), dim=-1)
    got = softmax_with_temperature(logits, temperature)
    assert torch.equal(got, want), f"softmax_with_temperature(<(3, 500)>, {temperature}) vs warper+softmax: {_worst(got, want)}"


def test_rows_sum_to_one():
    got = softmax_with_temperature(random_logits(5, 32000, seed=5, scale=10.0), 0.7)
    sums = got.double().sum(-1)
    assert torch.allclose(sums, torch.ones(5, dtype=torch.float64), atol=1e-5), f"row sums {sums.tolist()}, expected 1"


def test_huge_logits_give_no_nan_or_inf():
    logits = torch.tensor([[1e4, 0.0, -1e4, 9999.0], [-1e4, -1e4, -1e4, -1e4], [1e4, 1e4, -1e4, -1e4]])
    got = softmax_with_temperature(logits, 0.5)
    assert torch.isfinite(got).all(), f"softmax_with_temperature(<±1e4>, 0.5) holds nan/inf: {got.tolist()}"
    want = float64_softmax(logits, 0.5)
    assert torch.allclose(got.double(), want, atol=1e-7), f"±1e4 logits: {_worst(got, want)}"
    assert got[1].tolist() == [0.25] * 4 and got[2].tolist() == [0.5, 0.5, 0.0, 0.0], f"got rows {got[1:].tolist()}"


def test_minus_inf_gets_exactly_zero():
    logits = torch.tensor([2.0, float("-inf"), 0.5, float("-inf")])
    got = softmax_with_temperature(logits, 1.3)
    assert got[1] == 0 and got[3] == 0, f"-inf logits got probabilities {got[1].item()}, {got[3].item()}, expected 0"
    want = float64_softmax(logits, 1.3)
    assert torch.allclose(got.double(), want, atol=1e-7), f"-inf logits: {_worst(got, want)}"
    single = softmax_with_temperature(torch.tensor([float("-inf"), 3.0, float("-inf")]), 0.2)
    assert single.tolist() == [0.0, 1.0, 0.0], f"one finite logit gave {single.tolist()}, expected [0, 1, 0]"


@pytest.mark.parametrize("dtype,atol", [(torch.float16, 2e-3), (torch.bfloat16, 1e-2), (torch.float64, 1e-12)])
def test_dtypes_are_kept(dtype, atol):
    # Tolerances: half precision keeps ~3 significant digits, bfloat16 ~2.
    logits = random_logits(2, 300, seed=6).to(dtype)
    got = softmax_with_temperature(logits, 0.8)
    assert got.dtype == dtype, f"softmax_with_temperature on {dtype} returned {got.dtype}"
    want = float64_softmax(logits, 0.8)
    assert torch.allclose(got.double(), want, atol=atol), f"{dtype}: {_worst(got, want)}"


def test_lower_temperature_sharpens():
    logits = random_logits(400, seed=7)
    peaks = [float(softmax_with_temperature(logits, t).max()) for t in (0.2, 0.5, 1.0, 2.0, 5.0)]
    assert peaks == sorted(peaks, reverse=True), f"top probabilities at T=0.2..5: {peaks}, expected decreasing"


@pytest.mark.parametrize("temperature", [0, 0.0, -1.0, float("nan"), float("inf"), float("-inf"), None, "1.0", torch.tensor(1.0)])
def test_bad_temperature_raises_value_error(temperature):
    with pytest.raises(ValueError, match="temperature"):
        softmax_with_temperature(torch.zeros(3), temperature)


@pytest.fixture(scope="module")
def model() -> MistralForCausalLM:
    torch.manual_seed(0)
    config = MistralConfig(vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                           num_attention_heads=4, num_key_value_heads=2)
    return MistralForCausalLM(config).eval()


def test_next_token_logits_is_the_last_position(model):
    ids = torch.tensor([[1, 5, 9, 33], [1, 7, 7, 2]])
    got = next_token_logits(model, ids)
    with torch.no_grad():
        full = model(input_ids=ids).logits
    assert got.shape == (2, 128), f"next_token_logits shape {tuple(got.shape)}, expected (2, 128)"
    assert torch.equal(got, full[:, -1]), f"next_token_logits differs from logits[:, -1]: {_worst(got, full[:, -1])}"
    assert not got.requires_grad, "next_token_logits built a gradient graph"
