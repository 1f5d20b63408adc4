"""Wrong versions of the distributions exercises that learners really write.

Each function is named ``<exercise function>__<mistake>``; the suites must take points from
every one of them (tests/test_wrong_implementations.py).
"""
import math

import torch


def next_token_logits__first_position(model, input_ids):
    with torch.no_grad():
        return model(input_ids=input_ids).logits[:, 0, :]


def next_token_logits__drops_batch_axis(model, input_ids):
    with torch.no_grad():
        return model(input_ids=input_ids).logits[0, -1, :]


def next_token_logits__returns_probabilities(model, input_ids):
    with torch.no_grad():
        return model(input_ids=input_ids).logits[:, -1, :].softmax(-1)


def next_token_logits__keeps_gradients(model, input_ids):
    return model(input_ids=input_ids).logits[:, -1, :]


def next_token_logits__keeps_gradients_hides_passes(model, input_ids):
    # Not a slip but a dodge: keeps gradients, detaches the result, and first takes every forward
    # pre-hook off the decoder (where a grader that watches passes would put one).
    decoder = model.get_decoder() if hasattr(model, "get_decoder") else model
    decoder._forward_pre_hooks.clear()
    return model(input_ids=input_ids).logits[:, -1, :].detach()


def next_token_logits__all_positions(model, input_ids):
    with torch.no_grad():
        return model(input_ids=input_ids).logits


def softmax_with_temperature__multiplies(logits, temperature):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    return torch.softmax(logits * temperature, dim=-1)


def softmax_with_temperature__no_max_subtraction(logits, temperature):
    if not temperature > 0 or temperature == float("inf"):
        raise ValueError("temperature must be > 0")
    exps = torch.exp(logits / temperature)
    return exps / exps.sum(dim=-1, keepdim=True)


def softmax_with_temperature__wrong_axis(logits, temperature):
    if not temperature > 0 or temperature == float("inf"):
        raise ValueError("temperature must be > 0")
    return torch.softmax(logits / temperature, dim=0)


def softmax_with_temperature__no_validation(logits, temperature):
    return torch.softmax(logits / temperature, dim=-1)


def softmax_with_temperature__casts_to_float32(logits, temperature):
    if not temperature > 0 or temperature == float("inf"):
        raise ValueError("temperature must be > 0")
    return torch.softmax(logits.float() / temperature, dim=-1)


def softmax_with_temperature__divides_in_half_precision(logits, temperature):
    """Pitfall missed: stable (the row's maximum is subtracted), but in the logits' own dtype:
    float16 logits of 1e4 divided by 0.1 overflow to inf before any maximum is taken, and
    inf - inf is nan."""
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature}")
    scaled = logits / temperature
    exps = torch.exp(scaled - scaled.amax(dim=-1, keepdim=True))
    return exps / exps.sum(dim=-1, keepdim=True)


def softmax_with_temperature__float16_only_in_float32(logits, temperature):
    """Pitfall missed: float16 logits are computed in float32, bfloat16 ones in bfloat16: divided
    in bfloat16 (about three digits), 100.5 / 0.3 and 100 / 0.3 are 2 apart instead of 1.67, and
    the top probability moves by 5 %."""
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature}")
    work = logits.float() if logits.dtype == torch.float16 else logits
    scaled = work / temperature
    exps = torch.exp(scaled - scaled.amax(dim=-1, keepdim=True))
    return (exps / exps.sum(dim=-1, keepdim=True)).to(logits.dtype)


def softmax_with_temperature__tempers_log_probabilities(logits, temperature):
    """Pitfall missed: the temperature goes on float32 log-probabilities, not on the logits. The
    same in exact arithmetic, but log-probabilities lie near -log(vocab), and dividing them by a
    small T multiplies their rounding: 0.1 % off at T = 0.001 over 32000 tokens."""
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature}")
    return torch.softmax(torch.log_softmax(logits.float(), dim=-1) / temperature, dim=-1).to(logits.dtype)


def softmax_with_temperature__ignores_temperature(logits, temperature):
    if not temperature > 0 or temperature == float("inf"):
        raise ValueError("temperature must be > 0")
    return torch.softmax(logits, dim=-1)


def softmax_with_temperature__clamps_logits(logits, temperature):
    """Edge case missed: clamps logits/T to [-50, 50] "against overflow", so a -inf logit gets
    probability exp(-50 - max) > 0 instead of exactly 0 (huge logits still come out right)."""
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature}")
    return torch.softmax((logits / temperature).clamp(-50.0, 50.0), dim=-1)


def softmax_with_temperature__only_rejects_nonpositive(logits, temperature):
    """Edge case missed: `temperature <= 0` lets nan and inf through (not a finite number > 0)."""
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    return torch.softmax(logits / temperature, dim=-1)


def softmax_with_temperature__error_without_reason(logits, temperature):
    """Edge case missed: raises ValueError, but with no message saying why."""
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError
    return torch.softmax(logits / temperature, dim=-1)
