"""A greedy loop that forges its forward-pass records earns no KV-cache bonus.

What a test observes of a learner's forward passes on a real model is recorded in the learner's
own process (``grading/sandbox/observe.py``), so code there can rewrite it. The forger below
recomputes the whole sequence at every step with the recorder's hook taken off, then calls the
hook itself with the passes a cached loop would make: its records are those of an honest cached
loop. The bonus test also grades the tokens of a toy that answers differently on top of its own
cache (``reference/bigram.py``, ``cache_salt``), which no record can stand in for; the grader
keeps that toy and runs its passes itself (``grading/sandbox/kept_toy.py``), so two cleverer
forgers lose the bonus too: one that reads the toy's salt and table and works out its cached
answers (a tenth red team's, which earned the bonus while the toy crossed by value), and one
that recomputes the whole sequence on the toy but hands it a cache that claims to hold the
earlier positions. Graded with :func:`grading.grader.driver.grade_class`, the sandboxed path
``decodelab grade`` runs.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from grading.grader.driver import GradeOptions, grade_class
from grading.sandbox.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
BONUS = "greedy_generate: test_bonus_greedy_reuses_the_kv_cache[tiny]"

FORGER = '''

def _recompute_and_forge(model, input_ids, max_new_tokens, eos_token_id=None):
    decoder = model.get_decoder() if hasattr(model, "get_decoder") else model

    class _Length:
        def __init__(self, length):
            self.length = length

        def get_seq_length(self):
            return self.length

    ids = input_ids
    with torch.no_grad():
        for step in range(max_new_tokens):
            hooks = dict(decoder._forward_pre_hooks)
            decoder._forward_pre_hooks.clear()
            try:
                logits = model(input_ids=ids).logits  # the whole sequence, no cache, unseen
            finally:
                decoder._forward_pre_hooks.update(hooks)
            fed, cached = (ids.shape[1], 0) if step == 0 else (1, ids.shape[1] - 1)
            for hook in hooks.values():  # what a cached loop's pass would have shown
                hook(decoder, (), {"input_ids": ids[:, -fed:], "cache": _Length(cached)})
            token = logits[:, -1].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids


greedy_generate = _recompute_and_forge
'''

# A tenth red team's way (2026-12-06): the toy's rule worked out from its salt and table.
EMULATOR = FORGER + '''

def greedy_generate(model, input_ids, max_new_tokens, eos_token_id=None):
    salt, table = getattr(model, "cache_salt", None), getattr(model, "table", None)
    if salt is None or table is None:
        return _recompute_and_forge(model, input_ids, max_new_tokens, eos_token_id)
    ids = input_ids[0].tolist()  # no pass at all: what a cached loop gets, from the toy's numbers
    for step in range(max_new_tokens):
        ids.append(int((table[ids[-1]] + (salt if step > 0 else 0)).argmax()))
    return torch.tensor([ids])
'''

# The whole sequence at every step, handed a cache that holds nothing but claims the rest.
CLAIMER = FORGER + '''

class _Claims:
    def __init__(self, length):
        self.length = length

    def get_seq_length(self, layer_idx=0):
        return self.length

    def update(self, *args, **kwargs):
        return None


def greedy_generate(model, input_ids, max_new_tokens, eos_token_id=None):
    if model.config.vocab_size > 16:  # not the toy
        return _recompute_and_forge(model, input_ids, max_new_tokens, eos_token_id)
    ids = input_ids
    with torch.no_grad():
        for step in range(max_new_tokens):
            claims = _Claims(ids.shape[1] - 1) if step > 0 else None
            logits = model(input_ids=ids, cache=claims, use_cache=False).logits
            token = logits[:, -1].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids
'''


@pytest.mark.parametrize("name, code, verdict", [
    ("forger", FORGER, "whole sequence"),      # the toy's tokens are those of a loop without a cache
    ("emulator", EMULATOR, "whole sequence"),  # the toy it got has no salt or table to read
    ("claimer", CLAIMER, "on the toy fed"),    # its tokens are right; the passes the grader ran are not
])
def test_forged_records_do_not_earn_the_cache_bonus(tmp_path, name, code, verdict):
    folder = tmp_path / "class" / name
    folder.mkdir(parents=True)
    (folder / "decoding.py").write_text((ROOT / "solutions" / "decoding.py").read_text() + code)
    options = GradeOptions(backend="tiny", exercises=("greedy",), limits=Limits(call_seconds=20, submission_seconds=300))
    graded = grade_class([folder], tmp_path / "out", options, workers=1)
    assert not graded.failed, f"grade_class broke on {graded.failed}"
    tests = {t["name"]: t for t in graded.results[name]["tests"]}
    lost = sorted(test for test, t in tests.items() if t["score"] < t["max_score"])
    assert lost == [BONUS], f"the {name} lost points on {lost}; expected only the bonus ({BONUS}): its tokens are right"
    output = tests[BONUS]["output"]
    assert verdict in output and "cache" in output, (
        f"the {name}'s bonus failed with {output[:600]!r}; expected the verdict on the toy ({verdict!r}), not a "
        "complaint about its records of the real model, which it forged")
