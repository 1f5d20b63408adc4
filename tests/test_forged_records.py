"""A greedy loop that forges its forward-pass records earns no KV-cache bonus.

What a test observes of a learner's forward passes is recorded in the learner's own process
(``grading/sandbox/observe.py``), so code there can rewrite it. The forger below recomputes the
whole sequence at every step with the recorder's hook taken off, then calls the hook itself with
the passes a cached loop would make: its records are those of an honest cached loop. The bonus
test also grades the tokens of a toy that answers differently on top of its own cache
(``reference/bigram.py``, ``cache_salt``), which no record can stand in for. Graded with
:func:`grading.grader.driver.grade_class`, the sandboxed path ``decodelab grade`` runs.
"""
from __future__ import annotations

from pathlib import Path

from grading.grader.driver import GradeOptions, grade_class
from grading.sandbox.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
BONUS = "greedy_generate: test_bonus_greedy_reuses_the_kv_cache[tiny]"

FORGER = '''

def greedy_generate(model, input_ids, max_new_tokens, eos_token_id=None):
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
'''


def test_forged_forward_pass_records_do_not_earn_the_cache_bonus(tmp_path):
    folder = tmp_path / "class" / "forger"
    folder.mkdir(parents=True)
    (folder / "decoding.py").write_text((ROOT / "solutions" / "decoding.py").read_text() + FORGER)
    options = GradeOptions(backend="tiny", exercises=("greedy",), limits=Limits(call_seconds=20, submission_seconds=300))
    graded = grade_class([folder], tmp_path / "out", options, workers=1)
    assert not graded.failed, f"grade_class broke on {graded.failed}"
    tests = {t["name"]: t for t in graded.results["forger"]["tests"]}
    lost = sorted(name for name, t in tests.items() if t["score"] < t["max_score"])
    assert lost == [BONUS], f"the forger lost points on {lost}; expected only the bonus ({BONUS}): its tokens are right"
    output = tests[BONUS]["output"]
    assert "whole sequence" in output and "cache" in output, (
        f"the forger's bonus failed with {output[:600]!r}; expected the toy's verdict (its tokens are those of a loop "
        "that runs the model on the whole sequence at every step), not a complaint about its records, which it forged")
