"""Forty-fifth examiner's catalogue: the learner who works in log space (logsumexp, log-softmax, logcumsumexp, Gumbel/exponential races, log-probability sums)."""
