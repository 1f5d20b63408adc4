"""Each catalogue entry becomes a submission with every name it uses.

``tests/catalogue.py`` copies an entry out of its catalogue file with the imports and the
module-level names it uses. A name left behind reads as a ``NameError`` when graded, which
``tests/test_grade_cli.py`` would count as a wrong version caught, or a right one marked down,
for a reason that has nothing to do with the version.
"""
from __future__ import annotations

import builtins
import dis
import types

import pytest

from tests.catalogue import CATALOGUES, entries, function_source

ENTRIES = [entry for folder in CATALOGUES for entry in entries(folder)]


def _globals_read(code: types.CodeType) -> set[str]:
    """The global names ``code`` and the functions, lambdas and comprehensions inside it read."""
    names = {instruction.argval for instruction in dis.get_instructions(code)
             if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _globals_read(constant)
    return names


def test_a_module_level_name_with_an_annotation_comes_along(tmp_path):
    (tmp_path / "distributions.py").write_text(
        "import torch\n_FLOOR: float = 1e-9\n\n\n"
        "def softmax_with_temperature__right_floor(logits, temperature):\n"
        "    return torch.softmax(logits / max(temperature, _FLOOR), dim=-1)\n")
    source = function_source("distributions", "softmax_with_temperature__right_floor", tmp_path)
    namespace: dict = {}
    exec(compile(source, "entry.py", "exec"), namespace)
    missing = _globals_read(namespace["softmax_with_temperature"].__code__) - set(namespace) - set(dir(builtins))
    assert not missing, f"function_source left out {sorted(missing)}; it gave:\n{source}"


def test_a_module_level_class_comes_along_renamed(tmp_path):
    (tmp_path / "tokens.py").write_text(
        "from typing import NamedTuple\n\n\nclass _Pair(NamedTuple):\n    id: int\n    piece: str\n\n\n"
        "def tokenize_with_pieces__right_pairs(text, tokenizer, add_bos=True):\n"
        "    ids = tokenizer(text, add_special_tokens=add_bos)['input_ids']\n"
        "    return [_Pair(i, p) for i, p in zip(ids, tokenizer.convert_ids_to_tokens(ids))]\n")
    source = function_source("tokens", "tokenize_with_pieces__right_pairs", tmp_path)
    namespace: dict = {}
    exec(compile(source, "entry.py", "exec"), namespace)
    missing = _globals_read(namespace["tokenize_with_pieces"].__code__) - set(namespace) - set(dir(builtins))
    assert not missing, f"function_source left out {sorted(missing)}; it gave:\n{source}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.label)
def test_every_name_an_entry_reads_is_defined(entry):
    source = function_source(entry.module, entry.name, entry.folder)
    namespace: dict = {"__name__": f"catalogue_{entry.module}"}
    exec(compile(source, f"{entry.label}.py", "exec"), namespace)
    function = namespace[entry.exercise.function]
    missing = _globals_read(function.__code__) - set(namespace) - set(dir(builtins))
    assert not missing, (
        f"{entry.label} reads {sorted(missing)}, which its copy (tests/catalogue.py function_source) does not "
        f"define: graded, it would raise NameError. The copy:\n{source[:2000]}")
