"""Wrong versions of the sampling loop that learners really write.

Each function is named ``<exercise function>__<mistake>``; the hidden suite must take points
from every one of them (tests/test_suites.py). They share a correct skeleton and differ in
one step, so each shows what the suite notices about that one mistake.
"""
import math

import torch


def _nucleus(probs, p):
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    return torch.zeros_like(keep).scatter(-1, order, keep)


def _top_k(logits, k):
    if k is None:
        return logits
    kth = torch.topk(logits, min(k, logits.shape[-1]), dim=-1).values[..., -1:]
    return logits.masked_fill(logits < kth, -math.inf)


def _validate(temperature, top_k, top_p):
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if not 0.0 <= top_p <= 1.0:
        raise ValueError(f"top_p must be in [0, 1], got {top_p}")


def _loop(model, input_ids, max_new_tokens, eos_token_id, generator, step, cast=True, draw=None, keep_prompt=True):
    """The shared skeleton: ``step(logits) -> probs`` per token, then a draw."""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :]
            if cast:
                logits = logits.to(torch.float32)
            probs = step(logits)
            if draw is None:
                token = torch.multinomial(probs, 1, generator=generator)
            else:
                token = draw(probs)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and token.item() == eos_token_id:
                break
    return ids if keep_prompt else ids[:, input_ids.shape[1]:]


def _right_step(temperature, top_k, top_p):
    def step(logits):
        probs = torch.softmax(_top_k(logits / temperature, top_k), dim=-1)
        if top_p < 1.0:
            probs = probs.masked_fill(~_nucleus(probs, top_p), 0.0)
        return probs
    return step


def sample_generate__top_p_before_top_k(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                        top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)

    def step(logits):
        scaled = logits / temperature
        probs = torch.softmax(scaled, dim=-1)
        if top_p < 1.0:  # the nucleus of the whole distribution, then top-k
            scaled = scaled.masked_fill(~_nucleus(probs, top_p), -math.inf)
        return torch.softmax(_top_k(scaled, top_k), dim=-1)
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, step)


def sample_generate__temperature_after_top_p(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                             top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)

    def step(logits):
        logits = _top_k(logits, top_k)
        if top_p < 1.0:  # nucleus decided on the untempered distribution
            logits = logits.masked_fill(~_nucleus(torch.softmax(logits, dim=-1), top_p), -math.inf)
        return torch.softmax(logits / temperature, dim=-1)
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, step)


def sample_generate__multiplies_temperature(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                            top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, _right_step(1.0 / temperature, top_k, top_p))


def sample_generate__ignores_generator(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                       top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)
    return _loop(model, input_ids, max_new_tokens, eos_token_id, None, _right_step(temperature, top_k, top_p))


def sample_generate__no_float32_cast(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                     top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, _right_step(temperature, top_k, top_p),
                 cast=False)


def sample_generate__argmax_instead_of_draw(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                            top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, _right_step(temperature, top_k, top_p),
                 draw=lambda probs: probs.argmax(-1, keepdim=True))


def sample_generate__eos_never_checked(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                       top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)
    return _loop(model, input_ids, max_new_tokens, None, generator, _right_step(temperature, top_k, top_p))


def sample_generate__eos_dropped(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                 top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)
    ids = _loop(model, input_ids, max_new_tokens, eos_token_id, generator, _right_step(temperature, top_k, top_p))
    if eos_token_id is not None and ids.shape[1] > input_ids.shape[1] and int(ids[0, -1]) == eos_token_id:
        ids = ids[:, :-1]
    return ids


def sample_generate__prompt_missing(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                    top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, _right_step(temperature, top_k, top_p),
                 keep_prompt=False)


def sample_generate__first_position_logits(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                           top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)
    step = _right_step(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, 0, :].to(torch.float32)
            token = torch.multinomial(step(logits), 1, generator=generator)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and token.item() == eos_token_id:
                break
    return ids


def sample_generate__no_validation(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                   top_p=1.0, generator=None, eos_token_id=None):
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, _right_step(temperature, top_k, top_p))


def sample_generate__top_p_crossing_token_dropped(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                                  top_p=1.0, generator=None, eos_token_id=None):
    _validate(temperature, top_k, top_p)

    def step(logits):
        probs = torch.softmax(_top_k(logits / temperature, top_k), dim=-1)
        if top_p < 1.0:
            sorted_probs, order = probs.sort(dim=-1, descending=True)
            keep = sorted_probs.cumsum(-1) <= top_p
            keep[..., 0] = True
            probs = probs.masked_fill(~torch.zeros_like(keep).scatter(-1, order, keep), 0.0)
        return probs
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, step)


def _validate_settings(temperature, top_k, top_p, check_temperature=True, check_top_k=True, check_top_p=True):
    """Every check the docstring asks for; a wrong version turns one of them off."""
    if check_temperature and not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature}")
    if check_top_k and top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be None or >= 1, got {top_k}")
    if check_top_p and not 0.0 <= top_p <= 1.0:
        raise ValueError(f"top_p must be in [0, 1], got {top_p}")


def sample_generate__temperature_only_checked_positive(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                                       top_p=1.0, generator=None, eos_token_id=None):
    """Error missed: `temperature <= 0` lets nan and inf through (not a finite number > 0)."""
    _validate_settings(temperature, top_k, top_p, check_temperature=False)
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, _right_step(temperature, top_k, top_p))


def sample_generate__accepts_top_k_zero(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                        top_p=1.0, generator=None, eos_token_id=None):
    """Error missed: top_k < 1 is not rejected with ValueError (torch.topk fails later, or not at all)."""
    _validate_settings(temperature, top_k, top_p, check_top_k=False)
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, _right_step(temperature, top_k, top_p))


def sample_generate__accepts_top_p_above_one(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                             top_p=1.0, generator=None, eos_token_id=None):
    """Error missed: top_p outside [0, 1] is not rejected (top_p = 1.5 quietly means no top-p)."""
    _validate_settings(temperature, top_k, top_p, check_top_p=False)
    return _loop(model, input_ids, max_new_tokens, eos_token_id, generator, _right_step(temperature, top_k, top_p))


def sample_generate__keeps_gradients(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                     top_p=1.0, generator=None, eos_token_id=None):
    """Pitfall: runs the model with gradients enabled (no torch.no_grad()); the tokens are right."""
    _validate_settings(temperature, top_k, top_p)
    step = _right_step(temperature, top_k, top_p)
    ids = input_ids
    for _ in range(max_new_tokens):
        logits = model(input_ids=ids).logits[:, -1, :].to(torch.float32)
        token = torch.multinomial(step(logits.detach()), 1, generator=generator)
        ids = torch.cat([ids, token], dim=-1)
        if eos_token_id is not None and token.item() == eos_token_id:
            break
    return ids


def sample_generate__keeps_gradients_hides_passes(model, input_ids, max_new_tokens, temperature=1.0, top_k=None,
                                                  top_p=1.0, generator=None, eos_token_id=None):
    """Not a slip but a dodge: keeps_gradients after taking every forward pre-hook off the decoder
    (where a grader that watches passes would put one)."""
    decoder = model.get_decoder() if hasattr(model, "get_decoder") else model
    decoder._forward_pre_hooks.clear()
    return sample_generate__keeps_gradients(model, input_ids, max_new_tokens, temperature, top_k, top_p,
                                            generator, eos_token_id)
