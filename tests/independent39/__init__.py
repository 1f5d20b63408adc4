"""Thirty-ninth examiner's catalogue: the learner who writes for the GPU and the real Mistral-7B (device moves, half precision, autocast, hard-coded Mistral facts, memory habits)."""
