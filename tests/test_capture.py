"""Capture files: recorded from the tiny backend end to end, read back, checked against the model.

The hidden suites read a capture of real Mistral-7B numbers on a machine without a GPU; here
the same mechanism runs on the bundled tiny model so CI exercises every step: the CLI records,
the file is written atomically, :func:`load_capture` reads it back, and every number matches
a fresh forward pass.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from reference import backends
from reference.capture import (
    FORMAT,
    FORMAT_VERSION,
    MAX_NEW_TOKENS,
    METADATA_KEY,
    PROMPTS,
    WORDS,
    Capture,
    CaptureError,
    load_capture,
    save_capture,
)

ROOT = Path(__file__).resolve().parents[1]
BACKEND = "tiny"

# Same model, same machine, same fp32 kernels: the recorded logits should equal a fresh forward
# pass up to summation-order noise (observed 0); 1e-4 absolute on logits of size ~15 is far
# below anything that could change a top-k or a greedy choice.
LOGIT_ATOL = 1e-4


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "decodelab.cli", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=600, env={**os.environ, **(env or {})},
    )


# --- end to end on the tiny backend -----------------------------------------------------------


@pytest.fixture(scope="module")
def tiny():
    available, why = backends.tiny_status()
    if not available:
        pytest.skip(why)
    return backends.load_backend(BACKEND)


@pytest.fixture(scope="module")
def recorded(tiny, tmp_path_factory) -> Capture:
    out = tmp_path_factory.mktemp("capture") / "tiny.safetensors"
    result = _cli("capture", "--backend", BACKEND, "--out", str(out), env={"HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0, f"decodelab capture --backend {BACKEND} failed: {result.stderr[-3000:]}"
    assert f"wrote {out}" in result.stdout, result.stdout
    leftovers = [p.name for p in out.parent.iterdir() if p != out]
    assert not leftovers, f"the atomic write left temporary files behind: {leftovers}"
    return load_capture(out)


def test_capture_holds_every_prompt_and_word(recorded):
    assert [(r["text"], r["add_bos"]) for r in recorded.prompts] == list(PROMPTS)
    assert [r["word"] for r in recorded.words] == list(WORDS)


def test_capture_token_ids_match_the_tokenizer(recorded, tiny):
    for record in recorded.prompts:
        expected = tiny.tokenizer(record["text"], add_special_tokens=record["add_bos"]).input_ids
        assert record["input_ids"] == expected, f"{record['text']!r} add_bos={record['add_bos']}: {record['input_ids']} vs {expected}"
    # The seed's ids for Mistral-7B-v0.1, which the tiny backend shares (its tokenizer is Mistral's).
    assert recorded.prompt("The capital of Japan is")["input_ids"] == [1, 415, 5565, 302, 4720, 349]
    assert recorded.prompt("The capital of Japan is", add_bos=False)["input_ids"] == [415, 5565, 302, 4720, 349]
    assert recorded.prompt("Hello world")["input_ids"] == [1, 22557, 1526]


def test_capture_logits_match_a_fresh_forward_pass(recorded, tiny):
    for record in recorded.prompts:
        ids = torch.tensor([record["input_ids"]])
        with torch.no_grad():
            fresh = tiny.model(ids).logits[0, -1].float()
        got = record["last_logits"]
        assert got.dtype == torch.float32 and got.shape == (tiny.model.config.vocab_size,)
        largest = float((got - fresh).abs().max())
        assert largest <= LOGIT_ATOL, f"recorded logits for {record['text']!r} differ from a fresh pass by {largest}"


def test_capture_greedy_continuations(recorded, tiny):
    from reference.decoding import greedy_generate

    for record in recorded.prompts:
        assert len(record["greedy_ids"]) == MAX_NEW_TOKENS
        assert record["greedy_ids"][0] == int(record["last_logits"].argmax()), (
            f"the first greedy token after {record['text']!r} must be the argmax of the recorded logits"
        )
        assert record["greedy_text"] == tiny.tokenizer.decode(record["greedy_ids"])
    for text, add_bos in (("The capital of Japan is", True), ("Once upon a time,", True)):
        record = recorded.prompt(text, add_bos)
        prompt = torch.tensor([record["input_ids"]])
        fresh = greedy_generate(tiny.model, prompt, MAX_NEW_TOKENS)[0, prompt.shape[1]:].tolist()
        assert record["greedy_ids"] == fresh, f"greedy ids for {text!r}: recorded {record['greedy_ids']}, fresh {fresh}"


def test_capture_embedding_rows_are_the_matrix_rows(recorded, tiny):
    matrix = tiny.embedding_matrix.float()
    for record in recorded.words:
        expected_ids = tiny.tokenizer(record["word"], add_special_tokens=False).input_ids
        assert record["token_ids"] == expected_ids, f"{record['word']!r}: {record['token_ids']} vs {expected_ids}"
        rows = record["embedding_rows"]
        assert rows.dtype == torch.float32 and rows.shape == (len(expected_ids), matrix.shape[1])
        assert torch.equal(rows, matrix[expected_ids]), f"embedding rows of {record['word']!r} are not the matrix rows"


def test_capture_metadata_says_where_the_numbers_came_from(recorded, tiny):
    import transformers

    meta = recorded.metadata
    assert meta["format"] == FORMAT and meta["format_version"] == FORMAT_VERSION
    assert meta["backend"] == BACKEND and meta["model_id"] == str(backends.TINY_FOLDER)
    assert meta["revision"] == "bundled"
    weights = backends.TINY_FOLDER / "model.safetensors"
    assert meta["weights_sha256"] == hashlib.sha256(weights.read_bytes()).hexdigest()
    assert meta["dtype"] == "float32" and meta["quantized"] is False and meta["quantization"] is None
    assert meta["device"] == str(tiny.device)
    assert meta["vocab_size"] == 32000 and meta["hidden_size"] == tiny.model.config.hidden_size
    assert meta["versions"]["torch"] == torch.__version__
    assert meta["versions"]["transformers"] == transformers.__version__
    assert meta["max_new_tokens"] == MAX_NEW_TOKENS
    assert meta["created"].endswith("+00:00")


def test_capture_show_prints_a_summary(recorded):
    result = _cli("capture", "--show", str(recorded.path))
    assert result.returncode == 0, result.stderr
    assert "backend tiny" in result.stdout and "'The capital of Japan is' (no BOS)" in result.stdout, result.stdout


# --- the file format, without a model ---------------------------------------------------------


def _small_capture() -> Capture:
    generator = torch.Generator().manual_seed(0)
    return Capture(
        prompts=[
            {"text": "ab", "add_bos": True, "input_ids": [1, 5, 6], "last_logits": torch.randn(7, generator=generator),
             "greedy_ids": [3, 4], "greedy_text": "xy"},
            {"text": "ab", "add_bos": False, "input_ids": [5, 6], "last_logits": torch.randn(7, generator=generator),
             "greedy_ids": [4, 4], "greedy_text": "yy"},
        ],
        words=[
            {"word": "日本", "token_ids": [2, 3], "embedding_rows": torch.randn(2, 3, generator=generator)},
            {"word": "a", "token_ids": [4], "embedding_rows": torch.randn(1, 3, generator=generator)},
        ],
        metadata={"format": FORMAT, "format_version": FORMAT_VERSION, "backend": "test", "vocab_size": 7, "hidden_size": 3},
    )


def test_save_and_load_round_trip(tmp_path):
    original = _small_capture()
    path = save_capture(original, tmp_path / "nested" / "small.safetensors")
    loaded = load_capture(path)
    assert loaded.metadata == original.metadata
    for got, expected in zip(loaded.prompts, original.prompts, strict=True):
        assert {k: v for k, v in got.items() if k != "last_logits"} == {k: v for k, v in expected.items() if k != "last_logits"}
        assert torch.equal(got["last_logits"], expected["last_logits"])
    for got, expected in zip(loaded.words, original.words, strict=True):
        assert got["word"] == expected["word"] and got["token_ids"] == expected["token_ids"]
        assert torch.equal(got["embedding_rows"], expected["embedding_rows"])
    assert loaded.word("日本")["token_ids"] == [2, 3]
    assert loaded.prompt("ab", add_bos=False)["greedy_ids"] == [4, 4]
    with pytest.raises(KeyError, match="it has"):
        loaded.prompt("not recorded")


def test_file_is_safetensors_with_json_metadata(tmp_path):
    from safetensors import safe_open

    path = save_capture(_small_capture(), tmp_path / "small.safetensors")
    with safe_open(str(path), framework="pt") as handle:
        document = json.loads(handle.metadata()[METADATA_KEY])
        assert sorted(handle.keys()) == ["prompt.0.last_logits", "prompt.1.last_logits",
                                         "word.0.embedding_rows", "word.1.embedding_rows"]
    assert document["prompts"][0]["last_logits"] == "prompt.0.last_logits"


def test_missing_file_says_how_to_make_one(tmp_path):
    with pytest.raises(CaptureError, match="decodelab capture --backend mistral-7b-4bit"):
        load_capture(tmp_path / "absent.safetensors")


def test_garbage_file_is_a_clear_error(tmp_path):
    path = tmp_path / "garbage.safetensors"
    path.write_bytes(b"this is not a safetensors file")
    with pytest.raises(CaptureError, match="not a readable capture file"):
        load_capture(path)


def test_truncated_file_is_a_clear_error(tmp_path):
    path = save_capture(_small_capture(), tmp_path / "small.safetensors")
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(CaptureError):
        load_capture(path)


def test_safetensors_without_capture_metadata_is_refused(tmp_path):
    from safetensors.torch import save_file

    path = tmp_path / "weights.safetensors"
    save_file({"w": torch.zeros(2)}, str(path))
    with pytest.raises(CaptureError, match="not a decodelab capture"):
        load_capture(path)


def test_inconsistent_contents_are_refused(tmp_path):
    from safetensors.torch import save_file

    capture = _small_capture()
    capture.metadata["vocab_size"] = 8  # the logits have 7 entries
    path = save_capture(capture, tmp_path / "bad.safetensors")
    with pytest.raises(CaptureError, match="damaged capture"):
        load_capture(path)
    document = {"metadata": _small_capture().metadata, "prompts": [{"text": "a", "last_logits": "missing"}], "words": []}
    save_file({"w": torch.zeros(2)}, str(path), metadata={METADATA_KEY: json.dumps(document)})
    with pytest.raises(CaptureError, match="damaged capture"):
        load_capture(path)


def test_other_format_version_is_refused(tmp_path):
    capture = _small_capture()
    capture.metadata["format_version"] = FORMAT_VERSION + 1
    path = save_capture(capture, tmp_path / "future.safetensors")
    with pytest.raises(CaptureError, match="Record it again"):
        load_capture(path)


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    import safetensors.torch

    path = save_capture(_small_capture(), tmp_path / "keep.safetensors")
    before = path.read_bytes()

    def broken(*_args, **_kwargs):
        raise OSError("disk full (test)")

    monkeypatch.setattr(safetensors.torch, "save_file", broken)
    with pytest.raises(OSError, match="disk full"):
        save_capture(_small_capture(), path)
    assert path.read_bytes() == before, "a failed write must leave the previous capture untouched"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.safetensors"], "temporary file left behind"


def test_cli_show_of_a_corrupt_file_is_one_line(tmp_path):
    path = tmp_path / "corrupt.safetensors"
    path.write_bytes(b"\x00" * 64)
    result = _cli("capture", "--show", str(path))
    assert result.returncode == 2, f"exit {result.returncode}; stderr {result.stderr}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("decodelab capture:"), result.stderr
