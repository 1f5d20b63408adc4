"""A greedy loop that forges its forward-pass records earns no KV-cache bonus.

What a test observes of a learner's forward passes on a real model is recorded in the learner's
own process (``grading/sandbox/observe.py``), so code there can rewrite it. The forger below
recomputes the whole sequence at every step with the recorder's hook taken off, then calls the
hook itself with the passes a cached loop would make: its records are those of an honest cached
loop. The bonus test also runs the loop on a toy that answers differently on top of its own
cache (``reference/bigram.py``, ``cache_salt``). The grader keeps that toy and runs and records
each of its passes itself (``grading/sandbox/kept_toy.py``), and the test holds them one by one:
the prompt once on no cache, then each new token on top of all before it. So cleverer forgers
lose the bonus too, each with its real-model records forged:

- the emulator works out the toy's answers from its salt and table (a tenth red team's way,
  the bonus while the toy crossed by value);
- the claimer feeds the toy the whole sequence with a cache that claims the earlier positions;
- the prober (a thirteenth red team's) probes the toy's rows on such a cache and works the answer
  out; the hardcoder (the same red team's) returns the answer read off the hidden test and never
  runs the toy. Both earned the bonus before the passes were held one by one.

Graded with :func:`grading.grader.driver.grade_class`, the sandboxed path ``decodelab grade`` runs.
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

# A thirteenth red team's two (2026-12-06), which earned the bonus before the toy's passes were
# held one by one: the toy's rows probed on a cache that claims positions, then the answer worked
# out; and the answer written down, the toy never run.
PROBER = CLAIMER + '''

def greedy_generate(model, input_ids, max_new_tokens, eos_token_id=None):
    if type(model).__name__ != "KeptToy":
        return _recompute_and_forge(model, input_ids, max_new_tokens, eos_token_id)
    width = input_ids.shape[1]
    with torch.no_grad():
        first = model(input_ids=input_ids, use_cache=False).logits[0, -1]
        salted = [model(input_ids=torch.tensor([[i]]), cache=_Claims(width + i), use_cache=False).logits[0, -1]
                  for i in range(model.config.vocab_size)]
    ids = input_ids[0].tolist() + [int(first.argmax())]
    while len(ids) < width + max_new_tokens:
        ids.append(int(salted[ids[-1]].argmax()))
    return torch.tensor([ids])
'''

HARDCODER = FORGER + '''

def greedy_generate(model, input_ids, max_new_tokens, eos_token_id=None):
    if type(model).__name__ == "KeptToy" and input_ids.tolist() == [[1, 3]] and max_new_tokens == 5:
        return torch.tensor([[1, 3, 4, 7, 7, 7, 7]])  # read off the hidden test
    return _recompute_and_forge(model, input_ids, max_new_tokens, eos_token_id)
'''


@pytest.mark.parametrize("name, code, verdict", [
    ("forger", FORGER, "whole sequence"),      # the toy's tokens are those of a loop without a cache
    ("emulator", EMULATOR, "whole sequence"),  # the toy it got has no salt or table to read
    ("claimer", CLAIMER, "do not follow"),     # its tokens are right; the passes the grader ran are not
    ("prober", PROBER, "do not follow"),       # right tokens, from passes no cached loop makes
    ("hardcoder", HARDCODER, "do not follow"),  # right tokens, and no pass at all
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
