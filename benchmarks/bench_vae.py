"""skgen.VAE against PyTorch's example VAE (pytorch/examples vae/main.py).

Same architecture (784-400-20, ReLU, Bernoulli decoder on pixel intensities), Adam with
learning rate 1e-3, batch 128, the same number of epochs, on MNIST-5k (4000 train /
1000 test, float32), alternating in one process; torch runs on 2 threads. Prints median
fit times, their ratio and the test negative ELBO of each (nats per image, one
posterior draw per image, the KL term exact), and skgen's importance-weighted bound.

    python benchmarks/bench_vae.py [--repeats 5] [--epochs 20]
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402

from skgen import VAE  # noqa: E402


def torch_vae(X_train, X_test, epochs, seed):
    """pytorch/examples' VAE, trained as its main.py does; returns (seconds, -ELBO)."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    class TorchVAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 400)
            self.fc21 = nn.Linear(400, 20)
            self.fc22 = nn.Linear(400, 20)
            self.fc3 = nn.Linear(20, 400)
            self.fc4 = nn.Linear(400, 784)

        def encode(self, x):
            h1 = F.relu(self.fc1(x))
            return self.fc21(h1), self.fc22(h1)

        def reparameterize(self, mu, logvar):
            std = torch.exp(0.5 * logvar)
            return mu + torch.randn_like(std) * std

        def decode(self, z):
            return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

        def forward(self, x):
            mu, logvar = self.encode(x)
            return self.decode(self.reparameterize(mu, logvar)), mu, logvar

    def loss_function(recon_x, x, mu, logvar):
        bce = F.binary_cross_entropy(recon_x, x, reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return bce + kld

    torch.manual_seed(seed)
    model = TorchVAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    train = torch.from_numpy(X_train)
    start = time.perf_counter()
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(train))
        for i in range(0, len(train), 128):
            x = train[order[i : i + 128]]
            optimizer.zero_grad()
            recon, mu, logvar = model(x)
            loss = loss_function(recon, x, mu, logvar)
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        x = torch.from_numpy(X_test)
        recon, mu, logvar = model(x)
        neg_elbo = loss_function(recon, x, mu, logvar).item() / len(x)
    return seconds, neg_elbo


def skgen_vae(X_train, X_test, epochs, seed):
    vae = VAE(
        n_components=20,
        hidden_layer_sizes=(400,),
        batch_size=128,
        learning_rate=1e-3,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs,
        random_state=seed,
    )
    start = time.perf_counter()
    vae.fit(X_train)
    seconds = time.perf_counter() - start
    return seconds, -vae.score(X_test), vae


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        raise SystemExit("This benchmark needs PyTorch: pip install '.[bench]'")
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    X_train, X_test, _, _ = mnist5k(np.float32)

    start = time.perf_counter()
    skgen_vae(X_train[:256], X_test[:10], 1, 0)  # compile (or load) the kernels
    print(
        "skgen first call (kernels compiled or loaded): "
        f"{time.perf_counter() - start:.2f}s"
    )

    times = {"torch": [], "skgen": []}
    elbos = {"torch": [], "skgen": []}
    for seed in range(args.repeats):
        t, e = torch_vae(X_train, X_test, args.epochs, seed)
        times["torch"].append(t)
        elbos["torch"].append(e)
        t, e, vae = skgen_vae(X_train, X_test, args.epochs, seed)
        times["skgen"].append(t)
        elbos["skgen"].append(e)
    print(
        f"\n{args.epochs} epochs, batch 128, {args.repeats} alternating repeats "
        "(seeds 0..)"
    )
    for name in ("torch", "skgen"):
        print(
            f"  {name:6s} fit median {statistics.median(times[name]):6.3f}s "
            f"(min {min(times[name]):.3f}, max {max(times[name]):.3f})  "
            f"test -ELBO median {statistics.median(elbos[name]):7.2f} "
            f"({min(elbos[name]):.2f}-{max(elbos[name]):.2f})"
        )
    ratios = [t / s for t, s in zip(times["torch"], times["skgen"])]
    print(
        f"  fit time torch / skgen: median {statistics.median(ratios):.2f}x "
        f"(per pair {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    diff = statistics.median(elbos["skgen"]) - statistics.median(elbos["torch"])
    print(f"  test -ELBO skgen - torch: {diff:+.2f} nats (negative: skgen better)")
    iw = -vae.log_likelihood(X_test, n_importance=100).mean()
    print(f"  skgen test -log p(x), importance-weighted bound, k=100: {iw:.2f}")
    cvae_on_digits(args.repeats)


def cvae_on_digits(repeats):
    """CVAE target: generated digits of a requested class are recognised as that class
    by an independent classifier (logistic regression on real digits)."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    from skgen import CVAE

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, random_state=0, stratify=y
    )
    judge = LogisticRegression(max_iter=2000).fit(X_train, y_train)
    print(
        "\nCVAE on scikit-learn's digits (1347 train / 450 test), batch_size=32, "
        f"other parameters default; judge: logistic regression, test accuracy "
        f"{judge.score(X_test, y_test):.3f}"
    )
    for conditioning in ("prior", "concat"):
        recognised, accuracy, times = [], [], []
        for seed in range(repeats):
            start = time.perf_counter()
            cvae = CVAE(conditioning=conditioning, batch_size=32, random_state=seed)
            cvae.fit(X_train, y_train)
            times.append(time.perf_counter() - start)
            X_gen, y_gen = cvae.sample(1000, random_state=seed)
            recognised.append(float(np.mean(judge.predict(X_gen) == y_gen)))
            accuracy.append(cvae.score(X_test, y_test))
        print(
            f"  conditioning={conditioning:6s} samples recognised as their class: "
            f"median {statistics.median(recognised):.3f} "
            f"({min(recognised):.3f}-{max(recognised):.3f}); as a classifier: test "
            f"accuracy median {statistics.median(accuracy):.3f}; fit "
            f"{statistics.median(times):.2f}s"
        )


if __name__ == "__main__":
    main()
