"""A learner's call that switches gradients off for the whole process does so for itself only.

A forty-third examiner's learner left state behind between calls. One such leftover changed a
verdict: ``greedy_generate`` that starts with ``torch.set_grad_enabled(False)`` (never undone)
let a ``next_token_logits`` without ``torch.no_grad()``, graded after it, pass its "builds no
gradient graph" test, which it fails alone. Every call of a learner's function now starts with
gradients on, as in a fresh Python session, and the mode is put back after it
(:func:`grading.sandbox.learner_side.call_with_fresh_grad_mode`), in the sandbox and in-process.
"""
from __future__ import annotations

from pathlib import Path

import torch

from grading.grader.driver import GradeOptions, grade_class
from grading.harness.target import FolderTarget
from grading.sandbox.limits import Limits
from reference.bigram import BigramModel

ROOT = Path(__file__).resolve().parent.parent
SWITCH = "\n    torch.set_grad_enabled(False)  # no graphs anywhere from here on"


def _submission(folder: Path, leaves_gradients_off: bool) -> Path:
    """``next_token_logits`` without ``torch.no_grad()``; with ``leaves_gradients_off``, also a
    ``greedy_generate`` whose first statement switches gradients off for the process."""
    folder.mkdir(parents=True)
    distributions = (ROOT / "solutions" / "distributions.py").read_text()
    plain = distributions.replace("    with torch.no_grad():\n        logits = model(input_ids=input_ids).logits\n",
                                  "    logits = model(input_ids=input_ids).logits\n", 1)
    assert plain != distributions, "solutions/distributions.py changed its next_token_logits: update this test"
    (folder / "distributions.py").write_text(plain)
    if leaves_gradients_off:
        decoding = (ROOT / "solutions" / "decoding.py").read_text()
        start = decoding.index("def greedy_generate(")
        body = decoding.index('"""', decoding.index('"""', start) + 3) + 3  # after its docstring
        (folder / "decoding.py").write_text(decoding[:body] + SWITCH + decoding[body:])
    return folder


def test_in_process_the_switch_lasts_for_its_own_call_only(tmp_path):
    target = FolderTarget(_submission(tmp_path / "leaky", leaves_gradients_off=True))
    model = BigramModel(torch.randn(8, 8, generator=torch.Generator().manual_seed(0)))
    ids = torch.tensor([[1, 3]])
    try:
        target.function("greedy_generate")(model, ids, 2)
        assert torch.is_grad_enabled(), "greedy_generate's switch reached the test's own process"
        with target.observing_forward_passes(model) as passes:
            target.function("next_token_logits")(model, ids)
    finally:
        torch.set_grad_enabled(True)
        target.close()
    assert passes and all(record["grad"] for record in passes), (
        f"next_token_logits ran its forward passes with grad modes {[r['grad'] for r in passes]} after a greedy_generate "
        "that switched gradients off for the process; expected gradients on, as in a call of its own")


def test_graded_a_leftover_switch_earns_a_later_function_nothing(tmp_path):
    leaky = _submission(tmp_path / "class" / "leaky", leaves_gradients_off=True)
    alone = _submission(tmp_path / "class" / "alone", leaves_gradients_off=False)
    options = GradeOptions(backend="tiny", exercises=("greedy", "next_token"),
                           limits=Limits(call_seconds=20, submission_seconds=300))
    graded = grade_class([leaky, alone], tmp_path / "out", options, workers=1)
    assert not graded.failed, f"grade_class broke on {graded.failed}"

    def no_graph_score(name: str) -> float:
        tests = [t for t in graded.results[name]["tests"] if "test_next_token_logits_build_no_gradient_graph" in t["name"]]
        assert tests, f"{name}: the hidden no-gradient test of next_token_logits was not graded"
        return sum(t["score"] for t in tests)

    assert no_graph_score("alone") == 0, "a next_token_logits without torch.no_grad() passed its no-gradient test alone"
    assert no_graph_score("leaky") == 0, (
        f"next_token_logits without torch.no_grad() scored {no_graph_score('leaky')} on its no-gradient test after a "
        "greedy_generate that switched gradients off for the process; expected 0, as alone")
