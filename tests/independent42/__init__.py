"""Forty-second examiner's catalogue: the learner who learnt it all on GPT-2 (byte-level BPE, nanoGPT's generate loop, block_size crops, pad = eos, GPT-2's pre-tokenizer classes)."""
