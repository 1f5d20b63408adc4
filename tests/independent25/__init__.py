"""Twenty-fifth examiner's catalogue: the learner who codes to the worked example."""
