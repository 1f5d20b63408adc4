"""Each catalogue entry becomes a submission with every name it uses.

``tests/catalogue.py`` copies an entry out of its catalogue file with the imports and the
module-level names it uses. A name left behind reads as a ``NameError`` when graded, which
``tests/test_grade_cli.py`` would count as a wrong version caught, or a right one marked down,
for a reason that has nothing to do with the version.
"""
from __future__ import annotations

import builtins
import dis
import sys
import types

import pytest

from grading.harness.catalogue import EXERCISES
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


def _undefined_names(source: str, function: str) -> set[str]:
    """The global names ``function`` reads that ``source``, run as a module, leaves undefined."""
    # A real module in sys.modules, as when graded: a dataclass looks its module up there.
    module = types.ModuleType("catalogue_copy")
    sys.modules[module.__name__] = module
    try:
        exec(compile(source, "entry.py", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    namespace = module.__dict__
    return _globals_read(namespace[function].__code__) - set(namespace) - set(dir(builtins))


# Two module-level shapes the copy once left behind: a name with an annotation, and a class.
SYNTHETIC = {
    "annotated name": ("distributions", "softmax_with_temperature__right_floor",
                       "import torch\n_FLOOR: float = 1e-9\n\n\n"
                       "def softmax_with_temperature__right_floor(logits, temperature):\n"
                       "    return torch.softmax(logits / max(temperature, _FLOOR), dim=-1)\n"),
    "class": ("tokens", "tokenize_with_pieces__right_pairs",
              "from typing import NamedTuple\n\n\nclass _Pair(NamedTuple):\n    id: int\n    piece: str\n\n\n"
              "def tokenize_with_pieces__right_pairs(text, tokenizer, add_bos=True):\n"
              "    ids = tokenizer(text, add_special_tokens=add_bos)['input_ids']\n"
              "    return [_Pair(i, p) for i, p in zip(ids, tokenizer.convert_ids_to_tokens(ids))]\n"),
}


@pytest.mark.parametrize("shape", SYNTHETIC)
def test_a_module_level_definition_comes_along(tmp_path, shape):
    module, name, text = SYNTHETIC[shape]
    (tmp_path / f"{module}.py").write_text(text)
    source = function_source(module, name, tmp_path)
    missing = _undefined_names(source, name.split("__", 1)[0])
    assert not missing, f"function_source left out {sorted(missing)} (a module-level {shape}); it gave:\n{source}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.label)
def test_every_name_an_entry_reads_is_defined(entry):
    source = function_source(entry.module, entry.name, entry.folder)
    # The module's other exercise functions are there when graded: write_submission keeps the
    # solution's code of those the entry calls (a sample_top_p that calls top_p_mask).
    siblings = {exercise.function for exercise in EXERCISES if exercise.module == entry.module}
    missing = _undefined_names(source, entry.exercise.function) - siblings
    assert not missing, (
        f"{entry.label} reads {sorted(missing)}, which its copy (tests/catalogue.py function_source) does not "
        f"define: graded, it would raise NameError. The copy:\n{source[:2000]}")
