#!/usr/bin/env python3
"""Writes preference-loss-vectors.json: inputs and expected outputs of the reward-model and
DPO-family losses, computed here in plain Python (math module, float64) from the formulas of
TRL's RewardTrainer, DPOTrainer.dpo_loss (sigmoid, hinge, ipo, robust), CPOTrainer (simpo),
ORPOTrainer.odds_ratio_loss and KTOTrainer.kto_loss, independently of the Swift code.
Usage: python3 Tests/ChapterTests/Fixtures/make_preference_loss_vectors.py
"""
import json, math, os, random

def logsigmoid(x):
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))

def sigmoid(x):
    return 1 / (1 + math.exp(-x))

def mean(xs):
    return sum(xs) / len(xs)

def pair_loss(kind, pc, pr, rc, rr, nc, nr, beta, eps, gamma):
    """Mean loss over the batch and the per-pair rewards, as TRL computes them."""
    losses, cr, rj = [], [], []
    if kind == "orpo":
        ac = [p / n for p, n in zip(pc, nc)]
        ar = [p / n for p, n in zip(pr, nr)]
        ratios = []
        for c, r in zip(ac, ar):
            log_odds = (c - r) - (math.log1p(-math.exp(c)) - math.log1p(-math.exp(r)))
            ratios.append(logsigmoid(log_odds))
        nll = -sum(pc) / sum(nc)          # cross-entropy over all chosen completion tokens
        return nll - beta * mean(ratios), [beta * c for c in ac], [beta * r for r in ar]
    for i in range(len(pc)):
        if kind in ("ipo", "simpo"):     # per-token averaged log-probs
            c, r = pc[i] / nc[i], pr[i] / nr[i]
            c0, r0 = rc[i] / nc[i], rr[i] / nr[i]
        else:
            c, r, c0, r0 = pc[i], pr[i], rc[i], rr[i]
        if kind == "simpo":
            logits = (c - r) - gamma / beta
            loss = -logsigmoid(beta * logits) * (1 - eps) - logsigmoid(-beta * logits) * eps
            cr.append(beta * c); rj.append(beta * r)
        else:
            logits = (c - r) - (c0 - r0)
            if kind == "sigmoid":
                loss = -logsigmoid(beta * logits) * (1 - eps) - logsigmoid(-beta * logits) * eps
            elif kind == "hinge":
                loss = max(0.0, 1 - beta * logits)
            elif kind == "ipo":
                loss = (logits - 1 / (2 * beta)) ** 2
            elif kind == "robust":
                loss = (-logsigmoid(beta * logits) * (1 - eps) + logsigmoid(-beta * logits) * eps) / (1 - 2 * eps)
            cr.append(beta * (c - c0)); rj.append(beta * (r - r0))
        losses.append(loss)
    return mean(losses), cr, rj

def kto(p, ref, labels, pkl, rkl, beta, wd, wu):
    z = max(mean([a - b for a, b in zip(pkl, rkl)]), 0.0)
    losses = []
    for x, x0, good in zip(p, ref, labels):
        r = x - x0
        losses.append(wd * (1 - sigmoid(beta * (r - z))) if good else wu * (1 - sigmoid(beta * (z - r))))
    return mean(losses), z

def bradley_terry(c, r, m, k):
    loss = mean([-logsigmoid(a - b - (mm if m else 0)) for a, b, mm in zip(c, r, m or [0] * len(c))])
    if k:
        loss += k * mean([(a + b) ** 2 for a, b in zip(c, r)])
    return loss

rng = random.Random(8)
cases = []
def batch(n, equal=False):
    nc = [rng.randint(5, 60) for _ in range(n)]
    nr = [rng.randint(5, 60) for _ in range(n)]
    pc = [round(-t * rng.uniform(0.2, 1.5), 3) for t in nc]
    pr = [round(-t * rng.uniform(0.2, 1.5), 3) for t in nr]
    if equal:
        return pc, pr, list(pc), list(pr), nc, nr
    rc = [round(p + rng.gauss(0, 5), 3) for p in pc]
    rr = [round(p + rng.gauss(0, 5), 3) for p in pr]
    return pc, pr, rc, rr, nc, nr

for kind in ["sigmoid", "hinge", "ipo", "robust", "simpo", "orpo"]:
    for beta, eps, gamma, equal in [(0.1, 0.0, 0.5, True), (0.1, 0.0, 0.5, False), (0.5, 0.1, 0.3, False), (2.0, 0.2, 1.0, False)]:
        if kind in ("hinge", "ipo", "orpo") and eps:
            eps = 0.0
        if kind == "robust" and not eps:
            eps = 0.1 if not equal else 0.0
        pc, pr, rc, rr, nc, nr = batch(5, equal)
        loss, cr, rj = pair_loss(kind, pc, pr, rc, rr, nc, nr, beta, eps, gamma)
        cases.append(dict(kind=kind, beta=beta, label_smoothing=eps, simpo_gamma=gamma, policy_chosen=pc, policy_rejected=pr,
                          reference_chosen=rc, reference_rejected=rr, chosen_counts=nc, rejected_counts=nr,
                          loss=loss, chosen_rewards=cr, rejected_rewards=rj))

kto_cases = []
for beta, drift, wd, wu in [(0.1, 2.0, 1.0, 1.0), (0.1, -2.0, 1.0, 1.0), (0.5, 0.7, 1.0, 1.33)]:
    n = 6
    p = [round(rng.uniform(-80, -10), 3) for _ in range(n)]
    ref = [round(x + rng.gauss(0, 4), 3) for x in p]
    labels = [rng.random() < 0.5 for _ in range(n)]
    pkl = [round(rng.uniform(-150, -60), 3) for _ in range(n)]
    rkl = [round(x - drift + rng.gauss(0, 1), 3) for x in pkl]
    loss, z = kto(p, ref, labels, pkl, rkl, beta, wd, wu)
    kto_cases.append(dict(beta=beta, desirable_weight=wd, undesirable_weight=wu, policy=p, reference=ref, labels=labels,
                          policy_kl=pkl, reference_kl=rkl, loss=loss, z=z))

bt_cases = []
for m, k in [(None, 0.0), ([0.5, 1.0, 0.0, 2.0], 0.0), (None, 0.01), ([0.1, 0.2, 0.3, 0.4], 0.05)]:
    c = [round(rng.gauss(0, 2), 3) for _ in range(4)]
    r = [round(rng.gauss(0, 2), 3) for _ in range(4)]
    bt_cases.append(dict(chosen=c, rejected=r, margin=m, centering=k, loss=bradley_terry(c, r, m, k)))

out = dict(note="made by make_preference_loss_vectors.py (plain Python, float64, TRL's formulas)",
           pair_losses=cases, kto=kto_cases, bradley_terry=bt_cases)
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "preference-loss-vectors.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {path}: {len(cases)} pair-loss cases, {len(kto_cases)} KTO cases, {len(bt_cases)} Bradley-Terry cases")
