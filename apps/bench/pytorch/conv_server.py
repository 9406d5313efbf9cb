"""The PyTorch side of `pnpm bench --only conv`: convolution passes and a convolutional VAE.

Like vae_server.py, a long-lived contender: `pnpm bench` starts it once per setting (threads,
OpenBLAS overrides) and sends it one JSON command per line on stdin; it answers each with one
JSON line on stdout, so its timed windows interleave with aekit's in the same run.

It first prints {"ready": true, "runtime": {...}, "mkldnn": bool}: torch_runtime.describe(),
and torch.backends.mkldnn.is_available() (PyTorch's convolutions run on oneDNN where it is,
not on the BLAS).

Commands:
  {"cmd": "layer", "batch": n, "inChannels": c, "outChannels": o, "inSize": h, "outSize": h2,
   "stride": s, "transposed": bool, "pass": "forward" | "inputGradient" | "filterGradient"}
      -> {"ok": true}   makes the inputs of one pass of one 3×3 layer (NCHW, padding 1, as a
         PyTorch user writes these layers); `run` then times it
  {"cmd": "run", "steps": n}            -> {"seconds": s}   n calls of that pass
  {"cmd": "check", "batchSize": b, "seed": 1, "steps": n}  -> {"losses": [...]}
      the loss (summed over the batch) of each of n steps of a fresh seeded model on the first n
      batches of a seeded order: the same initial weights and batches in every process
  {"cmd": "setup", "batchSize": b, "seed": 1}  -> {"ok": true}
  {"cmd": "train", "steps": n}          -> {"seconds": s}   n training steps (Adam 1e-3; the loss
      summed over each image's pixels and latents, averaged over the batch, as vae_server.py's)
  {"cmd": "quit"}
Run with: /usr/bin/python3 conv_server.py --threads 1 [--data-dir DIR]
"""

import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

from torch_runtime import describe, set_threads
from vae_reference import DEFAULT_DIR, load_split
from vae_server import Contender as VaeContender


class ConvVae(nn.Module):
    """The convolutional VAE of apps/bench/src/conv-vae.ts (aekit's with a 'conv' encoder of
    channels [32, 64]): the shapes and PyTorch's default initialisation."""

    def __init__(self, latent=2):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.head = nn.Linear(7 * 7 * 64, 2 * latent)
        self.decoder_dense = nn.Linear(latent, 7 * 7 * 64)
        self.deconv1 = nn.ConvTranspose2d(64, 64, 3, stride=2, padding=1, output_padding=1)
        self.deconv2 = nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1)
        self.output = nn.Conv2d(32, 1, 3, padding=1)

    def forward(self, x):
        h = F.relu(self.conv2(F.relu(self.conv1(x))))
        mu, log_var = self.head(torch.flatten(h, 1)).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        d = F.relu(self.decoder_dense(z)).view(-1, 64, 7, 7)
        d = F.relu(self.deconv2(F.relu(self.deconv1(d))))
        return self.output(d), mu, log_var


def layer_pass(command):
    """A function running one pass of one 3×3 layer, its inputs made once (seeded)."""
    torch.manual_seed(1)
    batch, stride = int(command["batch"]), int(command["stride"])
    c_in, c_out = int(command["inChannels"]), int(command["outChannels"])
    size_in, size_out = int(command["inSize"]), int(command["outSize"])
    transposed = bool(command["transposed"])
    x = torch.randn(batch, c_in, size_in, size_in)
    dy = torch.randn(batch, c_out, size_out, size_out)
    # Conv2d stores (out, in, kH, kW), ConvTranspose2d (in, out, kH, kW).
    w = torch.randn(c_in, c_out, 3, 3) if transposed else torch.randn(c_out, c_in, 3, 3)
    output_padding = [stride - 1, stride - 1] if transposed else [0, 0]
    pass_name = command["pass"]
    if pass_name == "forward":
        if transposed:
            return lambda: F.conv_transpose2d(x, w, None, stride, 1, output_padding)
        return lambda: F.conv2d(x, w, None, stride, 1)
    mask = [pass_name == "inputGradient", pass_name == "filterGradient", False]
    if not any(mask):
        raise ValueError(f"unknown pass {pass_name!r}")
    return lambda: torch.ops.aten.convolution_backward(
        dy, x, w, None, [stride, stride], [1, 1], [1, 1], transposed, output_padding, 1, mask
    )


class Contender(VaeContender):
    """vae_server.py's contender (setup, batches, steps, check) on the ConvVae, plus one layer pass."""

    def __init__(self, train_x):
        super().__init__(train_x)
        self.layer = None

    def new_model(self, hidden):
        return ConvVae()

    def run_layer(self, steps):
        with torch.no_grad():
            start = time.perf_counter()
            for _ in range(steps):
                self.layer()
            return time.perf_counter() - start


def training_images(directory):
    """Fashion-MNIST's training images as [n, 1, 28, 28] in [0, 1], or seeded U[0, 1) images."""
    try:
        train_x, _ = load_split(directory, "train")
    except FileNotFoundError:
        generator = torch.Generator().manual_seed(1)
        train_x = torch.rand(4096, 784, generator=generator)
    return train_x.view(-1, 1, 28, 28)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("AEKIT_FASHION_MNIST_DIR", DEFAULT_DIR))
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    set_threads(args.threads)
    contender = Contender(training_images(args.data_dir))
    ready = {"ready": True, "runtime": describe(), "mkldnn": torch.backends.mkldnn.is_available()}
    print(json.dumps(ready), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        name = command.get("cmd")
        if name == "quit":
            break
        try:
            if name == "layer":
                contender.layer = layer_pass(command)
                answer = {"ok": True}
            elif name == "run":
                answer = {"seconds": contender.run_layer(int(command["steps"]))}
            elif name == "check":
                # No hidden width: the ConvVae has its one shape.
                losses = contender.check(
                    None, command.get("batchSize", 128), command.get("seed", 1), int(command["steps"])
                )
                answer = {"losses": losses}
            elif name == "setup":
                contender.setup(None, command.get("batchSize", 128), command.get("seed", 1))
                answer = {"ok": True}
            elif name == "train":
                answer = {"seconds": contender.train(int(command["steps"]))}
            else:
                answer = {"error": f"unknown command {name!r}"}
        except (KeyError, ValueError, RuntimeError) as error:
            answer = {"error": f"{name}: {error}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
