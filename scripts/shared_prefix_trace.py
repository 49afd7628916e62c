#!/usr/bin/env python3
"""Writes scenarios/traces/shared-prefixes.jsonl: a synthetic Mooncake-format trace whose prompts
share prefixes, for the prefix-cache, offload-tier and KV-aware routing examples.

Each request opens with one of 30 shared contexts (system prompts or retrieved documents of 4 to
16 blocks of 512 tokens, ids context*100 + k), drawn with Zipf-like popularity (weight 1/rank),
then adds 1 to 4 blocks of its own (ids from 100000). Poisson arrivals at 8 requests/s; outputs of
64 to 512 tokens. Deterministic (seed 7): rerunning it gives the same file.
"""
import json
import random
import sys

def main(path: str, requests: int = 800) -> None:
    rng = random.Random(7)
    contexts = [rng.randint(4, 16) for _ in range(30)]
    weights = [1.0 / (rank + 1) for rank in range(len(contexts))]
    t = 0.0
    own = 100000
    with open(path, "w") as out:
        for _ in range(requests):
            t += rng.expovariate(8.0)
            c = rng.choices(range(len(contexts)), weights)[0]
            blocks = [c * 100 + k for k in range(contexts[c])]
            for _ in range(rng.randint(1, 4)):
                blocks.append(own)
                own += 1
            tokens = len(blocks) * 512 - rng.randint(0, 511)
            row = {"timestamp": int(t * 1000), "input_length": tokens, "output_length": rng.randint(64, 512),
                   "hash_ids": blocks}
            out.write(json.dumps(row) + "\n")

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "scenarios/traces/shared-prefixes.jsonl")
