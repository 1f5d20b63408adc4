"""Hidden suite: next_token_logits and softmax_with_temperature (exercises 6 and 7)."""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.harness.compare import (
    call_text, check_passes_without_gradients, check_tensor, check_true, describe, expect_accepted, expect_error,
    largest_magnitude, softmax_tolerance,
)
from grading.grader.expected import remembered
from reference import distributions as _ref
from reference.bigram import BigramModel

ref = remembered(_ref)

# Logits from a model forward pass: the learner's pass and ours run the same kernels on the
# same input; allow for batched-vs-unbatched matmul differences.
LOGIT_ATOL, LOGIT_RTOL = 1e-4, 1e-4

PROMPTS = ["The capital of Japan is", "Once upon a time,", "日本の首都は"]
# What a 4-bit model on a GPU computes in; softmax_with_temperature must work in float32 for them.
HALF_PRECISION = (torch.float16, torch.bfloat16)


def _random_logits(*shape: int, scale: float = 3.0, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator) * scale


def check_softmax(got, logits: torch.Tensor, temperature: float, expected: torch.Tensor, call: str) -> None:
    """Compare with the reference within the softmax rounding rule (grading.harness.compare.softmax_tolerance)."""
    atol, rtol = softmax_tolerance(expected.dtype, largest_magnitude(logits) / temperature, logits.shape[-1])
    check_tensor(got, expected, call=call, atol=atol, rtol=rtol, hint=lambda: _temperature_hint(logits, temperature, got))


def _temperature_hint(logits: torch.Tensor, temperature: float, got: torch.Tensor) -> str:
    """Name a mistake only when replaying it reproduces the learner's result; else say what to compare."""
    if isinstance(got, torch.Tensor) and got.shape == logits.shape and got.is_floating_point():
        got64 = got.detach().double()
        if not torch.isfinite(got64).all() and torch.isfinite(logits).any():
            broken = ~torch.isfinite(got64)
            scaled = logits / temperature  # in the logits' dtype, as a plain implementation computes
            if not torch.isfinite(scaled[torch.isfinite(logits)]).all():
                # Several mistakes give the same nan here (a division in half precision, a missing
                # shift): say what this input does, not which of them was made.
                largest = " (float16's largest number is 65504)" if logits.dtype == torch.float16 else ""
                return (f"your result holds nan or inf where softmax is finite. With these {logits.dtype} logits, "
                        f"logits / T already overflows in {logits.dtype}{largest}: convert the logits to float32 "
                        "before dividing, subtract each row's maximum before exp, and return the probabilities in "
                        "the logits' dtype")
            unshifted = torch.exp(scaled)
            unshifted = unshifted / unshifted.sum(-1, keepdim=True)
            one_max = torch.exp(scaled - scaled.max())
            one_max = one_max / one_max.sum(-1, keepdim=True)
            # Name the cause only when replaying it breaks exactly the same places.
            if torch.equal(~torch.isfinite(unshifted.double()), broken):
                return ("your result holds nan or inf: exp() of a large logit overflows — subtract each row's "
                        "maximum before exp (it cancels in the division)")
            if torch.equal(~torch.isfinite(one_max.double()), broken):
                return ("your result holds nan or inf: you subtracted one maximum for the whole tensor, and a row "
                        "far below it underflows to 0/0 — subtract each row's own maximum")
            return (f"your result holds nan or inf in {int(broken.sum())} place(s) where softmax is finite; "
                    "p_i = exp(z_i / T) / sum_j exp(z_j / T) can be computed without either (shift by a constant per row)")
        powered = torch.softmax(logits, -1) ** (1.0 / temperature)  # in the logits' dtype, as a learner computes
        replays = [
            ((powered / powered.sum(-1, keepdim=True)).double(),
             "your result equals softmax(logits) ** (1 / T), renormalised: the T = 1 probabilities had already rounded "
             "the tail to 0, and no power brings it back — divide the logits by T before exp"),
            (torch.softmax(logits.double() * temperature, -1),
             "your result equals softmax(logits * T): divide the logits by the temperature instead"),
            (torch.softmax(logits.double(), -1),
             "your result equals softmax(logits) at T = 1: the temperature was not applied"),
        ]
        if logits.dim() > 1:
            replays.append((torch.softmax(logits.double() / temperature, 0),
                            "your rows do not sum to 1: normalise over the last axis (dim=-1), the vocabulary"))
        right = torch.softmax(logits.double() / temperature, -1)
        if temperature < 1 and logits.dtype == torch.float32:
            # T applied to float32 log-probabilities, normalised by logsumexp or by softmax: off by
            # rounding only, so told apart from the right answer at the test's own tolerance.
            atol, rtol = softmax_tolerance(torch.float32, largest_magnitude(logits) / temperature, logits.shape[-1])
            tempered = torch.log_softmax(logits, -1) / temperature
            for renormalised in (torch.exp(tempered - torch.logsumexp(tempered, -1, keepdim=True)),
                                 torch.softmax(tempered, -1)):
                replay = renormalised.double()
                if (not torch.allclose(replay, right, atol=atol, rtol=rtol)
                        and torch.allclose(got64, replay, atol=atol, rtol=rtol)):
                    return ("your result equals log_softmax(logits) / T, normalised again, in float32: "
                            "log-probabilities lie near -log(vocab), and dividing them by T multiplies their "
                            "rounding — divide the logits themselves by T")
        for replay, diagnosis in replays:
            # A replay that coincides with the right answer (T = 1, a single row) proves nothing.
            if not torch.allclose(replay, right, atol=1e-6, rtol=1e-4) and torch.allclose(got64, replay, atol=1e-6, rtol=1e-4):
                return diagnosis
    if logits.dtype in HALF_PRECISION:
        return (f"p_i = exp(z_i / T) / sum_j exp(z_j / T) over the last axis, computed in float32 for {logits.dtype} "
                f"logits and returned as {logits.dtype}; compare your result with that at the place named")
    return "p_i = exp(z_i / T) / sum_j exp(z_j / T) over the last axis; compare your result with that at the place named"


def _position_hint(model, ids: torch.Tensor, got) -> str:
    """Name the position the learner read, when replaying it reproduces their result."""
    if isinstance(got, torch.Tensor) and got.dim() == 2 and got.shape[0] == ids.shape[0]:
        with torch.no_grad():
            logits = model(input_ids=ids).logits
        for position in range(ids.shape[1] - 1):
            if got.shape == logits[:, position].shape and _close(got, logits[:, position]):
                after = "the first token (<s>)" if position == 0 else f"token {position}"
                return (f"your result is the prediction after {after}, logits[:, {position}]: the next token after "
                        "the whole prompt is predicted at the LAST position, logits[:, -1, :]")
    return "the next-token logits are the model's logits at the last position, logits[:, -1, :], one row per sequence"


def _close(got: torch.Tensor, replay: torch.Tensor, atol: float = LOGIT_ATOL, rtol: float = LOGIT_RTOL) -> bool:
    return torch.allclose(got.detach().float().cpu(), replay.detach().float().cpu(), atol=atol, rtol=rtol)


def _next_token_hint(model, ids: torch.Tensor, got, expected: torch.Tensor) -> str:
    """Shape, then dtype, then the values: a value mistake is named only when its replay reproduces the result."""
    if not isinstance(got, torch.Tensor):
        return "return a torch.Tensor of shape (batch, vocab): the model's logits at the last position"
    if got.shape != expected.shape:
        if got.dim() == 1:
            return ("your result is 1-D: keep one row per sequence, shape (batch, vocab), even for a batch of one "
                    "(no [0], no bare squeeze())")
        if got.dim() == 3:
            return "take one position: the result is (batch, vocab), without the time axis, for the last position"
        return "keep the batch axis: one row of vocab logits per sequence of the batch, shape (batch, vocab)"
    if got.dtype != expected.dtype:
        return (f"return the model's logits in its own dtype ({expected.dtype}): no .float(), .to(...) or autocast "
                "— the caller decides the dtype")
    if not _close(got, expected):
        # bfloat16 logits keep about 3 significant digits: a log_softmax or softmax of them, replayed
        # in float32, is within 1e-2 of what the learner computed.
        loose = {"atol": 1e-2, "rtol": 1e-2} if expected.dtype in HALF_PRECISION else {}
        replays = ((torch.log_softmax(expected.float(), -1), "your result equals the log-probabilities, "
                    "log_softmax of the last position's logits: return the raw logits, before any softmax"),
                   (torch.softmax(expected.float(), -1), "your result equals the probabilities, softmax of the last "
                    "position's logits: return the raw logits, before any softmax"))
        for replay, diagnosis in replays:
            if _close(got, replay, **loose):
                return diagnosis
        masked = _masked_token_hint(model, ids, got, expected)
        if masked:
            return masked
    return _position_hint(model, ids, got)


def _masked_token_hint(model, ids: torch.Tensor, got: torch.Tensor, expected: torch.Tensor) -> str | None:
    """Name an id the learner masked out as padding, when a pass with that mask reproduces their result."""
    for token in sorted(set(ids.flatten().tolist())):
        mask = (ids != token).long()
        if bool(mask.all()) or not bool(mask.any(-1).all()):
            continue
        try:
            with torch.no_grad():
                replay = model(input_ids=ids, attention_mask=mask).logits[:, -1, :]
        except Exception:  # a toy without attention_mask: nothing to replay
            return None
        if not _close(replay, expected) and _close(got, replay):
            return (f"your result equals the logits with attention_mask = (input_ids != {token}): id {token} is a "
                    "real token of these prompts, not padding — give the model no attention_mask here")
    return None


@pytest.mark.next_token
@pytest.mark.points(2)
def test_next_token_logits_match_the_last_position(learner, backend):
    # The last case ends with the eos token </s> (id 2): a token like any other here, whose
    # next token is still read at index -1 (eos is not padding).
    # And id 0 (<unk>) inside a prompt is a token like any other, not padding.
    hello = backend.encode("Hello world")
    for ids in [backend.encode(prompt) for prompt in PROMPTS] + [torch.cat([hello, hello.new_tensor([[2]])], dim=1),
                                                                 hello.new_tensor([[1, 0, 415, 5565]])]:
        got = learner.next_token_logits(backend.model, ids)
        expected = ref.next_token_logits(backend.model, ids)
        call = call_text(learner.next_token_logits, backend.model, ids)
        # The hint is evaluated on failure only: its replays cost forward passes.
        check_tensor(got, expected, call=call, atol=LOGIT_ATOL, rtol=LOGIT_RTOL,
                     hint=lambda: _next_token_hint(backend.model, ids, got, expected))


@pytest.mark.next_token
@pytest.mark.points(1)
def test_next_token_logits_keep_the_models_dtype(learner):
    # "returns: (batch, vocab) logits, the model's dtype": a half-precision model (the 4-bit
    # Mistral-7B computes in float16) gives half-precision logits, and they come back as they are.
    table = torch.randn(12, 12, generator=torch.Generator().manual_seed(5))
    model = BigramModel(table, logits_dtype=torch.bfloat16)
    ids = torch.tensor([[1, 4, 7], [3, 3, 0]])
    got = learner.next_token_logits(model, ids)
    with torch.no_grad():
        expected = model(input_ids=ids).logits[:, -1, :]
    check_tensor(got, expected, call=call_text(learner.next_token_logits, model, ids),
                 hint=lambda: _next_token_hint(model, ids, got, expected))


@pytest.mark.next_token
@pytest.mark.points(1)
def test_next_token_logits_handle_a_batch(learner, backend):
    ids = torch.cat([backend.encode("The capital of France is"), backend.encode("The capital of Italy is")])
    if ids.shape[0] != 2:
        pytest.fail("the two prompts should encode to the same length")
    got = learner.next_token_logits(backend.model, ids)
    expected = ref.next_token_logits(backend.model, ids)
    check_tensor(got, expected, call=call_text(learner.next_token_logits, backend.model, ids),
                 atol=LOGIT_ATOL, rtol=LOGIT_RTOL, hint=lambda: _next_token_hint(backend.model, ids, got, expected))


@pytest.mark.next_token
@pytest.mark.points(1)
def test_next_token_logits_build_no_gradient_graph(learner, backend):
    ids = backend.encode("Hello world")
    # Watched where the model runs: a result .detach()ed after the pass hides the graph the
    # pass built (every layer's activations kept), not the cost.
    with learner.observing_forward_passes(backend.model) as calls:
        got = learner.next_token_logits(backend.model, ids)
    call = call_text(learner.next_token_logits, backend.model, ids)
    check_true(
        isinstance(got, torch.Tensor) and not got.requires_grad,
        call=call,
        problem="the result requires grad: the forward pass built a graph for backpropagation",
        hint="run the model inside `with torch.no_grad():`",
    )
    check_passes_without_gradients(calls, call=call, detail=" (a graph was built, even if the result was detached afterwards)",
                                   hint="run the model inside `with torch.no_grad():`; .detach() afterwards is too late")
    # Of the right logits: a pass whose result is thrown away (zeros returned) earned this point
    # (a free-points audit).
    check_tensor(got, ref.next_token_logits(backend.model, ids), call=call, atol=LOGIT_ATOL, rtol=LOGIT_RTOL,
                 hint="no graph, but not the next token's logits yet: the other next_token_logits tests say what differs")


@pytest.mark.temperature
@pytest.mark.points(1)
def test_softmax_keeps_shape_and_dtype(learner):
    for logits in (_random_logits(7), _random_logits(2, 3, 11), _random_logits(4, 50).double()):
        got = learner.softmax_with_temperature(logits, 1.0)
        expected = ref.softmax_with_temperature(logits, 1.0)
        atol, rtol = softmax_tolerance(expected.dtype, largest_magnitude(logits), logits.shape[-1])
        check_tensor(got, expected, call=call_text(learner.softmax_with_temperature, logits, 1.0),
                     atol=atol, rtol=rtol, hint="return one probability per logit, in the logits' dtype")
    # Half-precision logits (a 4-bit model on a GPU) are computed in float32 and come back in
    # their own dtype. Logits near 20, as a model's are, at T = 0.7: dividing in float16 or
    # bfloat16 already rounds them by two to five times what the comparison allows.
    for dtype in HALF_PRECISION:
        logits = (20.0 + _random_logits(3, 40, scale=1.5, seed=5)).to(dtype)
        got = learner.softmax_with_temperature(logits, 0.7)
        expected = ref.softmax_with_temperature(logits, 0.7)
        check_softmax(got, logits, 0.7, expected, call_text(learner.softmax_with_temperature, logits, 0.7))


@pytest.mark.temperature
@pytest.mark.points(2)
@pytest.mark.parametrize("temperature", [0.4, 1.0, 1.6, 2])  # 2: an int is a number greater than 0 too
def test_softmax_matches_reference_on_random_logits(learner, temperature):
    logits = _random_logits(3, 1000, seed=int(temperature * 10))
    got = learner.softmax_with_temperature(logits, temperature)
    expected = ref.softmax_with_temperature(logits, temperature)
    check_softmax(got, logits, temperature, expected, call_text(learner.softmax_with_temperature, logits, temperature))


@pytest.mark.temperature
@pytest.mark.points(2)
def test_softmax_on_the_models_next_token_logits(learner, backend):
    logits = ref.next_token_logits(backend.model, backend.encode("The capital of Japan is")).float()
    for temperature in (0.4, 1.0, 1.6):
        got = learner.softmax_with_temperature(logits, temperature)
        expected = ref.softmax_with_temperature(logits, temperature)
        check_softmax(got, logits, temperature, expected, call_text(learner.softmax_with_temperature, logits, temperature))


@pytest.mark.temperature
@pytest.mark.points(2)
def test_softmax_is_stable_for_huge_logits(learner):
    logits = torch.tensor([[1e4, 0.0, -1e4, 9999.0], [-1e4, -1e4, -1e4, -1e4]])
    got = learner.softmax_with_temperature(logits, 0.5)
    expected = ref.softmax_with_temperature(logits, 0.5)
    check_softmax(got, logits, 0.5, expected, call_text(learner.softmax_with_temperature, logits, 0.5))
    # A high temperature brings back a tail that exp(z) at T = 1 rounds to 0 (exp(-200) is below
    # float32's smallest number, exp(-200 / 100) is not). The second row tells that mistake
    # apart from a temperature never applied.
    spread = torch.tensor([[0.0, -200.0, -1e4], [0.0, -1.0, -2.0]])
    got = learner.softmax_with_temperature(spread, 100.0)
    expected = ref.softmax_with_temperature(spread, 100.0)
    check_softmax(got, spread, 100.0, expected, call_text(learner.softmax_with_temperature, spread, 100.0))
    # A tiny temperature is a temperature too: logits a hundredth apart become ten apart at
    # T = 0.001 (a floor such as max(T, 0.01) would leave them one apart).
    close = torch.tensor([[0.01, 0.0, -0.005]])
    got = learner.softmax_with_temperature(close, 0.001)
    expected = ref.softmax_with_temperature(close, 0.001)
    check_softmax(got, close, 0.001, expected, call_text(learner.softmax_with_temperature, close, 0.001))
    # The same at the vocabulary's size: the temperature goes on the logits, not on log-probabilities
    # computed first. Those lie near -log(32000) = -10.4, and their float32 rounding, divided by
    # T = 0.001, moves every probability by about 0.1 % of itself (a forty-fifth examiner's learner).
    flat = torch.randn(2, 32000, generator=torch.Generator().manual_seed(45)) * 0.002
    got = learner.softmax_with_temperature(flat, 0.001)
    expected = ref.softmax_with_temperature(flat, 0.001)
    check_softmax(got, flat, 0.001, expected, call_text(learner.softmax_with_temperature, flat, 0.001))
    # float16 logits of ±1e4 at T = 0.1: 1e5 is beyond float16's largest number (65504), so
    # the division must not happen in float16.
    half = torch.tensor([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [3.0, 1.0, 0.0]], dtype=torch.float16)
    got = learner.softmax_with_temperature(half, 0.1)
    expected = ref.softmax_with_temperature(half, 0.1)
    check_softmax(got, half, 0.1, expected, call_text(learner.softmax_with_temperature, half, 0.1))


@pytest.mark.temperature
@pytest.mark.points(1)
def test_softmax_gives_minus_inf_zero_probability(learner):
    logits = torch.tensor([2.0, float("-inf"), 0.5, float("-inf")])
    got = learner.softmax_with_temperature(logits, 1.0)
    expected = ref.softmax_with_temperature(logits, 1.0)
    atol, rtol = softmax_tolerance(expected.dtype, largest_magnitude(logits), logits.shape[-1])
    call = call_text(learner.softmax_with_temperature, logits, 1.0)
    check_tensor(got, expected, call=call, atol=atol, rtol=rtol,
                 hint="exp(-inf) is 0: a masked token must get probability exactly 0")
    # Within the tolerance is not enough here: the docstring says exactly 0 (a floor such as
    # 1e-38, put there so that a later log() stays finite, would pass the comparison above).
    masked = got[torch.isinf(logits)]
    check_true(bool((masked == 0).all()), call=call,
               problem=f"the tokens whose logit is -inf got probabilities {masked.tolist()}, expected exactly 0",
               hint="exp(-inf) is 0: leave those probabilities at exactly 0, with no floor or offset")


@pytest.mark.temperature
@pytest.mark.points(1)
@pytest.mark.parametrize("temperature", [0, -1.0, float("nan"), float("inf"), "1.0", None],
                         ids=["0", "-1.0", "nan", "inf", "the string '1.0'", "None"])
def test_softmax_rejects_a_bad_temperature(learner, temperature):
    expect_accepted(learner.softmax_with_temperature, torch.zeros(3), 0.5,
                    hint="a temperature of 0.5 is a finite number > 0: divide by it; refuse only the others")
    expect_error(learner.softmax_with_temperature, ValueError, torch.zeros(3), temperature,
                 must_mention=("temperature", "positive", "> 0", "greater"),
                 hint="check that the temperature is finite and > 0 before dividing, and say so in the message")


@pytest.mark.temperature
@pytest.mark.points(1)
@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=40),
    low=st.floats(0.1, 1.0), high=st.floats(1.01, 5.0),
)
def test_softmax_sums_to_one_and_sharpens_as_temperature_falls(learner, values, low, high):
    logits = torch.tensor(values, dtype=torch.float64)
    cold = learner.softmax_with_temperature(logits, low)
    hot = learner.softmax_with_temperature(logits, high)
    call = call_text(learner.softmax_with_temperature, logits, low)
    _, sum_tolerance = softmax_tolerance(logits.dtype, largest_magnitude(logits) / low, logits.shape[-1])
    check_true(isinstance(cold, torch.Tensor) and math.isclose(float(cold.sum()), 1.0, abs_tol=sum_tolerance),
               call=call, problem=f"the probabilities sum to {float(cold.sum()) if isinstance(cold, torch.Tensor) else describe(cold)}, not 1",
               hint="divide by the sum over the last axis")
    # Sharper by about as much as it should be, where that is clearly more than rounding: an
    # output that ignores the temperature (a uniform one, red team 19) sharpens nothing at all.
    rise = float(ref.softmax_with_temperature(logits, low).max() - ref.softmax_with_temperature(logits, high).max())
    least = rise / 2 if rise > 4 * sum_tolerance else -1e-12
    check_true(float(cold.max()) - float(hot.max()) >= least, call=call,
               problem=f"the top probability is {float(cold.max()):.4g} at T={low:.3g} and {float(hot.max()):.4g} at T={high:.3g}; "
                       "a lower temperature must make the distribution sharper"
                       + (f" (here by {rise:.4g})" if rise > 4 * sum_tolerance else ""),
               hint="divide the logits by the temperature, do not multiply")
