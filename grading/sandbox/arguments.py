"""A learner's call gets private copies of its tensor arguments; what it changed in them is reported.

Why: a hidden test often computes the expected value from the same tensor it passed to the
learner. If the learner's function could write into that tensor (``logits.zero_()``, then
return a uniform distribution), the test would compare against the damaged input and award
points for nothing. So :class:`PrivateCall` hands the learner a copy of every tensor argument
(inside lists, tuples and dicts too) and afterwards tells which arguments the call changed.
A test whose docstring forbids changing an input asks
``learner.arguments_changed_by_last_call()``; it never looks at its own tensor, which stays as
it was.

Passed as they are, not copied: anything that is not a tensor (models, tokenizers, a
``torch.Generator``, whose state must advance for the caller) and tensors that ``keep`` names
(model parameters: a sandboxed learner gets its own copy of the weights anyway, and copying a
7B model's embedding matrix per call would cost more than the call). A kept tensor counts as
changed when its version counter moved (every in-place operation bumps it).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import torch

Keep = Callable[[torch.Tensor], bool]


def is_parameter(tensor: torch.Tensor) -> bool:
    """The default ``keep`` rule: a module's ``nn.Parameter`` reaches the learner as it is."""
    return isinstance(tensor, torch.nn.Parameter)


def private_copy(value: Any, keep: Keep = is_parameter) -> Any:
    """``value`` with every tensor in it (not named by ``keep``) replaced by a detached clone."""
    if isinstance(value, torch.Tensor):
        if keep(value):
            return value
        copy = value.detach().clone()
        if value.requires_grad and (copy.is_floating_point() or copy.is_complex()):
            copy.requires_grad_()
        return copy
    if type(value) is list:
        return [private_copy(item, keep) for item in value]
    if type(value) is tuple:
        return tuple(private_copy(item, keep) for item in value)
    if type(value) is dict:
        return {key: private_copy(item, keep) for key, item in value.items()}
    return value


def _tensor_pairs(original: Any, private: Any) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(original, private) for each tensor in ``original``, walking both structures in step."""
    if isinstance(original, torch.Tensor):
        return [(original, private)]
    if type(original) in (list, tuple) and type(private) is type(original) and len(private) == len(original):
        return [pair for a, b in zip(original, private) for pair in _tensor_pairs(a, b)]
    if type(original) is dict and type(private) is dict:
        return [pair for key in original if key in private for pair in _tensor_pairs(original[key], private[key])]
    return []


def same_values(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Same shape, dtype and values (``nan`` equals ``nan``)."""
    if a.shape != b.shape or a.dtype != b.dtype or a.device != b.device:
        return False
    try:
        torch.testing.assert_close(a.detach(), b.detach(), rtol=0, atol=0, equal_nan=True)
    except AssertionError:
        return False
    return True


def argument_names(function: Callable[..., Any], args: tuple, kwargs: dict) -> list[tuple[str, Any]]:
    """("name (argument n)", key) for each positional argument, ("name", key) for each keyword one.

    Names come from ``function``'s signature where it has one; the keys are positions (ints)
    and keyword names (strs).
    """
    try:
        parameters = [p.name for p in inspect.signature(function).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        parameters = []
    named = []
    for index in range(len(args)):
        label = f"argument {index + 1}"
        named.append((f"{parameters[index]} ({label})" if index < len(parameters) else label, index))
    named += [(str(key), key) for key in kwargs]
    return named


class PrivateCall:
    """The arguments of one call, copied for the learner, and what the call changed in them.

    >>> call = PrivateCall(function, (probs, 0.9), {})
    >>> function(*call.args, **call.kwargs)   # the learner writes into call.args[0] at most
    >>> call.changed()                        # ["probs (argument 1)"] if it did
    """

    def __init__(self, function: Callable[..., Any], args: tuple, kwargs: dict, keep: Keep = is_parameter):
        self.args = tuple(private_copy(value, keep) for value in args)
        self.kwargs = {key: private_copy(value, keep) for key, value in kwargs.items()}
        self._watched = []
        for label, key in argument_names(function, args, kwargs):
            original = args[key] if isinstance(key, int) else kwargs[key]
            private = self.args[key] if isinstance(key, int) else self.kwargs[key]
            pairs = _tensor_pairs(original, private)
            if pairs:
                self._watched.append((label, [(a, b, b._version) for a, b in pairs]))

    def changed(self) -> list[str]:
        """The labels of the arguments the call changed in place (in the order of the call)."""
        found = []
        for label, pairs in self._watched:
            for original, private, version in pairs:
                if private._version == version:
                    continue
                if private is original or not same_values(original, private):
                    found.append(label)
                    break
        return found
