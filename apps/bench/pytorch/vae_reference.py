"""PyTorch reference for aekit's VAE: the same model, data, loss and optimiser.

784-400-20 VAE with ReLU hidden layers, Bernoulli likelihood on [0, 1] intensities (decoder
outputs logits), analytic KL to N(0, I), one Monte-Carlo sample per input, Adam 1e-3, batch
128. Loss per example = -ELBO = BCE summed over the 784 pixels + KL summed over the 20 latent
dimensions; reported averaged over examples.

Reads the official Fashion-MNIST IDX files (Debian's dataset-fashion-mnist by default) and
prints one JSON object on the last line of stdout (with `runtime`: what torch computed on, see
torch_runtime.py). Runs where `python3` can import torch (Debian: apt-get install python3-torch
libopenblas0-pthread, then /usr/bin/python3; without OpenBLAS it runs on the reference BLAS).
"""

import argparse
import gzip
import json
import os
import resource
import struct
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from torch_runtime import describe, set_threads

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        data = handle.read()
    zero, dtype_code, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * rank, data[4 : 4 + 4 * rank])
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    return array.reshape(shape)


def load_split(directory, prefix):
    images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    return x, torch.from_numpy(labels.astype(np.int64))


class Vae(nn.Module):
    def __init__(self, input_dim=784, hidden=400, latent=20):
        super().__init__()
        self.encoder_hidden = nn.Linear(input_dim, hidden)
        self.encoder_mu = nn.Linear(hidden, latent)
        self.encoder_log_var = nn.Linear(hidden, latent)
        self.decoder_hidden = nn.Linear(latent, hidden)
        self.decoder_logits = nn.Linear(hidden, input_dim)

    def encode(self, x):
        h = F.relu(self.encoder_hidden(x))
        return self.encoder_mu(h), self.encoder_log_var(h)

    def decode(self, z):
        return self.decoder_logits(F.relu(self.decoder_hidden(z)))

    def forward(self, x):
        mu, log_var = self.encode(x)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        return self.decode(z), mu, log_var


def negative_elbo_sum(logits, x, mu, log_var):
    """Sum over the batch of -ELBO per example (BCE over pixels + KL over latents)."""
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kl = 0.5 * torch.sum(torch.exp(log_var) + mu * mu - 1.0 - log_var)
    return reconstruction + kl, reconstruction, kl


def evaluate(model, x, batch_size=1000):
    model.eval()
    totals = np.zeros(3)
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            batch = x[start : start + batch_size]
            logits, mu, log_var = model(batch)
            totals += [float(t) for t in negative_elbo_sum(logits, batch, mu, log_var)]
    model.train()
    return totals / len(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("AEKIT_FASHION_MNIST_DIR", DEFAULT_DIR))
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--max-steps", type=int, default=0, help="stop each epoch after this many steps (0: all)")
    args = parser.parse_args()

    if args.threads > 0:
        set_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, _ = load_split(args.data_dir, "train")
    test_x, _ = load_split(args.data_dir, "t10k")

    model = Vae()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    history = []
    train_seconds = 0.0
    trained_samples = 0
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(train_x))
        totals = np.zeros(3)
        seen = 0
        start = time.perf_counter()
        for step, begin in enumerate(range(0, len(train_x), args.batch_size)):
            if args.max_steps and step >= args.max_steps:
                break
            batch = train_x[order[begin : begin + args.batch_size]]
            logits, mu, log_var = model(batch)
            loss, reconstruction, kl = negative_elbo_sum(logits, batch, mu, log_var)
            optimizer.zero_grad()
            (loss / len(batch)).backward()
            optimizer.step()
            totals += [float(loss), float(reconstruction), float(kl)]
            seen += len(batch)
        train_seconds += time.perf_counter() - start
        trained_samples += seen
        test = evaluate(model, test_x)
        history.append(
            {
                "epoch": epoch,
                "train": {"loss": totals[0] / seen, "reconstruction": totals[1] / seen, "kl": totals[2] / seen},
                "test": {"loss": test[0], "reconstruction": test[1], "kl": test[2]},
            }
        )
        print(f"epoch {epoch}: train -ELBO {totals[0] / seen:.2f}, test -ELBO {test[0]:.2f}", flush=True)

    print(
        json.dumps(
            {
                "implementation": "pytorch",
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "runtime": describe(),
                "epochs": args.epochs,
                "batchSize": args.batch_size,
                "samplesPerSecond": trained_samples / train_seconds,
                "test": history[-1]["test"],
                # Peak resident set size of the whole run (Linux reports kilobytes).
                "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000,
                "history": history,
            }
        )
    )


if __name__ == "__main__":
    main()
