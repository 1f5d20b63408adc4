"""Wrong versions of greedy decoding that learners really write.

Each function is named ``greedy_generate__<mistake>``; the hidden suite must take points from
every one of them (tests/test_suites.py).
"""
import torch


def _last_logits(model, ids):
    return model(input_ids=ids).logits[:, -1, :]


def greedy_generate__first_position(model, input_ids, max_new_tokens, eos_token_id=None):
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = model(input_ids=ids).logits[:, 0, :].argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids


def greedy_generate__drops_eos(model, input_ids, max_new_tokens, eos_token_id=None):
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = _last_logits(model, ids).argmax(-1, keepdim=True)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
            ids = torch.cat([ids, token], dim=-1)
    return ids


def greedy_generate__never_checks_eos(model, input_ids, max_new_tokens, eos_token_id=None):
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            ids = torch.cat([ids, _last_logits(model, ids).argmax(-1, keepdim=True)], dim=-1)
    return ids


def greedy_generate__eos_anywhere_in_sequence(model, input_ids, max_new_tokens, eos_token_id=None):
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            ids = torch.cat([ids, _last_logits(model, ids).argmax(-1, keepdim=True)], dim=-1)
            if eos_token_id is not None and eos_token_id in ids[0].tolist():
                break
    return ids


def greedy_generate__new_tokens_only(model, input_ids, max_new_tokens, eos_token_id=None):
    ids, new = input_ids, []
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = _last_logits(model, ids).argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            new.append(token)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return torch.cat(new, dim=-1) if new else input_ids[:, :0]


def greedy_generate__one_too_many(model, input_ids, max_new_tokens, eos_token_id=None):
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens + 1):
            token = _last_logits(model, ids).argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids


def greedy_generate__one_too_few(model, input_ids, max_new_tokens, eos_token_id=None):
    ids = input_ids
    with torch.no_grad():
        for _ in range(max(max_new_tokens - 1, 0)):
            token = _last_logits(model, ids).argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids


def greedy_generate__samples(model, input_ids, max_new_tokens, eos_token_id=None):
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = torch.multinomial(_last_logits(model, ids).float().softmax(-1), 1)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids


def greedy_generate__softmax_over_positions(model, input_ids, max_new_tokens, eos_token_id=None):
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            probs = model(input_ids=ids).logits.softmax(dim=1)  # over the sequence, not the vocabulary
            token = probs[:, -1, :].argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids


def greedy_generate__keeps_gradients(model, input_ids, max_new_tokens, eos_token_id=None):
    ids = input_ids
    for _ in range(max_new_tokens):
        token = _last_logits(model, ids).argmax(-1, keepdim=True)
        ids = torch.cat([ids, token], dim=-1)
        if eos_token_id is not None and int(token) == eos_token_id:
            break
    return ids


def greedy_generate__keeps_gradients_hides_passes(model, input_ids, max_new_tokens, eos_token_id=None):
    # Not a slip but a dodge: the loop of keeps_gradients, after taking every forward pre-hook
    # off the decoder (where a grader that watches passes would put one).
    decoder = model.get_decoder() if hasattr(model, "get_decoder") else model
    decoder._forward_pre_hooks.clear()
    return greedy_generate__keeps_gradients(model, input_ids, max_new_tokens, eos_token_id)


def greedy_generate__no_kv_cache(model, input_ids, max_new_tokens, eos_token_id=None):
    # Right tokens, but the whole sequence is fed at every step: misses only the bonus point.
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = _last_logits(model, ids).argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids


def greedy_generate__drops_batch_axis(model, input_ids, max_new_tokens, eos_token_id=None):
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = _last_logits(model, ids).argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids[0]


def greedy_generate__cache_without_past(model, input_ids, max_new_tokens, eos_token_id=None):
    # Feeds only the new token but forgets cache=out.cache: the model sees one token alone.
    step_input, ids = input_ids, input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = model(input_ids=step_input, use_cache=True).logits[:, -1, :].argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
            step_input = token
    return ids


def greedy_generate__at_least_one_token(model, input_ids, max_new_tokens, eos_token_id=None):
    """Edge case missed: a do-while loop that tests the count only after appending, so
    max_new_tokens = 0 still adds one token instead of returning the prompt as it is."""
    ids = input_ids
    with torch.no_grad():
        while True:
            token = _last_logits(model, ids).argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
            if ids.shape[1] - input_ids.shape[1] >= max_new_tokens:
                break
    return ids


def greedy_generate__none_means_model_eos(model, input_ids, max_new_tokens, eos_token_id=None):
    """Edge case missed: eos_token_id=None falls back to the model's own eos (as generate() does)
    instead of meaning "never stop early"."""
    if eos_token_id is None:
        eos_token_id = model.config.eos_token_id
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = _last_logits(model, ids).argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids
