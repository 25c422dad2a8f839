#!/usr/bin/env python3
"""Independent values for tests/test_bgnbd.c: the BG/NBD log-likelihood (FHL 2005 eq. 6),
P(alive) (eq. A10), the conditional expectation (eq. 10, the Gaussian hypergeometric
function by mpmath at 50 digits), E[X(t)] (eq. 7), the Gamma-Gamma log-likelihood and
conditional spend (Fader & Hardie 2013 eqs. 3 and 5) and the monthly-discounted CLV, each
straight from the paper's formula, with no transformation.

Each output line is: kind set a1 a2 a3 a4 value (a1..a4 as listed per kind below).
  --c    print the lines as C string literals (pasted into test_bgnbd.c once)
Exit 77 when scipy or mpmath is missing (a ctest skip).
"""
import sys

try:
    import mpmath as mp
    from scipy.special import betaln, gammaln
except ImportError:
    print("bgnbd_reference: needs python3-scipy and python3-mpmath", file=sys.stderr)
    sys.exit(77)

mp.mp.dps = 50

# r, alpha, a, b: CDNOW's published fit (weeks); a = 1 exactly; a + b < 1; a large b
BG = [(0.243, 4.414, 0.793, 2.426), (0.5, 30.0, 1.0, 5.0), (2.0, 10.0, 0.3, 0.6),
      (0.8, 60.0, 3.5, 40.0)]
# x, t_x, T: CDNOW-like rows, then large x and T where the naive forms overflow
CUSTOMERS = [(0, 0.0, 38.86), (2, 30.43, 38.86), (1, 1.71, 38.86), (7, 35.0, 39.0),
             (50, 300.0, 310.0), (500, 3000.0, 3100.0), (10000, 99000.0, 100000.0),
             (3, 0.5, 200.0), (40, 20.0, 400.0)]
HORIZONS = [39.0, 52.0, 365.0, 1000.0]
GG = [(6.25, 3.74, 15.44), (1.5, 2.2, 40.0)]
SPEND = [(1, 10.0), (2, 22.35), (50, 100.0), (10000, 35.5)]
CLV = [(365.0, 365.25, 0.10), (52.0, 365.25 / 7.0, 0.10), (730.0, 365.25, 0.0)]


def loglik(r, alpha, a, b, x, t_x, T):
    """eq. 6: ln of B(a,b+x)/B(a,b) Γ(r+x)α^r/(Γ(r)(α+T)^(r+x)) + δ B(a+1,b+x−1)/B(a,b) …"""
    common = gammaln(r + x) - gammaln(r) + r * mp.log(alpha) - betaln(a, b)
    t1 = betaln(a, b + x) - (r + x) * mp.log(alpha + T)
    if x == 0:
        return common + t1
    t2 = betaln(a + 1, b + x - 1) - (r + x) * mp.log(alpha + t_x)
    return common + mp.log(mp.exp(mp.mpf(t1)) + mp.exp(mp.mpf(t2)))


def p_alive(r, alpha, a, b, x, t_x, T):
    if x == 0:
        return mp.mpf(1)
    odds = mp.mpf(a) / (b + x - 1) * ((mp.mpf(alpha) + T) / (mp.mpf(alpha) + t_x)) ** (r + x)
    return 1 / (1 + odds)


def conditional(r, alpha, a, b, x, t_x, T, t):
    """eq. 10 as printed."""
    r, alpha, a, b = (mp.mpf(v) for v in (r, alpha, a, b))
    if a == 1:  # the formula's 0/0: the mean of a = 1 ± 1e-20 (50 digits leave 30)
        h = mp.mpf("1e-20")
        return (conditional(r, alpha, a + h, b, x, t_x, T, t)
                + conditional(r, alpha, a - h, b, x, t_x, T, t)) / 2
    z = t / (alpha + T + t)
    f = mp.hyp2f1(r + x, b + x, a + b + x - 1, z)
    core = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * f)
    return core * p_alive(r, alpha, a, b, x, t_x, T)


def clv(bg, x, t_x, T, spend, horizon, per_year, d):
    month, total, prev, m = per_year / 12.0, mp.mpf(0), mp.mpf(0), 1
    while True:
        t_m = min(m * month, horizon)
        e = conditional(*bg, x, t_x, T, t_m)
        total += (e - prev) / (1 + mp.mpf(d)) ** (mp.mpf(t_m) / per_year)
        prev = e
        if t_m >= horizon:
            return spend * total
        m += 1


def gg_loglik(p, q, g, x, m):
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * mp.log(g) + (px - 1) * mp.log(m)
            + px * mp.log(x) - (px + q) * mp.log(g + x * mp.mpf(m)))


def gg_spend(p, q, g, x, m):
    return (mp.mpf(p) * g + mp.mpf(p) * x * m) / (mp.mpf(p) * x + q - 1)


def lines():
    out = []
    for s, bg in enumerate(BG):
        for (x, t_x, T) in CUSTOMERS:
            out.append(("ll", s, x, t_x, T, 0, loglik(*bg, x, t_x, T)))
            out.append(("palive", s, x, t_x, T, 0, p_alive(*bg, x, t_x, T)))
            for t in HORIZONS:
                out.append(("cond", s, x, t_x, T, t, conditional(*bg, x, t_x, T, t)))
        for t in HORIZONS:
            out.append(("uncond", s, 0, 0, 0, t, conditional(*bg, 0, 0.0, 0.0, t)))
    for s, gg in enumerate(GG):
        for (x, m) in SPEND:
            out.append(("ggll", s, x, m, 0, 0, gg_loglik(*gg, x, m)))
            out.append(("ggspend", s, x, m, 0, 0, gg_spend(*gg, x, m)))
    # CLV: BG set 0 and 1, spend 25, every setting (index in a4)
    for s in (0, 1):
        for k, (h, per_year, d) in enumerate(CLV):
            for (x, t_x, T) in CUSTOMERS[:5]:
                out.append(("clv%d" % k, s, x, t_x, T, 25.0, clv(BG[s], x, t_x, T, 25.0, h,
                                                                  per_year, d)))
    return out


def main():
    c = "--c" in sys.argv[1:]
    for kind, s, a1, a2, a3, a4, v in lines():
        text = "%s %d %r %r %r %r %r" % (kind, s, float(a1), float(a2), float(a3), float(a4),
                                         float(v))
        print('    "%s",' % text if c else text)


if __name__ == "__main__":
    main()
