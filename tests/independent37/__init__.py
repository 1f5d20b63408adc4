"""Thirty-seventh examiner's catalogue: the learner who writes it in plain Python (loops, tolist, sorted, list.index, round, random, torch.tensor(list) at the end)."""
