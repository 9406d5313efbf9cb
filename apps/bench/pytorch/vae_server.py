"""The PyTorch reference VAE as a long-lived benchmark contender.

`pnpm bench` starts this script once per setting (threads, OpenBLAS overrides) and sends it one
JSON command per line on stdin; it answers each with one JSON line on stdout. Its timed windows thus interleave with
aekit's in the same run, so drift of a shared machine falls on all contenders alike. The model,
loss, optimiser and data are those of vae_reference.py.

It first prints {"ready": true, "runtime": {...}}: torch_runtime.describe(), what it computes on.

Commands:
  {"cmd": "check", "hidden": 400, "batchSize": 128, "seed": 1, "steps": n}  -> {"losses": [...]}
      the loss (summed over the batch) of each of n steps of a fresh seeded model on the first
      n batches of a seeded order: the same initial weights and batches in every process
  {"cmd": "setup", "hidden": 400, "batchSize": 128, "seed": 1}  -> {"ok": true, "threads": n, "torch": "…"}
  {"cmd": "train", "steps": n}       -> {"seconds": s}   n training steps on consecutive shuffled batches
  {"cmd": "encode", "batchSize": b, "repeats": r}  -> {"seconds": s}   r posterior-mean encodings of b examples
  {"cmd": "quit"}
Run with: /usr/bin/python3 vae_server.py --threads 1 [--data-dir DIR]
"""

import argparse
import json
import os
import sys
import time

import torch

from torch_runtime import describe, set_threads
from vae_reference import DEFAULT_DIR, Vae, load_split, negative_elbo_sum


class Contender:
    def __init__(self, train_x):
        self.train_x = train_x
        self.model = None
        self.optimizer = None
        self.batch_size = 128
        self.order = None
        self.position = 0

    def new_model(self, hidden):
        """A fresh model (conv_server.py's contender makes its own)."""
        return Vae(hidden=hidden)

    def setup(self, hidden, batch_size, seed):
        torch.manual_seed(seed)
        self.model = self.new_model(hidden)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.batch_size = batch_size
        self.order = torch.randperm(len(self.train_x))
        self.position = 0

    def next_batch(self):
        if self.position + self.batch_size > len(self.train_x):
            self.order = torch.randperm(len(self.train_x))
            self.position = 0
        indices = self.order[self.position : self.position + self.batch_size]
        self.position += self.batch_size
        return self.train_x[indices]

    def step(self):
        batch = self.next_batch()
        logits, mu, log_var = self.model(batch)
        loss, _, _ = negative_elbo_sum(logits, batch, mu, log_var)
        self.optimizer.zero_grad()
        (loss / len(batch)).backward()
        self.optimizer.step()
        # The loss is read every step, as aekit's fit reads it.
        return float(loss)

    def train(self, steps):
        start = time.perf_counter()
        for _ in range(steps):
            self.step()
        return time.perf_counter() - start

    def check(self, hidden, batch_size, seed, steps):
        self.setup(hidden, batch_size, seed)
        losses = [self.step() for _ in range(steps)]
        self.model = None
        return losses

    def encode(self, batch_size, repeats):
        batch = self.train_x[:batch_size]
        with torch.no_grad():
            start = time.perf_counter()
            for _ in range(repeats):
                mu, _ = self.model.encode(batch)
                float(mu[0, 0])
            return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("AEKIT_FASHION_MNIST_DIR", DEFAULT_DIR))
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    set_threads(args.threads)
    train_x, _ = load_split(args.data_dir, "train")
    contender = Contender(train_x)
    print(json.dumps({"ready": True, "runtime": describe()}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        name = command.get("cmd")
        if name == "quit":
            break
        if name == "check":
            losses = contender.check(
                command.get("hidden", 400), command.get("batchSize", 128), command.get("seed", 1), int(command["steps"])
            )
            answer = {"losses": losses}
        elif name == "setup":
            contender.setup(command.get("hidden", 400), command.get("batchSize", 128), command.get("seed", 1))
            answer = {"ok": True, "threads": torch.get_num_threads(), "torch": torch.__version__}
        elif name == "train":
            answer = {"seconds": contender.train(int(command["steps"]))}
        elif name == "encode":
            answer = {"seconds": contender.encode(int(command["batchSize"]), int(command["repeats"]))}
        else:
            answer = {"error": f"unknown command {name!r}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
