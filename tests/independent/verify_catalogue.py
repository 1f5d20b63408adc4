"""Self-check of the independent catalogue (not a pytest file; run ``python -m
tests.independent.verify_catalogue`` from the repository root).

1. every catalogue function is re-created from its own source text in a namespace that holds
   only its module's imports (so it is self-contained), renamed to the exercise's name, and
   its signature is compared with the stub's in ``exercises/``;
2. every RIGHT version is run on the docstring's worked examples and listed edge cases;
3. every WRONG version is run next to a RIGHT version on an input the docstring covers, and
   the two must behave differently (result type/shape/dtype/values, exception, or a
   modified input).

Uses only the docstrings' facts, the tiny model and the tokenizer.
"""
from __future__ import annotations

import copy
import importlib
import inspect
import math
import sys
import textwrap
import traceback
from collections import Counter

import torch

from reference.tokenizer import load_mistral_tokenizer

MODULES = ["tokens", "embeddings", "distributions", "topk", "decoding", "nucleus", "sampling", "logprobs", "evaluation"]

torch.set_num_threads(1)
TOK = load_mistral_tokenizer()
_MODEL = None


def model():
    global _MODEL
    if _MODEL is None:
        from transformers import MistralForCausalLM

        _MODEL = MistralForCausalLM.from_pretrained("reference/tiny_model").eval()
    return _MODEL


_BF16 = None


def bf16_model():
    global _BF16
    if _BF16 is None:
        _BF16 = copy.deepcopy(model()).to(torch.bfloat16)
    return _BF16


# ---------------------------------------------------------------------------------------
# loading the catalogue
# ---------------------------------------------------------------------------------------


def load_catalogue():
    """{exercise function name: {"right": {slug: fn}, "wrong": {slug: fn}}}"""
    catalogue = {}
    problems = []
    for mod_name in MODULES:
        mod = importlib.import_module(f"tests.independent.{mod_name}")
        stub = importlib.import_module(f"exercises.{mod_name}")
        source_lines = open(mod.__file__, encoding="utf-8").read()
        header = source_lines.split("\n# ----")[0].split("\ndef ")[0]
        base_ns: dict = {"__name__": f"isolated_{mod_name}"}
        exec(compile(header, mod.__file__, "exec"), base_ns)
        for name, obj in vars(mod).items():
            if not inspect.isfunction(obj) or obj.__module__ != mod.__name__ or "__" not in name:
                continue
            target, kind_slug = name.split("__", 1)
            kind, slug = kind_slug.split("_", 1)
            assert kind in ("right", "wrong"), name
            stub_fn = getattr(stub, target)
            if str(inspect.signature(obj)) != str(inspect.signature(stub_fn)):
                problems.append(f"{name}: signature {inspect.signature(obj)} != stub {inspect.signature(stub_fn)}")
            first = (obj.__doc__ or "").strip().split("\n")[0]
            if not first.startswith("RIGHT:" if kind == "right" else "WRONG:"):
                problems.append(f"{name}: docstring does not start with {kind.upper()}:")
            if kind == "wrong" and "Violates:" not in (obj.__doc__ or ""):
                problems.append(f"{name}: no 'Violates:' in the docstring")
            src = textwrap.dedent(inspect.getsource(obj)).replace(f"def {name}(", f"def {target}(", 1)
            ns = dict(base_ns)
            exec(compile(src, f"<{name}>", "exec"), ns)
            fn = ns[target]
            fn.catalogue_name = name
            catalogue.setdefault(target, {"right": {}, "wrong": {}})[kind][slug] = fn
    return catalogue, problems


# ---------------------------------------------------------------------------------------
# comparing behaviour
# ---------------------------------------------------------------------------------------


def outcome(fn, make_args):
    args, kwargs = make_args()
    snapshot = [a.clone() if isinstance(a, torch.Tensor) else None for a in args]
    try:
        result = fn(*args, **kwargs)
        raised = None
    except Exception as error:  # noqa: BLE001
        result, raised = None, type(error)
    mutated = any(s is not None and not torch.equal(s, a) for s, a in zip(snapshot, args))
    return result, raised, mutated


def same_value(a, b, atol=1e-5):
    if type(a) is not type(b):
        return False
    if isinstance(a, torch.Tensor):
        if a.shape != b.shape or a.dtype != b.dtype or a.device != b.device or a.requires_grad != b.requires_grad:
            return False
        if a.dtype == torch.bool or not a.is_floating_point():
            return torch.equal(a, b)
        return torch.allclose(a.detach().double(), b.detach().double(), atol=atol, rtol=1e-4, equal_nan=False)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y, atol) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_value(a[k], b[k], atol) for k in a)
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-5, abs_tol=atol)
    return a == b


def differs(wrong, right, make_args, compare=same_value, seed=None):
    results = []
    for fn in (wrong, right):
        if seed is not None:
            torch.manual_seed(seed)
        results.append(outcome(fn, make_args))
    (rw, ew, mw), (rr, er, mr) = results
    if mw != mr:
        return True
    if ew or er:
        return ew != er
    return not compare(rw, rr)


# ---------------------------------------------------------------------------------------
# the checks, per exercise: rights(fn) asserts; witnesses {slug: (make_args, compare?, seed?)}
# ---------------------------------------------------------------------------------------


def raises(exc, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc:
        return
    raise AssertionError(f"{fn.catalogue_name} did not raise {exc.__name__} for {args!r} {kwargs!r}")


def A(*args, **kwargs):
    return lambda: (list(args), dict(kwargs))


# tokenize_with_pieces -------------------------------------------------------------------

def right_tokenize(fn):
    out = fn("The capital of Japan is", TOK)
    assert out == [(1, "<s>"), (415, "▁The"), (5565, "▁capital"), (302, "▁of"), (4720, "▁Japan"), (349, "▁is")], out
    assert all(type(t) is tuple and type(t[0]) is int and type(t[1]) is str for t in out)
    assert type(out) is list
    out = fn("日本の首都は", TOK)
    assert [i for i, _ in out] == [1, 28705, 29142, 29119, 28993, 29993, 29460, 29277]
    assert [p for _, p in out] == ["<s>", "▁", "日", "本", "の", "首", "都", "は"]
    assert [p for _, p in fn("曇", TOK, add_bos=False)] == ["▁", "<0xE6>", "<0x9B>", "<0x87>"]
    assert fn("", TOK) == [(1, "<s>")] and fn("", TOK, add_bos=False) == []
    assert fn("The capital", TOK, add_bos=False) == [(415, "▁The"), (5565, "▁capital")]
    assert fn("hello ", TOK, add_bos=False)[-1] == (28705, "▁")
    assert fn("a\tb", TOK, False) == [(264, "▁a"), (12, "<0x09>"), (28726, "b")]


W_tokenize = {
    "decode_as_piece": A("The capital of Japan is", TOK),
    "double_bos": A("The capital of Japan is", TOK),
    "numpy_int_ids": A("The capital of Japan is", TOK),
    "strips_text": A("hello ", TOK),
    "empty_text_early_return": A("", TOK),
    "list_pairs": A("The capital of Japan is", TOK, add_bos=False),
}


# piece_bytes ------------------------------------------------------------------------------

def right_piece_bytes(fn):
    cases = {
        "<0xE6>": b"\xe6", "▁The": b" The", "日": "日".encode(), "▁▁": b"  ", "<s>": b"", "</s>": b"",
        "<unk>": b"", "<?>": b"<?>", "<>": b"<>", "<0x00>": b"\x00", "<0x0A>": b"\n", "<0xFF>": b"\xff",
        "▁": b" ", "<0xE6": b"<0xE6", "<0xG1>": b"<0xG1>", "▁<s>": b" <s>", "<0xe6>": b"\xe6",
    }
    for piece, expected in cases.items():
        got = fn(piece)
        assert type(got) is bytes and got == expected, (piece, got, expected)
    assert (fn("<0xE6>") + fn("<0x9B>") + fn("<0x87>")).decode("utf-8") == "曇"


W_piece_bytes = {
    "chr_encode": A("<0xE6>"),
    "any_tag_is_special": A("<?>"),
    "first_marker_only": A("▁▁"),
    "unk_is_text": A("<unk>"),
    "list_of_ints": A("▁The"),
    "drops_space_marker": A("▁The"),
}


# subword_averaged_embedding --------------------------------------------------------------

def E(dtype=torch.float32):
    return model().get_input_embeddings().weight.detach().to(dtype)


def right_subword(fn):
    emb = E()
    got = fn("Kyoto", TOK, emb)
    assert got.shape == (emb.shape[1],) and got.dtype == emb.dtype
    assert torch.allclose(got, (emb[15595] + emb[2587]) / 2, atol=1e-7)
    assert torch.equal(fn("king", TOK, emb), emb[6779])
    raises(ValueError, fn, "", TOK, emb)
    for dtype in (torch.float16, torch.bfloat16, torch.float64):
        e = E(dtype)
        g = fn("unbelievable", TOK, e)
        ids = TOK("unbelievable", add_special_tokens=False).input_ids
        assert g.dtype == dtype and torch.allclose(g.double(), e[ids].double().mean(0), atol=1e-2 if dtype != torch.float64 else 1e-12)
    # the weight itself (a Parameter that requires grad) works too
    w = model().get_input_embeddings().weight
    assert torch.allclose(fn("Kyoto", TOK, w).detach(), (w[15595] + w[2587]).detach() / 2, atol=1e-7)


W_subword = {
    "includes_bos": A("king", TOK, E()),
    "sum_not_mean": A("Kyoto", TOK, E()),
    "first_subword_only": A("Kyoto", TOK, E()),
    "empty_gives_nan": A("", TOK, E()),
    "always_float32": A("Kyoto", TOK, E(torch.float16)),
}


# cosine_similarity_matrix ----------------------------------------------------------------

def right_cosine(fn):
    x = torch.tensor([[1.0, 0.0], [1.0, 1.0], [-2.0, 0.0]])
    expected = torch.tensor([[1.0, 0.7071, -1.0], [0.7071, 1.0, -0.7071], [-1.0, -0.7071, 1.0]])
    got = fn(x)
    assert got.dtype == torch.float32 and got.shape == (3, 3) and torch.allclose(got, expected, atol=1e-4)
    z = torch.tensor([[1.0, 2.0], [0.0, 0.0], [3.0, -1.0]])
    got = fn(z)
    assert not torch.isnan(got).any() and torch.all(got[1] == 0) and torch.all(got[:, 1] == 0), got
    g = torch.Generator().manual_seed(0)
    r = torch.randn(7, 16, generator=g, dtype=torch.float64)
    got = fn(r)
    ref = torch.nn.functional.cosine_similarity(r[:, None, :], r[None, :, :], dim=-1)
    assert got.dtype == torch.float64 and torch.allclose(got, ref, atol=1e-12)
    assert torch.allclose(got, got.T, atol=0) or torch.allclose(got, got.T, atol=1e-15)
    assert torch.allclose(torch.diagonal(got), torch.ones(7, dtype=torch.float64))
    assert torch.allclose(fn(r.float() * 1e-5), ref.float(), atol=1e-5)
    assert torch.allclose(fn(r * 1e6), ref, atol=1e-9)
    h = fn(r.half())
    assert h.dtype == torch.float16 and torch.allclose(h.double(), ref, atol=5e-3)
    assert torch.allclose(fn(torch.zeros(2, 3)), torch.zeros(2, 2))


W_cosine = {
    "column_norms": A(torch.tensor([[1.0, 0.0], [1.0, 1.0], [-2.0, 0.0]])),
    "one_length_only": A(torch.tensor([[1.0, 0.0], [1.0, 1.0], [-2.0, 0.0]])),
    "nan_for_zero_rows": A(torch.tensor([[1.0, 2.0], [0.0, 0.0]])),
    "force_diagonal_one": A(torch.tensor([[1.0, 2.0], [0.0, 0.0]])),
    "returns_float32": A(torch.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=torch.float64)),
    "norm_plus_eps": A(torch.tensor([[1e-5, 2e-5], [3e-5, -1e-5]])),
}


# pca_2d -----------------------------------------------------------------------------------

def same_up_to_column_sign(a, b):
    if not isinstance(a, torch.Tensor) or a.shape != b.shape or a.dtype != b.dtype:
        return False
    for c in range(a.shape[1]):
        x, y = a[:, c].double(), b[:, c].double()
        if not (torch.allclose(x, y, atol=1e-4) or torch.allclose(x, -y, atol=1e-4)):
            return False
    return True


def right_pca(fn):
    from sklearn.decomposition import PCA

    got = fn(torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))
    assert got.shape == (3, 2) and got.dtype == torch.float32
    assert same_up_to_column_sign(got, torch.tensor([[-1.4142, 0.0], [0.0, 0.0], [1.4142, 0.0]])), got
    g = torch.Generator().manual_seed(1)
    for n, d in ((20, 128), (5, 3), (2, 2), (3, 40)):
        x = torch.randn(n, d, generator=g, dtype=torch.float64) * torch.linspace(3, 0.5, d, dtype=torch.float64) + 5.0
        ref = torch.from_numpy(PCA(n_components=2).fit_transform(x.numpy()))
        got = fn(x)
        assert got.dtype == torch.float64 and same_up_to_column_sign(got, ref), (n, d)
        got32 = fn(x.float())
        assert got32.dtype == torch.float32 and same_up_to_column_sign(got32, ref.float())
    emb = E()[[6779, 15595, 2587, 415, 5565, 302]]
    ref = torch.from_numpy(PCA(n_components=2).fit_transform(emb.double().numpy())).float()
    assert same_up_to_column_sign(fn(emb), ref)
    for half in (torch.float16, torch.bfloat16):  # no half-precision svd: computed in float32, returned as given
        got = fn(torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]], dtype=half))
        line = torch.tensor([[-1.4142, 0.0], [0.0, 0.0], [1.4142, 0.0]], dtype=torch.float64)
        assert got.dtype == half and min(float((got.double() - line * sign).abs().max()) for sign in (1, -1)) < 1e-2, got


_g = torch.Generator().manual_seed(2)
_PCA_X = torch.randn(8, 5, generator=_g) * torch.tensor([4.0, 0.3, 2.0, 1.0, 0.1]) + torch.tensor([3.0, -2.0, 1.0, 0.0, 7.0])
W_pca = {
    "no_centering": A(torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])),
    "eigh_smallest_two": A(_PCA_X),
    "eigh_last_two_not_reversed": A(_PCA_X),
    "centre_rows": A(torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])),
    "u_without_s": A(_PCA_X),
    "standardised_columns": A(_PCA_X),
    "returns_float32": A(_PCA_X.double()),
}
C_pca = same_up_to_column_sign


# next_token_logits ----------------------------------------------------------------------

def ids_of(text, bos=True):
    return TOK(text, return_tensors="pt", add_special_tokens=bos).input_ids


def right_next_token(fn):
    m = model()
    ids = ids_of("The capital of Japan is")
    got = fn(m, ids)
    assert got.shape == (1, 32000) and got.dtype == torch.float32 and not got.requires_grad
    assert int(got.argmax()) == 19887
    with torch.no_grad():
        full = m(input_ids=ids).logits[:, -1]
    assert torch.allclose(got, full, atol=1e-4)
    got[0, 0] = 0.0  # the caller may modify the result
    batch = torch.cat([ids, ids_of("Once upon a time,")[:, :6]], dim=0)
    assert batch.shape == (2, 6)
    got = fn(m, batch)
    with torch.no_grad():
        full = m(input_ids=batch).logits[:, -1]
    assert got.shape == (2, 32000) and torch.allclose(got, full, atol=1e-4)
    b = bf16_model()
    got = fn(b, ids)
    assert got.dtype == torch.bfloat16 and got.shape == (1, 32000)


W_next_token = {
    "first_position": A(model(), ids_of("The capital of Japan is")),
    "squeeze_batch_of_one": A(model(), ids_of("The capital of Japan is")),
    "keeps_time_axis": A(model(), ids_of("The capital of Japan is")),
    "builds_graph": A(model(), ids_of("The capital of Japan is")),
    "casts_to_float32": A(bf16_model(), ids_of("The capital of Japan is")),
}


# softmax_with_temperature ----------------------------------------------------------------

def right_softmax(fn):
    z = torch.tensor([2.0, 1.0, 0.0])
    assert torch.allclose(fn(z, 1.0), torch.tensor([0.6652, 0.2447, 0.0900]), atol=1e-4)
    assert abs(float(fn(z, 0.5)[0]) - 0.866813) < 1e-5
    assert fn(z, 1.0).dtype == torch.float32
    big = torch.tensor([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4 + 1]])
    for t in (1.0, 0.3, 7.0):
        out = fn(big, t)
        # "sums to 1, up to rounding": a few ulps of the largest |logit / T| (the project's rule)
        assert torch.isfinite(out).all() and torch.allclose(out.sum(-1), torch.ones(2), rtol=0, atol=8 * 1.2e-7 * 1e4 / t)
    masked = fn(torch.tensor([1.0, float("-inf"), 0.5]), 0.7)
    assert masked[1].item() == 0.0 and abs(float(masked.sum()) - 1) < 1e-6
    for bad in (0, 0.0, -1.0, float("nan"), float("inf"), float("-inf"), "1.0", None):
        raises(ValueError, fn, z, bad)
    x = torch.randn(2, 3, 5, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    out = fn(x, 1.3)
    assert out.dtype == torch.float64 and out.shape == x.shape
    assert torch.allclose(out, torch.softmax(x / 1.3, dim=-1), atol=1e-12)
    h = fn(torch.tensor([[1e4, 9990.0, 0.0]], dtype=torch.float16), 0.5)
    assert h.dtype == torch.float16 and torch.isfinite(h).all()
    h = fn(torch.tensor([[1e4, 0.0, -1e4]], dtype=torch.float16), 0.1)  # 1e5 overflows float16: divide in float32
    assert h.dtype == torch.float16 and h.tolist() == [[1.0, 0.0, 0.0]]
    assert fn(z, 2).shape == (3,)  # an int temperature is a number


W_softmax = {
    "multiplies": A(torch.tensor([2.0, 1.0, 0.0]), 0.5),
    "no_max_shift": A(torch.tensor([1e4, 0.0, -1e4]), 1.0),
    "zero_temperature_allowed": A(torch.tensor([2.0, 1.0, 0.0]), 0.0),
    "nan_inf_temperature_accepted": A(torch.tensor([2.0, 1.0, 0.0]), float("nan")),
    "softmax_dim0": A(torch.tensor([[2.0, 1.0, 0.0], [0.0, 0.0, 3.0]]), 1.0),
    "global_max": A(torch.tensor([[1e4, 0.0], [-1e4, -1e4 + 1]]), 1.0),
    "logsumexp_float32": A(torch.tensor([[1e4, 0.0, -1e4]], dtype=torch.float16), 0.1),
}


# top_k_mask -----------------------------------------------------------------------------

def right_top_k(fn):
    out = fn(torch.tensor([0.1, 0.5, 0.15, 0.25]), 2)
    assert out.dtype == torch.bool and out.tolist() == [False, True, False, True]
    out = fn(torch.tensor([[0.1, 0.5, 0.15, 0.25], [0.4, 0.3, 0.2, 0.1]]), 2)
    assert out.tolist() == [[False, True, False, True], [True, True, False, False]]
    assert fn(torch.tensor([0.4, 0.2, 0.2, 0.2]), 2).tolist() == [True] * 4
    assert fn(torch.tensor([0.4, 0.2, 0.2, 0.2]), 1).tolist() == [True, False, False, False]
    assert fn(torch.tensor([0.1, 0.5, 0.15, 0.25]), 4).all() and fn(torch.tensor([0.1, 0.5]), 100).all()
    for bad in (0, -3):
        raises(ValueError, fn, torch.tensor([0.1, 0.9]), bad)
    logits = torch.tensor([[[3.0, float("-inf"), 1.0, 2.0]], [[0.0, 5.0, 5.0, -1.0]]])
    out = fn(logits, 2)
    assert out.shape == logits.shape and out.tolist() == [[[True, False, False, True]], [[False, True, True, False]]]
    assert fn(torch.tensor([0.5, 0.5, 0.0]), 3).all()
    h = fn(torch.tensor([0.1, 0.5, 0.15, 0.25], dtype=torch.bfloat16), 3)
    assert h.tolist() == [False, True, True, True]
    x = torch.randn(3, 50, generator=torch.Generator().manual_seed(4))
    kth = torch.topk(x, 7, dim=-1).values[:, -1:]
    assert torch.equal(fn(x, 7), x >= kth)


W_top_k = {
    "scatter_topk_indices": A(torch.tensor([0.4, 0.2, 0.2, 0.2]), 2),
    "k_beyond_vocab_crashes": A(torch.tensor([0.1, 0.5, 0.15, 0.25]), 5),
    "k_zero_keeps_nothing": A(torch.tensor([0.1, 0.5, 0.15, 0.25]), 0),
    "global_kth": A(torch.tensor([[0.1, 0.5, 0.15, 0.25], [0.4, 0.3, 0.2, 0.1]]), 2),
    "sorted_order": A(torch.tensor([0.1, 0.5, 0.15, 0.25]), 2),
}


# top_k_table ----------------------------------------------------------------------------

def right_top_k_table(fn):
    out = fn(torch.tensor([0.1, 0.6, 0.3]), TOK, 2)
    assert [(i, t) for i, t, _ in out] == [(1, TOK.decode([1])), (2, TOK.decode([2]))]
    assert abs(out[0][2] - 0.6) < 1e-6 and abs(out[1][2] - 0.3) < 1e-6
    assert all(type(i) is int and type(t) is str and type(p) is float for i, t, p in out) and type(out) is list
    assert [r[0] for r in fn(torch.tensor([0.25, 0.25, 0.25, 0.25]), TOK, 2)] == [0, 1]
    assert [r[0] for r in fn(torch.tensor([0.1, 0.3, 0.3, 0.3]), TOK, 3)] == [1, 2, 3]
    assert len(fn(torch.tensor([0.1, 0.6, 0.3]), TOK, 10)) == 3
    assert [r[0] for r in fn(torch.tensor([0.1, 0.6, 0.3]), TOK)] == [1, 2, 0]
    m = model()
    with torch.no_grad():
        probs = torch.softmax(m(input_ids=ids_of("The capital of Japan is")).logits[0, -1], -1)
    table = fn(probs, TOK)
    assert len(table) == 10 and table[0][0] == 19887 and table[0][1] == "Tokyo"
    assert all(table[i][2] >= table[i + 1][2] for i in range(9))


W_top_k_table = {
    "topk_tie_order": A(torch.tensor([0.25, 0.25, 0.25, 0.25]), TOK, 2),
    "argsort_then_flip": A(torch.tensor([0.1, 0.3, 0.3, 0.3]), TOK, 2),
    "raw_piece_text": A(torch.zeros(32000).index_fill_(0, torch.tensor([19887]), 1.0), TOK, 1),
    "tensor_probability": A(torch.tensor([0.1, 0.6, 0.3]), TOK, 2),
    "skip_special_tokens": A(torch.tensor([0.1, 0.6, 0.3]), TOK, 2),
    "range_k_index_error": A(torch.tensor([0.1, 0.6, 0.3]), TOK, 10),
}


# greedy_generate ------------------------------------------------------------------------

def plain_greedy(m, ids, n, eos=None):
    with torch.no_grad():
        for _ in range(n):
            nxt = m(input_ids=ids).logits[:, -1].argmax(-1, keepdim=True)
            ids = torch.cat([ids, nxt], 1)
            if eos is not None and int(nxt) == eos:
                break
    return ids


def right_greedy(fn):
    m = model()
    ids = ids_of("The capital of Japan is")
    out = fn(m, ids, 1)
    assert out.tolist() == [[1, 415, 5565, 302, 4720, 349, 19887]] and out.dtype == torch.int64
    gen = m.generate(ids, do_sample=False, max_new_tokens=12, eos_token_id=2)
    out = fn(m, ids, 12, 2)
    assert torch.equal(out, gen), (out, gen)
    assert int(out[0, -1]) == 2
    assert torch.equal(fn(m, ids, 0), ids) and torch.equal(fn(m, ids, 0, 2), ids)
    out = fn(m, ids, 6, None)
    assert out.shape == (1, 12) and torch.equal(out, plain_greedy(m, ids, 6))
    assert 2 in out[0, 6:].tolist()  # it went past the </s>
    out = fn(m, ids, 5, 19887)
    assert out.tolist() == [[1, 415, 5565, 302, 4720, 349, 19887]]
    ids2 = ids_of("Once upon a time,", bos=False)
    assert torch.equal(fn(m, ids2, 15, 2), m.generate(ids2, do_sample=False, max_new_tokens=15, eos_token_id=2))
    assert torch.equal(ids, ids_of("The capital of Japan is"))


W_greedy = {
    "stops_before_eos": A(model(), ids_of("The capital of Japan is"), 5, 2),
    "new_tokens_only": A(model(), ids_of("The capital of Japan is"), 3, 2),
    "first_position": A(model(), ids_of("The capital of Japan is"), 3, 2),
    "default_eos_from_config": A(model(), ids_of("The capital of Japan is"), 6, None),
    "do_while_zero_tokens": A(model(), ids_of("The capital of Japan is"), 0, 2),
    "cache_with_full_sequence": A(model(), ids_of("Once upon a time,"), 8, 2),
}


# top_p_mask -----------------------------------------------------------------------------

def right_top_p(fn):
    probs = torch.tensor([0.1, 0.5, 0.15, 0.25])
    out = fn(probs, 0.7)
    assert out.dtype == torch.bool and out.tolist() == [False, True, False, True]
    assert fn(probs, 0.8).tolist() == [False, True, True, True]
    assert fn(probs, 0).tolist() == [False, True, False, False]
    assert fn(probs, 0.0).sum() == 1 and fn(probs, 1.0).all() and fn(probs, 1).all()
    assert fn(probs, 0.5).tolist() == [False, True, False, False]
    assert fn(probs, 0.50001).tolist() == [False, True, False, True]
    batch = torch.tensor([[0.1, 0.5, 0.15, 0.25], [0.6, 0.2, 0.1, 0.1]])
    assert fn(batch, 0.7).tolist() == [[False, True, False, True], [True, True, False, False]]
    three = batch[None].repeat(2, 1, 1)
    assert fn(three, 0.7).shape == (2, 2, 4) and fn(three, 0.7)[1].tolist() == fn(batch, 0.7).tolist()
    assert fn(torch.tensor([0.6, 0.4, 0.0]), 1.0).tolist()[:2] == [True, True]
    for bad in (-0.1, 1.1, float("nan"), float("inf"), "0.5", None):
        raises(ValueError, fn, probs, bad)
    assert torch.equal(probs, torch.tensor([0.1, 0.5, 0.15, 0.25]))
    x = torch.softmax(torch.randn(4, 32000, generator=torch.Generator().manual_seed(5)) * 3, -1)
    sp, order = torch.sort(x, -1, descending=True)
    ref = torch.zeros_like(x, dtype=torch.bool).scatter(-1, order, (sp.cumsum(-1) - sp) < 0.9)
    assert torch.equal(fn(x, 0.9), ref)
    assert fn(x.double(), 0.3).dtype == torch.bool


W_top_p = {
    "cumsum_le_p": A(torch.tensor([0.1, 0.5, 0.15, 0.25]), 0.7),
    "sorted_order": A(torch.tensor([0.1, 0.5, 0.15, 0.25]), 0.7),
    "p_zero_keeps_nothing": A(torch.tensor([0.1, 0.5, 0.15, 0.25]), 0.0),
    "no_range_check": A(torch.tensor([0.1, 0.5, 0.15, 0.25]), 1.5),
    "nan_p_slips_through": A(torch.tensor([0.1, 0.5, 0.15, 0.25]), float("nan")),
    "cumsum_dim0": A(torch.tensor([[0.1, 0.5, 0.15, 0.25], [0.6, 0.2, 0.1, 0.1]]), 0.7),
    "float_mask": A(torch.tensor([0.1, 0.5, 0.15, 0.25]), 0.7),
}


# sample_top_p ---------------------------------------------------------------------------

def reference_sample_top_p(probs, p, generator=None):
    sp, order = torch.sort(probs, -1, descending=True)
    keep_sorted = (sp.cumsum(-1) - sp) < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return torch.multinomial(torch.where(keep, probs, 0), 1, generator=generator).squeeze(-1)


def right_sample_top_p(fn):
    probs = torch.tensor([[0.1, 0.5, 0.15, 0.25]])
    g = torch.Generator().manual_seed(0)
    draws = Counter(int(fn(probs, 0.7, g)[0]) for _ in range(600))
    assert set(draws) <= {1, 3} and 330 < draws[1] < 470, draws
    out = fn(probs, 0.7, g)
    assert out.shape == (1,) and out.dtype == torch.int64
    assert all(int(fn(probs, 0, g)[0]) == 1 for _ in range(20))
    x = torch.softmax(torch.randn(3, 500, generator=torch.Generator().manual_seed(6)) * 2, -1)
    x_copy = x.clone()
    for p in (0.9, 0.5, 1.0, 0.0):
        a = fn(x, p, torch.Generator().manual_seed(11))
        b = reference_sample_top_p(x, p, torch.Generator().manual_seed(11))
        assert torch.equal(a, b), (p, a, b)
    assert torch.equal(x, x_copy)
    torch.manual_seed(3)
    a = fn(x, 0.9)
    torch.manual_seed(3)
    b = reference_sample_top_p(x, 0.9)
    assert torch.equal(a, b)
    raises(ValueError, fn, probs, 1.5)
    raises(ValueError, fn, probs, float("nan"))


def _sp_args(p=0.9, seed=11):
    x = torch.softmax(torch.randn(3, 500, generator=torch.Generator().manual_seed(6)) * 2, -1)
    return lambda: ([x.clone(), p, torch.Generator().manual_seed(seed)], {})


W_sample_top_p = {
    "returns_rank": _sp_args(),
    "ignores_generator": _sp_args(),
    "zeroes_input_in_place": _sp_args(),
    "squeeze_everything": A(torch.tensor([[0.1, 0.5, 0.15, 0.25]]), 0.7, torch.Generator().manual_seed(0)),
    "sorted_draw_mapped_back": _sp_args(),
}


# sample_generate ------------------------------------------------------------------------

def reference_sample_generate(m, ids, n, temperature=1.0, top_k=None, top_p=1.0, generator=None, eos=None):
    with torch.no_grad():
        for _ in range(n):
            logits = m(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                probs = torch.softmax(logits, -1)
                sp, order = torch.sort(probs, -1, descending=True)
                keep_sorted = (sp.cumsum(-1) - sp) < top_p
                keep_sorted[..., 0] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                logits = logits.masked_fill(~keep, float("-inf"))
            nxt = torch.multinomial(torch.softmax(logits, -1), 1, generator=generator)
            ids = torch.cat([ids, nxt], 1)
            if eos is not None and int(nxt) == eos:
                break
    return ids


def right_sample_generate(fn):
    m = model()
    story = ids_of("Once upon a time,")
    settings = [
        dict(temperature=1.4, top_p=0.9),
        dict(temperature=0.7, top_k=5, top_p=0.8),
        dict(temperature=2.5, top_k=40),
        dict(temperature=3.0, top_k=200, top_p=0.6),
        dict(temperature=1.0),
        dict(temperature=0.2, top_p=0.2),
        dict(temperature=1.8, top_k=1),
        dict(temperature=1.5, top_p=0.0),
        dict(temperature=1.5, top_k=40000),
    ]
    for i, s in enumerate(settings):
        a = fn(m, story, 12, generator=torch.Generator().manual_seed(i), **s)
        b = reference_sample_generate(m, story, 12, generator=torch.Generator().manual_seed(i), **s)
        assert torch.equal(a, b), (s, a, b)
        assert a.dtype == torch.int64 and a.shape[0] == 1
    a = fn(m, story, 20, 1.4, None, 0.9, torch.Generator().manual_seed(0))
    b = fn(m, story, 20, 1.4, None, 0.9, torch.Generator().manual_seed(0))
    assert torch.equal(a, b) and a.shape == (1, story.shape[1] + 20)
    cap = ids_of("The capital of Japan is")
    out = fn(m, cap, 10, temperature=0.3, generator=torch.Generator().manual_seed(0), eos_token_id=2)
    assert int(out[0, -1]) == 2 and out.shape[1] < cap.shape[1] + 10
    assert torch.equal(out, reference_sample_generate(m, cap, 10, 0.3, generator=torch.Generator().manual_seed(0), eos=2))
    assert torch.equal(fn(m, cap, 0, generator=torch.Generator().manual_seed(0)), cap)
    torch.manual_seed(5)
    a = fn(m, story, 6, 1.3)
    torch.manual_seed(5)
    b = reference_sample_generate(m, story, 6, 1.3)
    assert torch.equal(a, b)
    for bad in (dict(temperature=0.0), dict(temperature=-1.0), dict(temperature=float("nan")),
                dict(temperature=float("inf")), dict(top_k=0), dict(top_p=1.2), dict(top_p=-0.1),
                dict(top_p=float("nan"))):
        raises(ValueError, fn, m, story, 3, **bad)
    b16 = bf16_model()
    a = fn(b16, story, 8, 1.2, None, 0.95, torch.Generator().manual_seed(2))
    b = reference_sample_generate(b16, story, 8, 1.2, None, 0.95, torch.Generator().manual_seed(2))
    assert torch.equal(a, b)
    a = fn(b16, story, 12, 1.7, None, 1.0, torch.Generator().manual_seed(32))
    b = reference_sample_generate(b16, story, 12, 1.7, None, 1.0, torch.Generator().manual_seed(32))
    assert torch.equal(a, b)


def _sg(n=12, seed=0, m=None, prompt="Once upon a time,", **kw):
    return lambda: ([m or model(), ids_of(prompt), n], dict(generator=torch.Generator().manual_seed(seed), **kw))


W_sample_generate = {
    "top_p_before_temperature": _sg(temperature=2.0, top_p=0.5),
    "top_p_ignores_top_k": _sg(temperature=2.0, top_k=3, top_p=0.5),
    "ignores_generator": _sg(seed=123, temperature=1.4, top_p=0.9),
    "top_k_none_means_50": _sg(n=20, temperature=6.0),
    "drops_eos": _sg(n=10, prompt="The capital of Japan is", temperature=0.3, eos_token_id=2),
    "no_float32_cast": lambda: ([bf16_model(), ids_of("Once upon a time,"), 12], dict(temperature=1.7, generator=torch.Generator().manual_seed(32))),
    "zero_temperature_is_greedy": _sg(n=3, temperature=0.0),
}


# completion_logprobs --------------------------------------------------------------------

class FakeOut:
    def __init__(self, logits):
        self.logits = logits


class ExtremeModel(torch.nn.Module):
    """A stand-in causal LM whose logits put token 500 some 1000 nats below the rest."""

    def __init__(self):
        super().__init__()
        self.dummy = torch.nn.Parameter(torch.zeros(()))

    def forward(self, input_ids=None, logits_to_keep=0, **kwargs):
        T = input_ids.shape[1]
        g = torch.Generator().manual_seed(7)
        logits = torch.randn(1, T, 32000, generator=g) * 3
        logits[..., 500] = -1000.0
        if logits_to_keep:
            logits = logits[:, -logits_to_keep:]
        return FakeOut(logits)


def right_logprobs(fn):
    m = model()
    prompt = ids_of("明日の天気は")
    seq = torch.cat([prompt, torch.tensor([[233, 158, 138, 29516]])], 1)
    recs = fn(m, TOK, seq, prompt.shape[1])
    assert len(recs) == 4 and type(recs) is list
    assert [r["token"] for r in recs] == ["\\xe6", "\\x9b", "\\x87", "り"]
    assert [r["bytes"] for r in recs] == [[230], [155], [135], [227, 130, 138]]
    with torch.no_grad():
        lp = torch.log_softmax(m(input_ids=seq).logits[0].float(), -1)
    P = prompt.shape[1]
    for j, r in enumerate(recs):
        assert list(r) == ["token", "bytes", "logprob", "top_logprobs"] or set(r) == {"token", "bytes", "logprob", "top_logprobs"}
        assert type(r["logprob"]) is float and abs(r["logprob"] - float(lp[P + j - 1, seq[0, P + j]])) < 1e-4
        assert len(r["top_logprobs"]) == 5
        vals, idx = torch.topk(lp[P + j - 1], 5)
        for alt, v, i in zip(r["top_logprobs"], vals.tolist(), idx.tolist()):
            assert set(alt) == {"token", "bytes", "logprob"} and type(alt["logprob"]) is float
            assert abs(alt["logprob"] - v) < 1e-4 and type(alt["token"]) is str
            assert all(type(b) is int for b in alt["bytes"])
    cap = ids_of("The capital of Japan is")
    seq = torch.cat([cap, torch.tensor([[19887, 28723, 2]])], 1)
    recs = fn(m, TOK, seq, cap.shape[1], top_n=3)
    assert recs[0]["token"] == " Tokyo" and recs[0]["bytes"] == [32, 84, 111, 107, 121, 111]
    assert recs[2]["token"] == "" and recs[2]["bytes"] == [] and len(recs[0]["top_logprobs"]) == 3
    assert fn(m, TOK, seq, seq.shape[1]) == []
    assert all(r["top_logprobs"] == [] for r in fn(m, TOK, seq, 2, top_n=0))
    assert len(fn(m, TOK, seq, 1)) == seq.shape[1] - 1
    raises(ValueError, fn, m, TOK, seq, 0)
    raises(ValueError, fn, m, TOK, seq, seq.shape[1] + 1)
    raises(ValueError, fn, m, TOK, seq, 3, top_n=-1)
    ext = ExtremeModel()
    seq = torch.tensor([[1, 415, 500, 5565]])
    recs = fn(ext, TOK, seq, 2)
    assert math.isfinite(recs[0]["logprob"]) and recs[0]["logprob"] < -900


W_logprobs = {
    "logits_at_t": A(model(), TOK, torch.tensor([[1, 415, 5565, 302, 4720, 349, 19887, 28723, 2]]), 6),
    "log_of_softmax": A(ExtremeModel(), TOK, torch.tensor([[1, 415, 500, 5565]]), 2),
    "decode_for_text": A(model(), TOK, torch.tensor([[1, 415, 5565, 302, 4720, 349, 19887]]), 6),
    "prompt_length_zero_accepted": A(model(), TOK, torch.tensor([[1, 415, 5565]]), 0),
    "replacement_char": A(model(), TOK, torch.tensor([[1, 28705, 233, 158, 138]]), 2),
    "tensor_alternative_logprobs": A(model(), TOK, torch.tensor([[1, 415, 5565]]), 1),
    "special_tokens_as_text": A(model(), TOK, torch.tensor([[1, 415, 5565, 302, 4720, 349, 19887, 28723, 2]]), 6),
    "negative_top_n_slices": A(model(), TOK, torch.tensor([[1, 415, 5565]]), 1, -1),
}


# exact_match ----------------------------------------------------------------------------

def right_exact_match(fn):
    cases = [
        ("Tokyo.", "tokyo", True), ("It is Washington D. C. of course", "Washington, D.C.", True),
        ("Romeo and Juliet", "Rome", False), ("Paris, France", "France Paris", False),
        ("anything", "", False), ("anything?!", "?!", False), ("", "", False), ("", "Tokyo", False),
        ("The capital is Tokyo, a city of…", "Tokyo", True), ("東京です。", "東京です", True),
        ("«Paris» est…", "paris", True), ("Straße", "STRASSE", False), ("It ended in 1945.", "1945", True),
        ("tokyo_station", "Tokyo", True), ("ÉCOLE normale", "école", True), ("New\nYork\tCity", "new york", True),
        ("tokyo", "Tokyo Japan", False), ("a b a b c", "a b c", True),
    ]
    for pred, ans, expected in cases:
        got = fn(pred, ans)
        assert type(got) is bool and got == expected, (pred, ans, got)


W_exact_match = {
    "substring_without_word_edges": A("Romeo and Juliet", "Rome"),
    "empty_answer_matches": A("anything", "?!"),
    "ascii_punctuation_only": A("東京。", "東京"),
    "casefold": A("Straße", "STRASSE"),
    "word_set_ignores_order": A("Paris, France", "France Paris"),
    "letters_only": A("It ended in 1945.", "1945"),
    "regex_word_chars": A("tokyo_station", "Tokyo"),
}


# distinct_n -----------------------------------------------------------------------------

def right_distinct_n(fn):
    assert fn(["the cat sat", "the cat ran"], 2) == 0.75
    assert abs(fn(["the cat sat", "the cat ran"], 1) - 4 / 6) < 1e-12
    for texts, n in (([], 1), ([""], 1), (["one two"], 3), (["  ", "a"], 2)):
        got = fn(texts, n)
        assert type(got) is float and got == 0.0, (texts, n, got)
    for bad in (0, -1):
        raises(ValueError, fn, ["a b"], bad)
    assert fn(["a  b", "a b"], 2) == 0.5
    assert fn(["The cat", "the cat"], 2) == 1.0
    assert fn(["a b", "c d"], 2) == 1.0
    assert type(fn(["a a a"], 1)) is float and abs(fn(["a a a"], 1) - 1 / 3) < 1e-12
    assert fn(["x y z"], 3) == 1.0


W_distinct_n = {
    "joins_texts": A(["a b", "a b"], 2),
    "split_on_single_space": A(["a  b", "a b"], 2),
    "zero_division": A([], 2),
    "lowercases": A(["The cat", "the cat"], 2),
    "no_check_on_n": A(["a b"], 0),
    "strips_punctuation": A(["the cat sat.", "the cat sat"], 3),
}


CHECKS = {
    "tokenize_with_pieces": (right_tokenize, W_tokenize, None),
    "piece_bytes": (right_piece_bytes, W_piece_bytes, None),
    "subword_averaged_embedding": (right_subword, W_subword, None),
    "cosine_similarity_matrix": (right_cosine, W_cosine, None),
    "pca_2d": (right_pca, W_pca, C_pca),
    "next_token_logits": (right_next_token, W_next_token, None),
    "softmax_with_temperature": (right_softmax, W_softmax, None),
    "top_k_mask": (right_top_k, W_top_k, None),
    "top_k_table": (right_top_k_table, W_top_k_table, None),
    "greedy_generate": (right_greedy, W_greedy, None),
    "top_p_mask": (right_top_p, W_top_p, None),
    "sample_top_p": (right_sample_top_p, W_sample_top_p, None),
    "sample_generate": (right_sample_generate, W_sample_generate, None),
    "completion_logprobs": (right_logprobs, W_logprobs, None),
    "exact_match": (right_exact_match, W_exact_match, None),
    "distinct_n": (right_distinct_n, W_distinct_n, None),
}


def main(only=None):
    catalogue, problems = load_catalogue()
    failures = list(problems)
    rows = []
    for target, (check_right, witnesses, compare) in CHECKS.items():
        if only and target not in only:
            continue
        versions = catalogue[target]
        for slug, fn in versions["right"].items():
            try:
                check_right(fn)
                print(f"ok    right  {fn.catalogue_name}")
            except Exception:  # noqa: BLE001
                failures.append(f"{fn.catalogue_name}: a RIGHT version fails its checks\n{traceback.format_exc()}")
                print(f"FAIL  right  {fn.catalogue_name}")
        reference = next(iter(versions["right"].values()))
        for slug, fn in versions["wrong"].items():
            if slug not in witnesses:
                failures.append(f"{fn.catalogue_name}: no witness input")
                continue
            ok = all(differs(fn, r, witnesses[slug], compare or same_value, seed=0) for r in versions["right"].values())
            print(f"{'ok' if ok else 'FAIL':5} wrong  {fn.catalogue_name}")
            if not ok:
                failures.append(f"{fn.catalogue_name}: behaves like a RIGHT version on its witness input")
        rows.append((target, len(versions["wrong"]), len(versions["right"])))
    print()
    for target, nw, nr in rows:
        print(f"{target:28} wrong {nw}  right {nr}")
    if failures:
        print("\n".join(["", "FAILURES:"] + failures))
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(set(sys.argv[1:]) or None))
