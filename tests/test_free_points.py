"""Points a submission must not get for no work (a tenth red team, 2026-12-06).

- A function that refuses every input with a ``ValueError`` whose message holds every word the
  refusal tests look for passed those tests (3.44 of 111 points); a refusal test now makes one
  valid call first (``expect_accepted`` in ``grading/harness/compare.py``).
- The feedback of a sampled sequence quoted the reference's whole draw, which a submission
  copied into the next round; it now shows the sequence up to its first difference.
- Answers that do nothing (2026-12-07): an all-True top-p mask, an argmax or a row of zeros for
  ``sample_top_p``, a draw that ignores ``p``, random ids that ignore the model, ``[]`` for every
  logprobs call, a BOS and nothing else for every text: each collected the point of one test that
  checked a property they hold by doing nothing (a mask that grows with p, a nucleus's subset,
  the empty case). Each such test now holds a case that only real work passes.

Graded with :func:`grading.grader.driver.grade_class`, the sandboxed path ``decodelab grade`` runs.
"""
from __future__ import annotations

import re
from pathlib import Path

from grading.grader.driver import GradeOptions, grade_class
from grading.sandbox.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ("temperature", "top_p", "subword_embedding", "logprobs", "sampling_loop")
# Every word the refusal tests' messages may be asked for, in one message.
REFUSAL = ('    raise ValueError("temperature must be positive, greater than 0, > 0; p must be between 0 and 1, in '
           '[0, 1], a number in range; the word has no token, nothing to average, empty, no rows; prompt_length and '
           'top_n invalid")\n')
REFUSERS = {"distributions.py": ["softmax_with_temperature"], "nucleus.py": ["top_p_mask"],
            "embeddings.py": ["subword_averaged_embedding"], "logprobs.py": ["completion_logprobs"]}
CONSTANT_SAMPLER = '''

def sample_generate(model, input_ids, max_new_tokens, temperature=1.0, top_k=None, top_p=1.0, eos_token_id=None,
                    generator=None):
    return torch.cat([input_ids, torch.zeros(1, max_new_tokens, dtype=torch.long, device=input_ids.device)], dim=-1)
'''


def _refuser(module: str, functions: list[str]) -> str:
    """The stub module with each named function's body replaced by one refusal."""
    source = (ROOT / "exercises" / module).read_text()
    for function in functions:
        source = _with_body(source, function, REFUSAL.strip())
    return source


def test_refusing_everything_and_quoted_draws_earn_nothing(tmp_path):
    refuser = tmp_path / "class" / "refuser"
    refuser.mkdir(parents=True)
    for module, functions in REFUSERS.items():
        source = _refuser(module, functions)
        assert source.count("raise ValueError(\"temperature must be positive") == len(functions), (
            f"the refuser's {module} was not built: the stub's layout changed")
        (refuser / module).write_text(source)
    constant = tmp_path / "class" / "constant"
    constant.mkdir()
    (constant / "sampling.py").write_text((ROOT / "solutions" / "sampling.py").read_text() + CONSTANT_SAMPLER)
    options = GradeOptions(backend="tiny", exercises=EXERCISES, limits=Limits(call_seconds=20, submission_seconds=300))
    graded = grade_class([refuser, constant], tmp_path / "out", options, workers=1)
    assert not graded.failed, f"grade_class broke on {graded.failed}"
    earned = [(t["name"], t["score"]) for t in graded.results["refuser"]["tests"] if t["score"] > 0]
    assert not earned, f"a submission that refuses every input earned {earned}; expected nothing"
    draws = [t for t in graded.results["constant"]["tests"]
             if "test_sample_generate_draws_the_references_tokens" in t["name"]]
    assert draws and all(t["score"] == 0 for t in draws), f"a sampler of zeros scored {[t['score'] for t in draws]}"
    for test in draws:
        quoted = re.findall(r"the reference drew (\[[^\]]*\]|\d+)", test["output"])
        assert quoted and all(not value.startswith("[") for value in quoted), (
            f"{test['name']} told a sampler of zeros {test['output'][:400]!r}; expected the reference's draw up to the "
            "first difference only (one token), not its whole sequence")


# Bodies that do nothing a docstring asks for, each of which earned a point before 2026-12-07.
TRIVIAL = {
    "all_true_top_p": ("nucleus.py", "top_p_mask", "return torch.ones_like(probs, dtype=torch.bool)"),
    "argmax_sampler": ("nucleus.py", "sample_top_p", "return probs.argmax(-1)"),
    "zeros_sampler": ("nucleus.py", "sample_top_p", "return torch.zeros(probs.shape[:-1], dtype=torch.long)"),
    "p_ignored": ("nucleus.py", "sample_top_p",
                  "return torch.multinomial(probs.float(), 1, generator=generator).squeeze(-1)"),
    "random_ids": ("sampling.py", "sample_generate",
                   "new = torch.randint(32000, (input_ids.shape[0], max_new_tokens), generator=generator)\n"
                   "    return torch.cat([input_ids, new], dim=-1)"),
    "no_records": ("logprobs.py", "completion_logprobs", "return []"),
    "bos_only": ("tokens.py", "tokenize_with_pieces", "return [(1, '<s>')] if add_bos else []"),
}


def _with_body(source: str, function: str, body: str) -> str:
    """A stub module's ``source`` with ``function``'s ``raise NotImplementedError`` replaced by ``body``."""
    line = f'    raise NotImplementedError("{function}: see the docstring")\n'
    assert source.count(line) == 1, f"the stub of {function} changed its layout"
    return source.replace(line, f"    {body}\n")


def test_answers_that_do_nothing_earn_nothing(tmp_path):
    folders = []
    for name, (module, function, body) in TRIVIAL.items():
        folder = tmp_path / "class" / name
        folder.mkdir(parents=True)
        (folder / module).write_text(_with_body((ROOT / "exercises" / module).read_text(), function, body))
        folders.append(folder)
    options = GradeOptions(backend="tiny", exercises=("top_p", "sample_top_p", "sampling_loop", "logprobs", "pieces"),
                           limits=Limits(call_seconds=20, submission_seconds=300))
    graded = grade_class(folders, tmp_path / "out", options, workers=1)
    assert not graded.failed, f"grade_class broke on {graded.failed}"
    for name, (_, function, _) in TRIVIAL.items():
        tests = [t for t in graded.results[name]["tests"] if t["name"].startswith(f"{function}:")]
        assert tests, f"{name}: no test of {function} was graded"
        earned = [(t["name"], t["score"]) for t in tests if t["score"] > 0]
        assert not earned, f"{name} ({TRIVIAL[name][2]!r}) earned {earned}; expected nothing"
