"""Thirty-eighth examiner's catalogue: the learner who learnt it from the papers and the textbooks (SLP3, Chollet, Welleck et al., Ackley et al., beam search)."""
