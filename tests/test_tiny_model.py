"""The bundled tiny model: its files, what it knows, and the corpus it was trained on.

These tests load the committed weights; they never retrain (``python -m reference.train_tiny``
does that, in minutes). The model is loaded once for the whole module.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM, PreTrainedModel, PreTrainedTokenizerBase

from reference.corpus import CAPITALS, FACT_QUESTIONS, STORY_OPENERS, WORD_GROUPS, build_corpus
from reference.tokenizer import load_mistral_tokenizer

REPO = Path(__file__).resolve().parents[1]
MODEL_DIR = REPO / "reference" / "tiny_model"
MAX_WEIGHT_BYTES = 20_000_000
SEED_WORDS = [
    "king", "queen", "prince", "princess",
    "baseball", "soccer", "tennis", "basketball",
    "man", "boy", "woman", "lady",
    "dog", "cat", "cow", "fish",
    "table", "idea", "character", "sea",
]  # the seed notebook's list, in its order


@pytest.fixture(scope="module")
def model() -> PreTrainedModel:
    """The committed tiny model, fp32 on the CPU, in eval mode."""
    loaded = AutoModelForCausalLM.from_pretrained(str(MODEL_DIR), dtype=torch.float32)
    return loaded.to("cpu").eval()


@pytest.fixture(scope="module")
def tokenizer() -> PreTrainedTokenizerBase:
    """Mistral-7B-v0.1's tokenizer, which the tiny model shares."""
    return load_mistral_tokenizer()


@pytest.fixture(scope="module")
def corpus_text() -> str:
    """The whole training corpus as one string."""
    return "\n".join(build_corpus())


def greedy_new_ids(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prompt: str, n: int) -> list[int]:
    """The ids greedy decoding adds after ``prompt`` (encoded with ``<s>``)."""
    ids = tokenizer(prompt, return_tensors="pt").input_ids
    with torch.no_grad():
        output = model.generate(ids, do_sample=False, max_new_tokens=n)
    return output[0, ids.shape[1] :].tolist()


def greedy_batch_completions(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prompts: list[str], n: int
) -> list[str]:
    """Greedy completions of all ``prompts`` in one ``generate`` call.

    The prompts are left-padded with ``</s>`` (the tokenizer has no padding token) and the
    attention mask hides the padding, so each row decodes as if it were alone.
    """
    encoded = [tokenizer.encode(prompt) for prompt in prompts]
    width = max(len(ids) for ids in encoded)
    input_ids = torch.tensor([[2] * (width - len(ids)) + ids for ids in encoded])
    attention_mask = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in encoded])
    with torch.no_grad():
        output = model.generate(input_ids, attention_mask=attention_mask, do_sample=False, max_new_tokens=n)
    return tokenizer.batch_decode(output[:, width:], skip_special_tokens=True)


def test_config_is_mistral_with_mistral_vocabulary(model: PreTrainedModel) -> None:
    config = model.config
    got = (config.model_type, config.vocab_size, config.bos_token_id, config.eos_token_id)
    assert got == ("mistral", 32000, 1, 2), (
        f"AutoModelForCausalLM.from_pretrained({MODEL_DIR}).config gave (model_type, vocab_size, bos, eos) "
        f"= {got}; expected ('mistral', 32000, 1, 2)"
    )
    assert config.tie_word_embeddings, "config.tie_word_embeddings is False; expected True (one 32000-row matrix)"


def test_weights_are_float32_and_embedding_is_32000_rows(model: PreTrainedModel) -> None:
    embedding = model.get_input_embeddings().weight
    assert embedding.dtype == torch.float32 and embedding.shape[0] == 32000, (
        f"model.get_input_embeddings().weight is {embedding.dtype} {tuple(embedding.shape)}; "
        "expected torch.float32 with 32000 rows"
    )


def test_weight_file_is_at_most_20_mb() -> None:
    size = (MODEL_DIR / "model.safetensors").stat().st_size
    assert size <= MAX_WEIGHT_BYTES, (
        f"os.stat('reference/tiny_model/model.safetensors').st_size is {size} bytes; "
        f"expected at most {MAX_WEIGHT_BYTES}"
    )


def test_generation_config_is_greedy_by_default(model: PreTrainedModel) -> None:
    generation = model.generation_config
    got = (generation.do_sample, generation.bos_token_id, generation.eos_token_id)
    assert got == (False, 1, 2), f"model.generation_config (do_sample, bos, eos) is {got}; expected (False, 1, 2)"


def test_training_report_records_the_run() -> None:
    report = json.loads((MODEL_DIR / "training_report.json").read_text())
    missing = {"steps", "final_loss", "seconds", "torch", "transformers", "corpus_documents"} - set(report)
    assert not missing, f"reference/tiny_model/training_report.json lacks {sorted(missing)}"


def test_greedy_completes_the_capital_of_japan_with_tokyo(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase
) -> None:
    new_ids = greedy_new_ids(model, tokenizer, "The capital of Japan is", 8)
    first = tokenizer.convert_ids_to_tokens(new_ids[:1])
    text = tokenizer.decode(tokenizer.encode("The capital of Japan is") + new_ids, skip_special_tokens=True)
    assert first == ["▁Tokyo"] and text.startswith("The capital of Japan is Tokyo"), (
        f"greedy generate('The capital of Japan is', max_new_tokens=8) gave first token {first} "
        f"and text {text!r}; expected first token ['▁Tokyo'] (' Tokyo')"
    )


def test_greedy_knows_at_least_90_percent_of_the_capitals(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase
) -> None:
    prompts = [f"The capital of {country} is" for country in CAPITALS]
    completions = greedy_batch_completions(model, tokenizer, prompts, 6)
    wrong = {
        country: completion
        for (country, capital), completion in zip(CAPITALS.items(), completions)
        if not completion.strip().startswith(capital)
    }
    share = 1 - len(wrong) / len(CAPITALS)
    assert share >= 0.9, (
        f"greedy generate('The capital of <country> is', max_new_tokens=6) was right for {share:.0%} of "
        f"{len(CAPITALS)} countries; expected at least 90%. Wrong: {wrong}"
    )


def test_greedy_answers_the_seed_question_in_the_seed_prompt_format(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase
) -> None:
    prompt = "<s> What is the capital of United States? "  # as the seed notebook writes it
    completion = tokenizer.decode(greedy_new_ids(model, tokenizer, prompt, 10), skip_special_tokens=True)
    assert completion.strip().startswith("Washington, D.C."), (
        f"greedy generate({prompt!r}, max_new_tokens=10) gave {completion!r}; expected 'Washington, D.C.' first"
    )


def test_corpus_contains_the_seed_words_in_their_groups(corpus_text: str) -> None:
    grouped = [word for words in WORD_GROUPS.values() for word in words]
    assert grouped == SEED_WORDS, f"WORD_GROUPS flattened is {grouped}; expected the seed's list {SEED_WORDS}"
    absent = [word for word in SEED_WORDS if not re.search(rf"\b{word}\b", corpus_text)]
    assert not absent, f"build_corpus() never uses {absent} as a word; expected all 20 seed words"


def test_corpus_has_at_least_40_capitals(corpus_text: str) -> None:
    stated = [c for c, capital in CAPITALS.items() if f"The capital of {c} is {capital}" in corpus_text]
    assert len(stated) >= 40, (
        f"build_corpus() states 'The capital of <country> is <capital>' for {len(stated)} countries; "
        "expected at least 40"
    )


def test_corpus_holds_the_seed_prompts() -> None:
    questions = [question for question, _ in FACT_QUESTIONS]
    seed_questions = ["What is the capital of United States?", "When did World War II end?", "Who painted the Mona Lisa?"]
    absent = [q for q in seed_questions if q not in questions]
    assert not absent, f"reference.corpus.FACT_QUESTIONS lacks the seed's questions {absent}"
    seed_openers = ["Once upon a time,", "Long, long ago,", "In the beginning,"]
    absent = [o for o in seed_openers if o not in STORY_OPENERS]
    assert not absent, f"reference.corpus.STORY_OPENERS lacks the seed's openers {absent}"


def test_corpus_holds_the_seed_japanese_sentences(corpus_text: str) -> None:
    for sentence in ["明日の天気は曇りのち雨の予報です。", "日本の首都は東京です。"]:
        assert sentence in corpus_text, f"build_corpus() never contains {sentence!r}; expected it verbatim"


def test_corpus_is_deterministic() -> None:
    first, second = build_corpus(), build_corpus()
    assert first == second, "build_corpus() returned different documents on two calls; expected the same list"
