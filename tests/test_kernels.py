"""The Numba kernels in ``skgen._kernels`` against plain numpy references.

Deterministic kernels are compared with numpy directly. Kernels that draw random numbers
are checked two ways: statistically (frequencies, means and variances within about five
standard errors of their expected values, with fixed seeds), and exactly, against a
numpy reference that reads the same SplitMix64 stream in the same order as the kernel.
"""

import warnings

import numba
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import special, stats

from skgen._kernels._activations import (
    add_bias_normal_sample,
    add_bias_sigmoid,
    add_bias_sigmoid_sample,
    bernoulli_sample,
    sigmoid,
    softplus,
)
from skgen._kernels._blas import gemm as gemm_intrinsic
from skgen._kernels._cd import cd_epoch_csr, cd_epoch_dense, cd_step
from skgen._kernels._random import (
    binomial,
    new_state,
    next_u64,
    standard_normal,
    uniform,
)
from skgen._kernels._sampling import ais_log_weights, gibbs_chain
from skgen._kernels._units import BINARY, LINEAR, RELU

DTYPES = [np.float32, np.float64]
# Results of float32 kernels are compared with float64 numpy within these tolerances.
RTOL = {np.float32: 1e-5, np.float64: 1e-12}
N_SE = 5  # statistical checks allow this many standard errors


def make_state(seed):
    """A kernel RNG state seeded as the estimators seed it."""
    return new_state(np.random.RandomState(seed))


# Loops over the RNG stay compiled; not cached, so that the tests write no files.
@numba.njit
def draw_u64(state, n):
    out = np.empty(n, dtype=np.uint64)
    for i in range(n):
        out[i] = next_u64(state)
    return out


@numba.njit
def draw_uniform(state, n):
    out = np.empty(n)
    for i in range(n):
        out[i] = uniform(state)
    return out


@numba.njit
def draw_normal(state, n):
    out = np.empty(n)
    for i in range(n):
        out[i] = standard_normal(state)
    return out


def assert_mean_close(samples, expected, std, axis=0):
    """Sample means within ``N_SE`` standard errors of ``expected``."""
    n = samples.shape[axis]
    se = np.asarray(std) / np.sqrt(n)
    assert_array_less_equal(np.abs(samples.mean(axis=axis) - expected), N_SE * se)


def assert_array_less_equal(x, y):
    x, y = np.broadcast_arrays(x, y)
    assert np.all(x <= y), f"{x} not <= {y}"


# --------------------------------------------------------------------------------------
# gemm
# --------------------------------------------------------------------------------------


@numba.njit
def gemm(trans_a, trans_b, alpha, a, b, beta, c):
    """The GEMM intrinsic called from jitted code, as the kernels call it."""
    gemm_intrinsic(trans_a, trans_b, alpha, a, b, beta, c)


def operands(rng, m, n, k, trans_a, trans_b, dtype):
    a = rng.standard_normal((k, m) if trans_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if trans_b else (k, n)).astype(dtype)
    c = rng.standard_normal((m, n)).astype(dtype)
    return a, b, c


def reference_gemm(trans_a, trans_b, alpha, a, b, beta, c):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    return alpha * (a.T if trans_a else a) @ (b.T if trans_b else b) + beta * c


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a", [False, True])
@pytest.mark.parametrize("trans_b", [False, True])
def test_gemm_matches_numpy(trans_a, trans_b, dtype):
    rng = np.random.RandomState(0)
    a, b, c = operands(rng, 5, 4, 3, trans_a, trans_b, dtype)
    expected = reference_gemm(trans_a, trans_b, 0.7, a, b, -1.3, c)
    gemm(trans_a, trans_b, 0.7, a, b, -1.3, c)
    assert c.dtype == dtype
    assert_allclose(c, expected, rtol=RTOL[dtype], atol=RTOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a", [False, True])
@pytest.mark.parametrize("trans_b", [False, True])
def test_gemm_accepts_row_slices_and_writes_only_its_output_rows(
    trans_a, trans_b, dtype
):
    # The CD kernels multiply row blocks of the stacked buffers ``vv`` and ``hh``.
    m, n, k = 5, 4, 3
    rng = np.random.RandomState(1)
    big_a = rng.standard_normal((10, m if trans_a else k)).astype(dtype)
    big_b = rng.standard_normal((10, k if trans_b else n)).astype(dtype)
    big_c = rng.standard_normal((12, n)).astype(dtype)
    a = big_a[1 : 1 + (k if trans_a else m)]
    b = big_b[4 : 4 + (n if trans_b else k)]
    c = big_c[2:7]
    untouched = np.concatenate([big_c[:2], big_c[7:]])
    expected = reference_gemm(trans_a, trans_b, 0.7, a, b, -1.3, c)
    gemm(trans_a, trans_b, 0.7, a, b, -1.3, c)
    assert_allclose(big_c[2:7], expected, rtol=RTOL[dtype], atol=RTOL[dtype])
    assert_array_equal(np.concatenate([big_c[:2], big_c[7:]]), untouched)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a", [False, True])
@pytest.mark.parametrize("trans_b", [False, True])
def test_gemm_with_empty_inner_dimension_only_scales_c_by_beta(trans_a, trans_b, dtype):
    rng = np.random.RandomState(2)
    a, b, c = operands(rng, 5, 4, 0, trans_a, trans_b, dtype)
    expected = -1.3 * c.astype(np.float64)
    gemm(trans_a, trans_b, 0.7, a, b, -1.3, c)
    assert_allclose(c, expected, rtol=RTOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", [3, 0])
def test_gemm_with_zero_beta_ignores_what_c_held(dtype, k):
    # sample_visible and hidden_mean pass np.empty buffers with beta = 0.
    rng = np.random.RandomState(3)
    a, b, _ = operands(rng, 5, 4, k, False, True, dtype)
    c = np.full((5, 4), np.nan, dtype=dtype)
    gemm(False, True, 1.0, a, b, 0.0, c)
    assert_allclose(c, a.astype(np.float64) @ b.T, rtol=RTOL[dtype], atol=RTOL[dtype])


# --------------------------------------------------------------------------------------
# Random numbers
# --------------------------------------------------------------------------------------


def reference_splitmix64(key, n):
    """SplitMix64 (Steele, Lea & Flood 2014), as Java's SplittableRandom, in Python
    integers: draw i is mix(key + (i + 1) * GAMMA)."""
    mask = (1 << 64) - 1
    out = []
    for i in range(n):
        z = (key + (i + 1) * 0x9E3779B97F4A7C15) & mask
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        out.append(z ^ (z >> 31))
    return out


def test_next_u64_is_splitmix64():
    # The reference implementation's first output from seed 0 (Vigna's splitmix64.c).
    assert reference_splitmix64(0, 1)[0] == 0xE220A8397B1DCDAF
    state = np.array([0, 0], dtype=np.uint64)
    assert [int(x) for x in draw_u64(state, 100)] == reference_splitmix64(0, 100)
    assert int(state[1]) == 100  # the counter counts draws


def test_bulk_kernels_read_the_same_draws_as_one_by_one():
    """Filling an array reads draws counter, counter + 1, ... in row-major order."""
    p = np.full((3, 5), 0.5)
    state = make_state(9)
    expected = (draw_uniform(state.copy(), p.size).reshape(p.shape) < p) * 1.0
    out = np.empty_like(p)
    bernoulli_sample(p, out, state)
    assert_array_equal(out, expected)
    assert int(state[1]) == p.size


def test_same_seed_gives_the_same_stream():
    assert_array_equal(draw_u64(make_state(42), 1000), draw_u64(make_state(42), 1000))


def test_different_seeds_give_different_streams():
    first, second = draw_u64(make_state(0), 1000), draw_u64(make_state(1), 1000)
    assert np.all(first != second)


def test_the_stream_continues_across_calls():
    state = make_state(5)
    both = np.concatenate([draw_u64(state, 10), draw_u64(state, 10)])
    assert_array_equal(both, draw_u64(make_state(5), 20))


def test_uniform_is_on_the_unit_interval_with_mean_one_half_and_variance_one_twelfth():
    n = 200_000
    u = draw_uniform(make_state(0), n)
    assert u.min() >= 0.0
    assert u.max() < 1.0
    # 53 random bits: every draw is a multiple of 2 ** -53.
    assert_array_equal(u * 2.0**53, np.floor(u * 2.0**53))
    assert abs(u.mean() - 0.5) <= N_SE * np.sqrt(1 / 12 / n)
    # Var((U - 1/2) ** 2) = 1/80 - 1/144 = 1/180.
    assert abs(u.var() - 1 / 12) <= N_SE * np.sqrt(1 / 180 / n)


def test_standard_normal_has_mean_zero_and_variance_one():
    n = 200_000
    z = draw_normal(make_state(1), n)
    assert np.all(np.isfinite(z))
    assert abs(z.mean()) <= N_SE / np.sqrt(n)
    assert abs(z.var() - 1.0) <= N_SE * np.sqrt(2.0 / n)


def test_standard_normal_passes_a_kolmogorov_smirnov_test():
    z = draw_normal(make_state(2), 20_000)
    assert stats.kstest(z, "norm").pvalue > 1e-3


@numba.njit
def draw_binomial(n, p, key, size):
    out = np.empty(size, dtype=np.int64)
    index = np.uint64(0)
    for i in range(size):
        out[i], index = binomial(n, p, key, index)
    return out, index


# inversion (means up to 30), BTPE (above), each also with p > 1/2 (drawn as n - y)
@pytest.mark.parametrize(
    "n, p",
    [(10, 0.3), (100, 0.01), (31, 0.99), (200, 0.2), (1000, 0.5), (100_000, 0.7)],
)
def test_binomial_draws_pass_a_chi_square_test_against_the_exact_probabilities(n, p):
    size = 20_000
    y, used = draw_binomial(n, p, make_state(3)[0], size)
    assert y.min() >= 0 and y.max() <= n
    assert size <= used <= 4 * size  # one uniform per inversion, ~2.5 per BTPE draw
    k = np.arange(n + 1)
    expected = stats.binom.pmf(k, n, p) * size
    # pool the tails into the cells past which fewer than 5 draws are expected
    lo, hi = k[expected >= 5][[0, -1]]
    clipped = np.clip(y, lo, hi) - lo
    observed = np.bincount(clipped, minlength=hi - lo + 1)
    pooled = expected[lo : hi + 1].copy()
    pooled[0] += expected[:lo].sum()
    pooled[-1] += expected[hi + 1 :].sum()
    assert stats.chisquare(observed, pooled).pvalue > 1e-3


def test_binomial_edge_cases_use_no_draws():
    key = make_state(0)[0]
    for n, p, value in [(0, 0.5, 0), (7, 0.0, 0), (7, 1.0, 7)]:
        y, used = draw_binomial(n, p, key, 3)
        assert_array_equal(y, value)
        assert used == 0


# --------------------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------------------

EXTREMES = np.array(
    [
        -1000.0,
        -745.0,
        -100.0,
        -40.0,
        -1.0,
        -1e-8,
        0.0,
        1e-8,
        1.0,
        40.0,
        100.0,
        745.0,
        1000.0,
    ]
)


def tolerances(dtype):
    # fast_exp is clamped so that sigmoids never return subnormal numbers (which cost
    # a hundred times a normal flop): below about 1.5 times the smallest normal number
    # a result stands for anything smaller, hence this absolute tolerance.
    return dict(
        rtol=1e-6 if dtype == np.float32 else 1e-13, atol=2 * np.finfo(dtype).tiny
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_matches_expit_without_overflow(dtype):
    x = EXTREMES.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = np.array([sigmoid(xi) for xi in x])
    assert not np.any(np.isnan(got))
    assert_allclose(got, special.expit(x.astype(np.float64)), **tolerances(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_softplus_matches_logaddexp_without_overflow(dtype):
    x = EXTREMES.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = np.array([softplus(xi) for xi in x])
    assert not np.any(np.isnan(got))
    assert_allclose(got, np.logaddexp(0.0, x.astype(np.float64)), **tolerances(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_add_bias_sigmoid_matches_expit_of_act_plus_bias(dtype):
    rng = np.random.RandomState(0)
    act = np.concatenate([EXTREMES[None, :], 10 * rng.standard_normal((4, 13))])
    act = act.astype(dtype)
    bias = rng.standard_normal(13).astype(dtype)
    expected = special.expit((act + bias).astype(np.float64))  # the sum in the dtype
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        add_bias_sigmoid(act, bias)
    assert act.dtype == dtype
    assert not np.any(np.isnan(act))
    assert_allclose(act, expected, **tolerances(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_fast_exp_matches_numpy_over_its_range(dtype):
    from skgen._kernels._fastexp import fast_exp

    @numba.njit(error_model="numpy")
    def apply(x, out):
        for i in range(x.size):
            out[i] = fast_exp(x[i])

    top = 87.0 if dtype == np.float32 else 708.0
    x = np.linspace(-top, top, 200_001).astype(dtype)
    out = np.empty_like(x)
    apply(x, out)
    assert out.dtype == dtype
    rel = np.abs(out.astype(np.float64) / np.exp(x.astype(np.float64)) - 1.0)
    # About 1 ulp: float32 eps is 1.2e-7, float64 eps 2.2e-16.
    assert rel.max() < (3e-7 if dtype == np.float32 else 1e-15)
    # Outside the range it saturates instead of overflowing or going subnormal.
    extreme = np.array([-1e4, 1e4], dtype=dtype)
    out = np.empty_like(extreme)
    apply(extreme, out)
    assert np.all(np.isfinite(out)) and np.all(out > 0)


@given(
    m=st.integers(1, 9),
    n=st.integers(1, 9),
    k=st.integers(0, 9),
    trans_a=st.booleans(),
    trans_b=st.booleans(),
    dtype=st.sampled_from(DTYPES),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=60, deadline=None)
def test_gemm_matches_numpy_for_any_shape(m, n, k, trans_a, trans_b, dtype, seed):
    rng = np.random.RandomState(seed)
    a = rng.standard_normal((k, m) if trans_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if trans_b else (k, n)).astype(dtype)
    c = rng.standard_normal((m, n)).astype(dtype)
    op_a = a.T if trans_a else a
    op_b = b.T if trans_b else b
    expected = 0.5 * op_a.astype(np.float64) @ op_b + 2.0 * c
    gemm(trans_a, trans_b, 0.5, a, b, 2.0, c)
    assert_allclose(
        c, expected, rtol=RTOL[dtype], atol=1e-5 if dtype == np.float32 else 1e-12
    )


def test_gemm_refuses_arrays_without_contiguous_rows_when_it_compiles():
    a = np.asfortranarray(np.random.RandomState(0).rand(4, 3))
    with pytest.raises(numba.core.errors.TypingError, match="contiguous rows"):
        gemm(False, False, 1.0, a, np.ones((3, 2)), 0.0, np.empty((4, 2)))


def check_bernoulli_frequencies(samples, p):
    """0.0 / 1.0 only, p = 0 and p = 1 exact, other column frequencies near p."""
    assert set(np.unique(samples)) <= {0.0, 1.0}
    assert_array_equal(samples[:, p == 0.0], 0.0)
    assert_array_equal(samples[:, p == 1.0], 1.0)
    assert_mean_close(samples, p, np.sqrt(p * (1 - p)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_bernoulli_sample_draws_ones_with_the_given_probability(dtype):
    p = np.array([0.0, 0.02, 0.3, 0.5, 0.9, 1.0])
    prob = np.tile(p, (40_000, 1)).astype(dtype)
    out = np.full_like(prob, np.nan)
    bernoulli_sample(prob, out, make_state(0))
    assert out.dtype == dtype
    check_bernoulli_frequencies(out, p.astype(dtype).astype(np.float64))


@pytest.mark.parametrize("dtype", DTYPES)
def test_bernoulli_draws_compare_the_streams_top_bits_in_the_arrays_precision(dtype):
    """Element k reads draw counter + k: float64 compares its top 53 bits,
    float32 its top 24 (a 32-bit integer's conversion, which vectorizes)."""
    rng = np.random.RandomState(5)
    prob = rng.uniform(0, 1, (300, 70)).astype(dtype)
    out = np.empty_like(prob)
    state = make_state(4)
    bits = draw_u64(state.copy(), prob.size).reshape(prob.shape)
    bernoulli_sample(prob, out, state)
    if dtype == np.float32:
        u = (bits >> np.uint64(40)).astype(np.float32) * np.float32(2.0**-24)
    else:
        u = (bits >> np.uint64(11)).astype(np.float64) * 2.0**-53
    assert u.dtype == dtype
    assert_array_equal(out, (u < prob).astype(dtype))
    # add_bias_sigmoid_sample draws in the same way from sigmoid(act + bias)
    pre = rng.normal(0, 2, prob.shape).astype(dtype)
    bias = rng.normal(0, 1, prob.shape[1]).astype(dtype)
    act = pre.copy()
    add_bias_sigmoid_sample(act, bias, make_state(4))
    sigmoid = (1 / (1 + np.exp(-(pre.astype(np.float64) + bias)))).astype(dtype)
    differ = (act != (u < sigmoid)).mean()
    assert differ < 1e-3  # the kernel's sigmoid rounds apart from numpy's rarely
    if dtype == np.float32:
        # p just above the 24-bit draw: a 53-bit draw would pass p about half the time
        near = (u >= 0.25) & (u < 0.5)
        prob[near] = u[near] + np.float32(2.0**-25)
        bernoulli_sample(prob, out, make_state(4))
        assert near.sum() > 1000 and np.all(out[near] == 1.0)


def test_bernoulli_sample_may_write_over_its_input():
    p = np.array([0.1, 0.5, 0.8])
    prob = np.tile(p, (1000, 1))
    separate = np.empty_like(prob)
    bernoulli_sample(prob, separate, make_state(3))
    bernoulli_sample(prob, prob, make_state(3))
    assert_array_equal(prob, separate)


@pytest.mark.parametrize("dtype", DTYPES)
def test_add_bias_sigmoid_sample_draws_ones_with_probability_sigmoid(dtype):
    pre = np.array([-1000.0, -3.0, 0.5, 0.0, 2.0, 1000.0])
    bias = np.array([0.0, 1.0, -0.5, 0.0, 0.5, 0.0])
    act = np.tile(pre, (40_000, 1)).astype(dtype)
    add_bias_sigmoid_sample(act, bias.astype(dtype), make_state(1))
    assert act.dtype == dtype
    p = special.expit(pre.astype(dtype).astype(np.float64) + bias.astype(dtype))
    check_bernoulli_frequencies(act, p)


@pytest.mark.parametrize("dtype", DTYPES)
def test_add_bias_normal_sample_adds_bias_and_unit_normal_noise(dtype):
    n = 40_000
    pre = np.array([-2.0, 0.0, 3.0])
    bias = np.array([1.0, 0.0, -0.5])
    act = np.tile(pre, (n, 1)).astype(dtype)
    add_bias_normal_sample(act, bias.astype(dtype), make_state(2))
    assert act.dtype == dtype
    sample = act.astype(np.float64)
    assert_mean_close(sample, pre + bias, 1.0)
    assert_array_less_equal(np.abs(sample.var(axis=0) - 1.0), N_SE * np.sqrt(2.0 / n))


# --------------------------------------------------------------------------------------
# Contrastive divergence
# --------------------------------------------------------------------------------------


def reference_bernoulli(p, state):
    """Bernoulli draws reading one uniform per element, row-major, as the kernels do."""
    u = draw_uniform(state, p.size).reshape(p.shape)
    return (u < p).astype(np.float64)


def reference_visible_sample(h, W, b, gaussian, state):
    act = h @ W + b
    if gaussian:
        return act + draw_normal(state, act.size).reshape(act.shape)
    return reference_bernoulli(special.expit(act), state)


def reference_relu_sample(mean, state):
    """Noisy rectified draws: a normal draw for each positive mean, row-major."""
    out = np.zeros_like(mean)
    on = mean > 0
    noise = draw_normal(state, int(on.sum()))
    out[on] = np.maximum(mean[on] + np.sqrt(special.expit(mean[on])) * noise, 0.0)
    return out


def reference_cd_step(
    v_pos,
    chains,
    W,
    b,
    c,
    vel,
    learning_rate,
    momentum,
    weight_decay,
    k,
    persistent,
    gaussian,
    hidden,
    state,
    log_var=None,
    offset=None,
    min_log_var=None,
):
    """One (persistent) CD-k update in float64 numpy; ``hidden`` is "binary",
    "linear" or "relu" (whose reconstructions are the visible means).

    Returns the new ``(chains, W, b, c, vel, log_var)``.

    The gradients are scikit-learn's BernoulliRBM._fit ones, except that the negative
    statistics are averaged over the chains (the positive ones over the batch rows).
    With ``log_var`` (Gaussian visible units with learned variances ``s^2``) and
    ``offset`` (their centres ``m``), the energy is ``||(v - b) / s||^2 / 2 - ((v -
    m) / s) . W.T h - c . h``: the phases run on ``u = (v - m) / s`` with biases ``(b
    - m) / s``, the step of ``b`` is its gradient times ``s^2`` and that of ``log
    s^2`` is ``d(-F)/d log s^2 = ((u - (b - m) / s)^2 - u * (W.T E[h | u])) / 2``
    averaged over each phase (checked against finite differences of the free energy
    in test_likelihood.py); ``log s^2`` stays at or above ``min_log_var``, where its
    momentum is reset.
    """
    learned = log_var is not None
    s = np.exp(0.5 * log_var) if learned else np.ones_like(b)
    m = offset if learned else np.zeros_like(b)
    b_given = b
    b = (b - m) / s
    v_pos = (v_pos - m) / s

    def p_hidden(v):
        act = v @ W.T + c
        if hidden == "linear":
            return act
        return np.maximum(act, 0.0) if hidden == "relu" else special.expit(act)

    def sample_hidden(mean):
        if hidden == "linear":
            return mean + draw_normal(state, mean.size).reshape(mean.shape)
        if hidden == "relu":
            return reference_relu_sample(mean, state)
        return reference_bernoulli(mean, state)

    def visible(h):
        if hidden == "relu":  # mean-field reconstruction
            act = h @ W + b
            return act if gaussian else special.expit(act)
        return reference_visible_sample(h, W, b, gaussian, state)

    h_pos = p_hidden(v_pos)
    h_chain = chains if persistent else sample_hidden(h_pos)
    for step in range(k):
        v_neg = visible(h_chain)
        if step < k - 1:
            h_chain = sample_hidden(p_hidden(v_neg))
    h_neg = p_hidden(v_neg)
    if persistent:
        h_chain = sample_hidden(h_neg)

    def d_log_var(u, h):
        return (0.5 * ((u - b) ** 2 - u * (h @ W))).mean(axis=0)

    grad_W = h_pos.T @ v_pos / len(v_pos) - h_neg.T @ v_neg / len(v_neg)
    grad_b = v_pos.mean(axis=0) - v_neg.mean(axis=0)
    grad_c = h_pos.mean(axis=0) - h_neg.mean(axis=0)
    steps = [
        learning_rate * (grad_W - weight_decay * W),
        learning_rate * grad_b * s,
        learning_rate * grad_c,
    ]
    if learned:
        grad_log_var = d_log_var(v_pos, h_pos) - d_log_var(v_neg, h_neg)
        steps.append(learning_rate * grad_log_var)
    if momentum > 0:
        vel = tuple(momentum * v + step for v, step in zip(vel, steps))
        steps = list(vel)
    new_log_var = None
    if learned:
        new_log_var = np.maximum(log_var + steps[3], min_log_var)
        if momentum > 0:  # a variance at its floor keeps no momentum
            floored = log_var + steps[3] < min_log_var
            vel = vel[:3] + (np.where(floored, 0.0, vel[3]),)
    return (
        h_chain,
        W + steps[0],
        b_given + steps[1],
        c + steps[2],
        vel,
        new_log_var,
    )


CD_CASES = [
    pytest.param(dict(persistent=True, k=1), id="persistent CD-1 (the default)"),
    pytest.param(
        dict(persistent=True, k=1, n_chains=6), id="persistent CD-1, 6 chains"
    ),
    pytest.param(dict(persistent=True, k=3), id="persistent CD-3"),
    pytest.param(dict(persistent=False, k=1), id="CD-1"),
    pytest.param(dict(persistent=False, k=2), id="CD-2"),
    pytest.param(
        dict(persistent=True, k=1, momentum=0.5, weight_decay=0.01),
        id="persistent CD-1, momentum and weight decay",
    ),
    pytest.param(
        dict(persistent=False, k=2, momentum=0.9, weight_decay=0.1),
        id="CD-2, momentum and weight decay",
    ),
    pytest.param(
        dict(persistent=True, k=1, gaussian=True), id="Gaussian persistent CD-1"
    ),
    pytest.param(dict(persistent=False, k=2, gaussian=True), id="Gaussian CD-2"),
    pytest.param(
        dict(persistent=True, k=1, hidden="linear"),
        id="linear (Gaussian) hidden units, persistent CD-1",
    ),
    pytest.param(
        dict(persistent=False, k=2, momentum=0.5, hidden="linear"),
        id="linear (Gaussian) hidden units, CD-2 with momentum",
    ),
    pytest.param(
        dict(persistent=False, k=1, hidden="relu"),
        id="rectified hidden units, CD-1 with mean reconstructions",
    ),
    pytest.param(
        dict(persistent=True, k=2, gaussian=True, hidden="relu"),
        id="rectified hidden units, Gaussian visible, persistent CD-2",
    ),
    pytest.param(
        dict(persistent=True, k=1, gaussian=True, learned=True),
        id="Gaussian visible with learned variances, persistent CD-1",
    ),
    pytest.param(
        dict(persistent=False, k=2, gaussian=True, learned=True, momentum=0.5),
        id="Gaussian visible with learned variances, CD-2 with momentum",
    ),
    pytest.param(
        dict(persistent=False, k=1, gaussian=True, learned=True, hidden="relu"),
        id="Gaussian visible with learned variances, rectified hidden units",
    ),
]

HIDDEN_CODES = {"binary": BINARY, "linear": LINEAR, "relu": RELU}

N_VISIBLE, N_HIDDEN, BATCH = 7, 5, 4


class CDProblem:
    """Parameters, minibatches and scratch buffers for cd_step, in one dtype.

    Scratch buffers start as NaN so that reading them before writing shows.
    """

    def __init__(
        self,
        dtype,
        persistent,
        k,
        n_chains=BATCH,
        momentum=0.0,
        weight_decay=0.0,
        gaussian=False,
        hidden="binary",
        learned=False,
        seed=0,
    ):
        rng = np.random.RandomState(seed)
        self.batches = [
            rng.uniform(size=(n, N_VISIBLE)).astype(dtype) for n in (BATCH, BATCH, 3)
        ]
        if gaussian:
            self.batches = [3 * x - 1 for x in self.batches]
        self.W = rng.normal(0, 0.5, (N_HIDDEN, N_VISIBLE)).astype(dtype)
        self.b = rng.normal(0, 0.5, N_VISIBLE).astype(dtype)
        self.c = rng.normal(0, 0.5, N_HIDDEN).astype(dtype)
        shape_vel = (N_HIDDEN, N_VISIBLE) if momentum > 0 else (0, 0)
        # log variances and centres of learned-variance Gaussian units (empty: unit
        # variances)
        self.log_var = rng.normal(0, 0.5, N_VISIBLE if learned else 0).astype(dtype)
        self.offset = rng.normal(0, 1, N_VISIBLE if learned else 0).astype(dtype)
        # floors close enough below the start that some steps reach them
        self.min_log_var = self.log_var - dtype(0.02)
        self.vel = (
            rng.normal(0, 0.01, shape_vel).astype(dtype),
            rng.normal(0, 0.01, shape_vel[1]).astype(dtype),
            rng.normal(0, 0.01, shape_vel[0]).astype(dtype),
            rng.normal(0, 0.01, shape_vel[1] if learned else 0).astype(dtype),
        )
        if persistent:
            self.chains = (rng.uniform(size=(n_chains, N_HIDDEN)) < 0.5).astype(dtype)
        else:
            self.chains = np.full((BATCH, N_HIDDEN), np.nan, dtype=dtype)
        n_rows = BATCH + (n_chains if persistent else BATCH)
        self.vv = np.full((n_rows, N_VISIBLE), np.nan, dtype=dtype)
        self.hh = np.full((n_rows, N_HIDDEN), np.nan, dtype=dtype)
        self.options = (
            0.1,
            momentum,
            weight_decay,
            k,
            persistent,
            LINEAR if gaussian else BINARY,
            HIDDEN_CODES[hidden],
            hidden == "relu",
        )
        self.state = make_state(seed)

    def step(self, x):
        """cd_step on the minibatch ``x``."""
        self.vv[: len(x)] = x
        cd_step(
            self.vv,
            len(x),
            self.hh,
            self.chains,
            (
                self.W,
                self.b,
                self.c,
                self.log_var,
                self.offset,
                self.min_log_var,
            ),
            tuple(self.vel),
            self.options,
            self.state,
        )

    def bounds(self):
        return np.cumsum([0] + [len(x) for x in self.batches]).astype(np.int64)

    def data(self):
        return np.concatenate(self.batches)


@pytest.mark.parametrize("case", CD_CASES)
def test_cd_step_matches_numpy_reference(case):
    problem = CDProblem(np.float64, **case)
    persistent, gaussian = case["persistent"], case.get("gaussian", False)
    hidden = case.get("hidden", "binary")
    chains = problem.chains.copy()
    W, b, c = problem.W.copy(), problem.b.copy(), problem.c.copy()
    log_var = problem.log_var.copy() if case.get("learned") else None
    vel = tuple(v.copy() for v in problem.vel if v.size or case.get("learned"))
    state = problem.state.copy()
    learning_rate, momentum, weight_decay, k = problem.options[:4]
    for x in problem.batches:
        problem.step(x)
        chains, W, b, c, vel, log_var = reference_cd_step(
            x,
            chains,
            W,
            b,
            c,
            vel,
            learning_rate,
            momentum,
            weight_decay,
            k,
            persistent,
            gaussian,
            hidden,
            state,
            log_var,
            problem.offset,
            problem.min_log_var,
        )
        rows = slice(None) if persistent else slice(len(x))
        # Binary chains match exactly; linear ones to rounding.
        assert_allclose(problem.chains[rows], chains, rtol=1e-12, atol=1e-12)
        assert_allclose(problem.W, W, rtol=1e-10, atol=1e-12)
        assert_allclose(problem.b, b, rtol=1e-10, atol=1e-12)
        assert_allclose(problem.c, c, rtol=1e-10, atol=1e-12)
        if log_var is not None:
            assert_allclose(problem.log_var, log_var, rtol=1e-10, atol=1e-12)
        for got, expected in zip(problem.vel, vel):
            assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
        assert_array_equal(problem.state, state)  # both read the same number of draws


@pytest.mark.parametrize("case", CD_CASES[::2])
def test_cd_step_in_float32_stays_float32_and_close_to_float64(case):
    single, double = CDProblem(np.float32, **case), CDProblem(np.float64, **case)
    single.step(single.batches[0])
    double.step(double.batches[0])
    for name in ("W", "b", "c", "chains", "vv", "hh"):
        got, expected = getattr(single, name), getattr(double, name)
        assert got.dtype == np.float32
        assert got.shape == expected.shape
    rows = slice(None) if case["persistent"] else slice(BATCH)
    assert_allclose(single.chains[rows], double.chains[rows], rtol=1e-5, atol=1e-6)
    for name in ("W", "b", "c", "log_var"):
        assert_allclose(
            getattr(single, name), getattr(double, name), rtol=1e-4, atol=1e-5
        )
    for got, expected in zip(single.vel, double.vel):
        assert got.dtype == np.float32
        assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def run_epoch(problem, X, order=None):
    """cd_epoch_dense (or cd_epoch_csr for sparse ``X``) over the problem's bounds,
    visiting the rows in ``order`` (default: as they are)."""
    if order is None:
        order = np.arange(X.shape[0])
    args = (
        order.astype(np.int64),
        problem.bounds(),
        problem.vv,
        problem.hh,
        problem.chains,
        (
            problem.W,
            problem.b,
            problem.c,
            problem.log_var,
            problem.offset,
            problem.min_log_var,
        ),
        tuple(problem.vel),
        problem.options,
        problem.state,
    )
    if sp.issparse(X):
        cd_epoch_csr(X.data, X.indices, X.indptr, *args)
    else:
        cd_epoch_dense(X, *args)


EPOCH_CASES = [CD_CASES[0], CD_CASES[4], CD_CASES[5], CD_CASES[-3]]


def assert_same_parameters(got, expected):
    """Bit-identical parameters, chains, velocities and RNG state."""
    for name in ("W", "b", "c", "log_var", "chains", "state"):
        assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)
    for got_vel, expected_vel in zip(got.vel, expected.vel):
        assert_array_equal(got_vel, expected_vel, err_msg="velocity")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", EPOCH_CASES)
def test_cd_epoch_dense_is_cd_step_over_each_minibatch(case, dtype):
    epoch, steps = CDProblem(dtype, **case), CDProblem(dtype, **case)
    run_epoch(epoch, epoch.data())
    for x in steps.batches:
        steps.step(x)
    assert_same_parameters(epoch, steps)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", EPOCH_CASES)
def test_cd_epoch_csr_gives_the_same_parameters_as_cd_epoch_dense(case, dtype):
    dense, sparse = CDProblem(dtype, **case), CDProblem(dtype, **case)
    X = dense.data()
    X[X < 0.5] = 0.0
    X_csr = sp.csr_matrix(X)
    assert X_csr.nnz < X.size
    # Leftover rows of the previous minibatch in vv must not leak into the next one.
    sparse.vv[:] = 1.0
    run_epoch(dense, X)
    run_epoch(sparse, X_csr)
    assert_same_parameters(sparse, dense)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", EPOCH_CASES)
def test_cd_epoch_visits_the_rows_in_the_given_order(case, dtype, sparse):
    ordered, permuted = CDProblem(dtype, **case), CDProblem(dtype, **case)
    X = ordered.data()
    X[X < 0.5] = 0.0
    order = np.random.RandomState(0).permutation(X.shape[0])
    run_epoch(permuted, sp.csr_matrix(X) if sparse else X, order)
    run_epoch(ordered, np.ascontiguousarray(X[order]))
    assert_same_parameters(permuted, ordered)
    assert not np.array_equal(order, np.arange(X.shape[0]))


@pytest.mark.parametrize("dtype", DTYPES)
def test_cd_epoch_dense_leaves_its_input_unchanged(dtype):
    problem = CDProblem(dtype, **CD_CASES[0].values[0])
    X = problem.data()
    X_before = X.copy()
    run_epoch(problem, X)
    assert_array_equal(X, X_before)


# --------------------------------------------------------------------------------------
# Gibbs sampling and AIS
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_gibbs_chain_without_weights_samples_bernoulli_sigmoid_b_from_any_start(dtype):
    n = 20_000
    b = np.array([-3.0, -0.5, 0.0, 1.0, 2.5]).astype(dtype)
    W = np.zeros((3, 5), dtype=dtype)
    c = np.array([-1.0, 0.0, 2.0], dtype=dtype)
    p = special.expit(b.astype(np.float64))
    for start in (0.0, 1.0):
        v = np.full((n, 5), start, dtype=dtype)
        h = np.empty((n, 3), dtype)
        gibbs_chain(v, W, b, c, 2, BINARY, make_state(int(start)), h)
        assert v.dtype == dtype
        check_bernoulli_frequencies(v, p)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gibbs_chain_without_weights_samples_normal_b_for_gaussian_units(dtype):
    n = 20_000
    b = np.array([-3.0, 0.0, 1.5]).astype(dtype)
    W = np.zeros((2, 3), dtype=dtype)
    c = np.zeros(2, dtype=dtype)
    v = np.full((n, 3), 10.0, dtype=dtype)
    gibbs_chain(v, W, b, c, 1, LINEAR, make_state(4), np.empty((n, 2), dtype))
    sample = v.astype(np.float64)
    assert_mean_close(sample, b, 1.0)
    assert_array_less_equal(np.abs(sample.var(axis=0) - 1.0), N_SE * np.sqrt(2.0 / n))


@pytest.mark.parametrize("gaussian", [False, True])
def test_gibbs_chain_matches_numpy_reference(gaussian):
    rng = np.random.RandomState(5)
    W = rng.normal(0, 0.5, (N_HIDDEN, N_VISIBLE))
    b = rng.normal(0, 0.5, N_VISIBLE)
    c = rng.normal(0, 0.5, N_HIDDEN)
    v = rng.uniform(size=(6, N_VISIBLE))
    expected, state = v.copy(), make_state(6)
    for _ in range(3):
        h = reference_bernoulli(special.expit(expected @ W.T + c), state)
        expected = reference_visible_sample(h, W, b, gaussian, state)
    kernel_state = make_state(6)
    kind = LINEAR if gaussian else BINARY
    gibbs_chain(v, W, b, c, 3, kind, kernel_state, np.empty((6, N_HIDDEN)))
    assert_allclose(v, expected, rtol=1e-12, atol=1e-12)
    assert_array_equal(kernel_state, state)


@pytest.mark.parametrize("gaussian", [False, True])
def test_ais_log_weights_are_zero_without_weights_and_hidden_biases(gaussian):
    rng = np.random.RandomState(0)
    W = np.zeros((3, 4))
    b = rng.standard_normal(4)
    v = rng.standard_normal((50, 4))
    if not gaussian:
        v = (v > 0) * 1.0
    kind = LINEAR if gaussian else BINARY
    log_w = ais_log_weights(
        W, b, np.zeros(3), np.linspace(0, 1, 20), v, kind, make_state(0)
    )
    assert log_w.dtype == np.float64
    assert_array_equal(log_w, 0.0)


def brute_force_log_z(W, b, c, gaussian):
    """log Z summed over all hidden states and visible ones (or a Gaussian integral)."""
    n_hidden, n_visible = W.shape
    h = np.array(np.meshgrid(*[[0.0, 1.0]] * n_hidden)).reshape(n_hidden, -1).T
    if gaussian:
        # sum_h exp(c.h) * integral exp(-|v - b|^2 / 2 + v.W^T h) dv
        mean = b + h @ W
        log_terms = (
            h @ c
            + 0.5 * (mean**2).sum(axis=1)
            - 0.5 * b @ b
            + 0.5 * n_visible * np.log(2 * np.pi)
        )
        return special.logsumexp(log_terms)
    v = np.array(np.meshgrid(*[[0.0, 1.0]] * n_visible)).reshape(n_visible, -1).T
    log_terms = (v @ b)[:, None] + (h @ c)[None, :] + v @ W.T @ h.T
    return special.logsumexp(log_terms)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("gaussian", [False, True])
def test_ais_log_weights_estimate_the_exact_log_partition_function(gaussian, dtype):
    n_runs, n_visible, n_hidden = 500, 4, 3
    rng = np.random.RandomState(0)
    W = rng.normal(0, 0.5 if gaussian else 1.0, (n_hidden, n_visible))
    b = rng.standard_normal(n_visible)
    c = rng.standard_normal(n_hidden)
    if gaussian:
        v = b + rng.standard_normal((n_runs, n_visible))
        log_z_base = 0.5 * n_visible * np.log(2 * np.pi)
    else:
        v = (rng.uniform(size=(n_runs, n_visible)) < special.expit(b)) * 1.0
        log_z_base = np.logaddexp(0.0, b).sum()
    betas = np.linspace(0.0, 1.0, 500).astype(dtype)
    W, b, c, v = (x.astype(dtype) for x in (W, b, c, v))
    kind = LINEAR if gaussian else BINARY
    log_w = ais_log_weights(W, b, c, betas, v, kind, make_state(1))
    log_mean_w = special.logsumexp(log_w) - np.log(n_runs)
    log_z = log_z_base + n_hidden * np.log(2.0) + log_mean_w
    exact = brute_force_log_z(*(x.astype(np.float64) for x in (W, b, c)), gaussian)
    assert abs(log_z - exact) < 0.05


def test_scipy_blas_fallback_gives_the_same_products():
    """With SKGEN_BLAS=scipy the kernels bind SciPy's LP64 BLAS instead of numpy's
    ILP64 one; the int64 arguments must read correctly as int32 there."""
    import os
    import subprocess
    import sys

    code = (
        "import numpy as np\n"
        "import numba\n"
        "from skgen._kernels._blas import BLAS_SOURCE, gemm as blas_gemm\n"
        "@numba.njit\n"
        "def gemm(ta, tb, alpha, a, b, beta, c):\n"
        "    blas_gemm(ta, tb, alpha, a, b, beta, c)\n"
        "assert BLAS_SOURCE == 'scipy.linalg.cython_blas', BLAS_SOURCE\n"
        "rng = np.random.RandomState(0)\n"
        "for dtype in (np.float32, np.float64):\n"
        "    a, b = rng.rand(7, 5).astype(dtype), rng.rand(6, 5).astype(dtype)\n"
        "    c = np.ones((7, 6), dtype)\n"
        "    gemm(False, True, 2.0, a, b, 0.5, c)\n"
        "    np.testing.assert_allclose(c, 2 * a @ b.T + 0.5, rtol=1e-5)\n"
        "print('ok')\n"
    )
    env = dict(os.environ, SKGEN_BLAS="scipy")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_the_first_compile_is_announced_once_and_a_warm_cache_stays_silent(tmp_path):
    """A cold cache compiles before the first fit: skgen says so once on stderr.
    Loading the compiled kernels from disk says nothing; a kernel the environment
    has not compiled yet says so again."""
    import os
    import subprocess
    import sys

    from skgen._compile_notice import COMPILE_NOTICE

    code = (
        "import numpy as np\n"
        "from skgen._kernels._random import new_state, standard_normal, uniform\n"
        "state = new_state(np.random.RandomState(0))\n"
        "print(uniform(state) + standard_normal(state))\n"
    )
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True
        )
        for _ in ("cold", "warm")
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr
    assert runs[0].stderr.count(COMPILE_NOTICE) == 1  # two kernels, one notice
    assert COMPILE_NOTICE not in runs[1].stderr
    assert runs[0].stdout == runs[1].stdout
    # a kernel not met before compiles, and says so, in the same environment
    other = (
        "import numpy as np\n"
        "from skgen._kernels._activations import add_bias_sigmoid\n"
        "add_bias_sigmoid(np.zeros((2, 3), np.float32), np.zeros(3, np.float32))\n"
    )
    third = subprocess.run(
        [sys.executable, "-c", other], env=env, capture_output=True, text=True
    )
    assert third.returncode == 0, third.stderr
    assert third.stderr.count(COMPILE_NOTICE) == 1
