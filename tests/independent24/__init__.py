"""Twenty-fourth examiner's catalogue: habits ported from inference engines' samplers."""
