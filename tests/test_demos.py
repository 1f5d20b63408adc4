"""Every ``decodelab demo`` writes the file it names, on the tiny backend, with few tokens and seeds."""
from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest

from decodelab.cli import main
from decodelab.demos import DEMOS
from decodelab.demos.functions import DemoLocked, choose
from decodelab.demos.logprobs import cut_at_stop, is_partial, page_body
from reference.backends import tiny_status
from tests.stubs import stubs_folder, stubs_target

ROOT = Path(__file__).resolve().parents[1]
needs_tiny = pytest.mark.skipif(not tiny_status()[0], reason="the bundled tiny model is not built yet")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DECODELAB_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def shared_backend():
    """Load the tiny model once for the whole module: each demo would load it again otherwise."""
    import reference.backends as backends

    loaded = {}
    original = backends.load_backend

    def load_once(name=None):
        key = name or "tiny"
        if key not in loaded:
            loaded[key] = original(name)
        return loaded[key]

    backends.load_backend = load_once
    yield
    backends.load_backend = original


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG file"
    return struct.unpack(">II", header[16:24])


def run_demo(capsys, tmp_path: Path, name: str, *arguments: str) -> tuple[Path, str]:
    suffix = ".png" if name in ("next-token", "temperature", "embeddings") else ".html"
    out = tmp_path / f"{name}{suffix}"
    code = main(["demo", name, "--backend", "tiny", "--reference", "--out", str(out), *arguments])
    printed = capsys.readouterr().out
    assert code == 0, f"decodelab demo {name} exited {code}:\n{printed}"
    assert out.is_file() and out.stat().st_size > 500, f"decodelab demo {name} did not write {out}:\n{printed}"
    assert f"wrote {out}" in printed, f"the demo should name the file it wrote:\n{printed}"
    assert "backend: tiny" in printed, f"the demo should say which backend it runs on:\n{printed}"
    return out, printed


def test_every_demo_has_a_module():
    for name, module in DEMOS.items():
        assert (Path(__file__).parents[1] / "decodelab" / "demos" / f"{module}.py").is_file(), f"demo {name} has no module"


@needs_tiny
def test_complete_prints_the_continuations(capsys, shared_backend):
    code = main(["demo", "complete", "The capital of Japan is", "--backend", "tiny", "--reference",
                 "--max-new-tokens", "3"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "'The capital of Japan is' -> ' Tokyo" in printed, f"the tiny model should answer Tokyo:\n{printed}"
    assert "greedy_generate(): reference" in printed, f"the demo should say whose function it used:\n{printed}"


@needs_tiny
def test_tokens_writes_the_table_with_bytes(capsys, tmp_path, shared_backend):
    out, printed = run_demo(capsys, tmp_path, "tokens", "The capital of Japan is", "曇")
    page = out.read_text(encoding="utf-8")
    assert "▁capital" in page and "&lt;0xE6&gt;" in page, "the page should show pieces and byte-fallback pieces"
    assert "with BOS" in page and "without BOS" in page
    assert "E6  (one byte of a character)" in printed, printed


@needs_tiny
def test_tokens_names_the_vocabulary_and_the_embedding_matrix(capsys, tmp_path, shared_backend):
    config = json.loads((ROOT / "reference" / "tiny_model" / "config.json").read_text())
    out, printed = run_demo(capsys, tmp_path, "tokens", "曇")
    vocabulary, width = config["vocab_size"], config["hidden_size"]
    expected = f"embedding matrix: {vocabulary:,} × {width:,}"
    assert f"vocabulary: {vocabulary:,} pieces" in printed and expected in printed, (
        f"decodelab demo tokens printed:\n{printed}\nexpected the vocabulary ({vocabulary:,} pieces) and {expected!r}"
    )
    assert expected in out.read_text(encoding="utf-8"), f"{out} does not name the embedding matrix's shape"


@needs_tiny
@pytest.mark.parametrize("name,arguments", [
    ("next-token", ("-k", "5")),
    ("temperature", ("-k", "5")),
    ("embeddings", ()),
])
def test_plot_demos_write_a_png(capsys, tmp_path, shared_backend, name, arguments):
    out, _ = run_demo(capsys, tmp_path, name, *arguments)
    width, height = png_size(out)
    assert width > 300 and height > 200, f"{out} is only {width}x{height}"


@needs_tiny
def test_generate_compares_greedy_and_sampling(capsys, tmp_path, shared_backend):
    out, printed = run_demo(capsys, tmp_path, "generate", "--runs", "2", "--max-new-tokens", "4",
                            "--setting", "0.9,1.4")
    page = out.read_text(encoding="utf-8")
    for label in ("greedy, with BOS", "greedy, without BOS", "top_p=0.9, temperature=1.4"):
        assert label in page and label in printed, f"missing row {label!r}"
    assert "greedy, with BOS  (1 different in 2 runs)" in printed, f"greedy must repeat itself:\n{printed}"


@needs_tiny
def test_logprobs_writes_one_self_contained_page(capsys, tmp_path, shared_backend):
    out, printed = run_demo(capsys, tmp_path, "logprobs", "--max-new-tokens", "6", "--top", "3")
    page = out.read_text(encoding="utf-8")
    assert "temperature 0" in page and "temperature 1" in page
    assert page.count("class=\"step\"") >= 2, "expected one box per generated token"
    for external in ("src=\"http", "href=\"http", "<link ", "@import"):
        assert external not in page, f"the page must be self-contained, found {external!r}"


@needs_tiny
def test_tasks_writes_the_comparison_table(capsys, tmp_path, shared_backend):
    out, printed = run_demo(capsys, tmp_path, "tasks", "--questions", "2", "--openers", "1", "--seeds", "2",
                            "--max-new-tokens", "4")
    page = out.read_text(encoding="utf-8")
    for label in ("greedy", "top_p=0.2, temperature=0.2", "top_p=0.9, temperature=1.4"):
        assert label in page and label in printed, f"missing setting {label!r}:\n{printed}"



@needs_tiny
def test_tasks_runs_greedy_once_per_prompt_and_every_seed_of_a_sampled_setting(shared_backend):
    from decodelab.demos.functions import Chosen, reference_function
    from decodelab.demos.tasks import capital_questions, compare, story_openers

    calls = {"greedy_generate": 0, "sample_generate": 0}

    def counted(name):
        function = reference_function(name)

        def call(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return call

    chosen = Chosen(functions={name: counted(name) if name in calls else reference_function(name)
                               for name in ("greedy_generate", "sample_generate", "exact_match", "distinct_n")})
    questions, openers, seeds = capital_questions(2), story_openers(1), [0, 1, 2]
    settings = [{}, {"top_p": 0.9, "temperature": 1.4}]
    from reference.backends import load_backend

    results = compare(load_backend("tiny"), chosen, questions, openers, settings, seeds, 4)
    prompts = len(questions) + len(openers)
    assert calls == {"greedy_generate": prompts, "sample_generate": prompts * len(seeds)}, (
        f"compare() over {prompts} prompts and seeds {seeds} made {calls}, expected greedy once per prompt "
        "(its reply does not depend on the seed) and sampling once per prompt and seed")
    greedy = results[0]
    assert greedy["setting"] == "greedy" and len(greedy["answers"]) == len(questions) * len(seeds), greedy
    for question, _ in questions:
        replies = {a["reply"] for a in greedy["answers"] if a["question"] == question}
        assert len(replies) == 1, f"greedy replies to {question!r} differ across seeds: {replies}"

def test_logprobs_page_shows_partial_utf8_as_bytes():
    # Seed 000: 曇 (E6 9B 87) arrives as bytes [230, 155] then [135].
    records = [
        {"token": "\\xe6\\x9b", "bytes": [230, 155], "logprob": -1.87,
         "top_logprobs": [{"token": "\\xe6\\x9b", "bytes": [230, 155], "logprob": -1.87},
                          {"token": "雨", "bytes": list("雨".encode()), "logprob": -0.5}]},
        {"token": "\\x87", "bytes": [135], "logprob": -7e-7,
         "top_logprobs": [{"token": "\\x87", "bytes": [135], "logprob": -7e-7}]},
    ]
    assert is_partial([230, 155]) and is_partial([135]) and not is_partial(list("曇".encode()))
    body = page_body("明日の天気は", [{"temperature": 0.0, "records": records}], "tiny", "reference", 0)
    assert "E6 9B</span>" in body and ">87</span>" in body, "partial UTF-8 tokens should be shown as their bytes"
    assert "明日の天気は</span>曇" in body, "the joined bytes should read as the whole character"
    assert "alt picked" in body, "the chosen token should be highlighted among the alternatives"
    assert cut_at_stop(records + [{"bytes": list("。".encode())}, {"bytes": [65]}], "。")[-1]["bytes"] == list("。".encode())


def test_a_demo_of_unfinished_exercises_is_locked_and_names_them():
    with pytest.raises(DemoLocked) as raised:
        choose(["next_token_logits", "softmax_with_temperature", "top_k_table"], target=stubs_target(), demo="next-token")
    message = str(raised.value)
    for number, key in ((6, "next_token"), (7, "temperature"), (9, "top_k_table")):
        assert f"{number}. {key}" in message and f"decodelab check {key}" in message, (
            f"choose(<stubs>) should name exercise {number} ({key}) and its check command, got:\n{message}")
    assert "not started" in message and "3 exercises" in message, message


def test_a_locked_demo_says_so_before_loading_a_model(capsys, tmp_path):
    out = tmp_path / "next-token.png"
    code = main(["demo", "next-token", "--backend", "tiny", "--target", stubs_target(), "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 1, f"decodelab demo next-token on the stubs exited {code}, expected 1 (locked):\n{printed.err}"
    assert "unlock" in printed.err and "decodelab check temperature" in printed.err, printed.err
    assert "backend:" not in printed.out and not out.exists(), "a locked demo should not load a model nor write a file"


def test_only_the_unfinished_exercises_are_named(tmp_path):
    learner = tmp_path / "learner"
    shutil.copytree(stubs_folder(), learner, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "solutions" / "decoding.py", learner / "decoding.py")
    with pytest.raises(DemoLocked) as raised:
        choose(["greedy_generate", "sample_generate"], target=str(learner), demo="generate")
    message = str(raised.value)
    assert "13. sampling_loop" in message and "1 exercise still" in message, message
    assert "greedy" not in message.replace("`decodelab demo generate`", ""), (
        f"greedy_generate passes its public tests in {learner}, so it should not be named:\n{message}")


def test_functions_are_the_learners_when_their_public_tests_pass():
    chosen = choose(["softmax_with_temperature"], target="solutions")
    assert chosen.sources["softmax_with_temperature"] == "yours", chosen.report()
    assert "public tests pass" in chosen.reasons["softmax_with_temperature"]
    assert chosen.softmax_with_temperature.__module__ != "reference.distributions"


def test_reference_runs_the_reference_functions_unchecked():
    chosen = choose(["softmax_with_temperature"], target="exercises", reference_only=True)
    assert chosen.sources["softmax_with_temperature"] == "reference", chosen.report()
    assert chosen.softmax_with_temperature.__module__ == "reference.distributions"


def test_the_demo_list_names_what_unlocks_each_demo(capsys):
    assert main(["demo"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("  ")}
    assert set(lines) == set(DEMOS), f"decodelab demo should list every demo, listed {sorted(lines)}"
    assert lines["complete"].endswith("[10 greedy]"), lines["complete"]
    assert lines["tasks"].endswith("[10 greedy, 13 sampling_loop, 15 exact_match, 16 distinct_n]"), lines["tasks"]
