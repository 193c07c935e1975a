#!/usr/bin/env python3
"""Builds the NF4 / double-quantisation test vectors from bitsandbytes itself (CPU path).

Writes, next to this script:
  nf4-bnb/cases.json            small hand-made cases: the NF4 and 8-bit code tables, ties on
                                midpoints, an all-zero block, an odd-length tail, extremes;
                                for each: input, packed bytes, absmax, dequantised values.
  nf4-bnb/vectors.safetensors   a weight-like tensor of 16,640 values (260 blocks of 64, so
                                the double quantisation has two 256-blocks, one partial):
                                input, packed (U8), absmax, dequantized; and with double
                                quantisation dq.absmax_q (U8), dq.absmax2, dq.offset,
                                dq.absmax_dequantized, dq.dequantized.
and the 8-bit code table of Chapters/05-QLoRA/DynamicMap.swift.

All numbers come from bitsandbytes.functional.quantize_4bit / dequantize_4bit /
dequantize_blockwise / create_dynamic_map on the CPU. Known differences from the Swift
implementation, checked by the tests: bitsandbytes' CPU 8-bit blockwise kernel picks a
neighbouring code for values within ~1e-6 of a midpoint (its search is approximate; ours is
exact nearest, ties to the lower index), and it averages the absmax values with torch's
float32 summation (ours sums in Float64), so the offsets may differ in the last bit.

Reproduce (CPU is enough):
  python3 -m venv /tmp/hfenv && /tmp/hfenv/bin/pip install torch safetensors bitsandbytes
  /tmp/hfenv/bin/python Tests/ChapterTests/Fixtures/make_nf4_fixture.py
"""
import json
import os

import numpy as np
import torch
import bitsandbytes
import bitsandbytes.functional as F
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "nf4-bnb")
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SWIFT_TABLE = os.path.join(ROOT, "Chapters", "05-QLoRA", "DynamicMap.swift")


def nf4(x, compress=False):
    t = torch.tensor(np.asarray(x, dtype=np.float32))
    packed, state = F.quantize_4bit(t, blocksize=64, quant_type="nf4", compress_statistics=compress)
    deq = F.dequantize_4bit(packed, state).reshape(-1).numpy()
    return packed.reshape(-1).numpy(), state, deq


def check_tail_scaling(x):
    """bitsandbytes scales full blocks by x * (1/absmax) and a partial tail by x / absmax; the
    Swift code uses the reciprocal everywhere. Make sure the fixture cannot tell them apart."""
    x = np.asarray(x, dtype=np.float32)
    rem = x.size % 64
    if rem == 0:
        return
    tail = x[-rem:]
    am = np.abs(tail).max()
    a = np.clip(tail * (np.float32(1) / am), -1, 1)
    b = np.clip(tail / am, -1, 1)
    mids = F.get_4bit_type("nf4", device="cpu").numpy()
    mids = ((mids[:-1] + mids[1:]) / np.float32(2)).astype(np.float32)
    assert (np.searchsorted(mids, a) == np.searchsorted(mids, b)).all(), "tail scaling ambiguity"


def case(name, x):
    check_tail_scaling(x)
    packed, state, deq = nf4(x)
    return {
        "name": name,
        "input": [float(v) for v in np.asarray(x, dtype=np.float32)],
        "packed": [int(v) for v in packed],
        "absmax": [float(v) for v in state.absmax.numpy()],
        "dequantized": [float(v) for v in deq],
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    code = F.get_4bit_type("nf4", device="cpu").numpy().astype(np.float32)
    mids = ((code[:-1] + code[1:]) / np.float32(2)).astype(np.float32)
    dyn = F.create_dynamic_map().numpy().astype(np.float32)
    rng = np.random.default_rng(0)

    # Ties: a block with absmax exactly 1 (so scaling is exact) holding every midpoint (must go
    # to the lower code), the neighbours one ulp above (upper code), and every code value.
    ties = [1.0] + [float(m) for m in mids] + [float(np.nextafter(m, np.float32(2))) for m in mids] + [float(c) for c in code]
    ties += [0.0] * (64 - len(ties))
    extremes = np.concatenate([[-3.0, 3.0, 1e-7, -1e-7, 2.9999], rng.normal(0, 1, 59)]).astype(np.float32)
    cases = [
        case("midpoint ties (absmax 1)", np.array(ties, dtype=np.float32)),
        case("an all-zero block, then a normal block", np.concatenate([np.zeros(64), rng.normal(0, 0.02, 64)]).astype(np.float32)),
        case("odd length with a partial tail block", rng.normal(0, 1, 101).astype(np.float32)),
        case("extremes: -absmax, +absmax, tiny values", extremes),
    ]
    doc = {
        "description": "bitsandbytes NF4 (blocksize 64) on the CPU; packed: two codes per byte, first in the high nibble",
        "bitsandbytes_version": bitsandbytes.__version__,
        "torch_version": torch.__version__,
        "nf4_code": [float(v) for v in code],
        "dynamic_code": [float(v) for v in dyn],
        "cases": cases,
    }
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")

    # A weight-like tensor: normal(0, 0.02) with a few outliers, 260 blocks of 64.
    x = rng.normal(0, 0.02, 260 * 64).astype(np.float32)
    x[rng.integers(0, x.size, 40)] *= 8
    packed, state, deq = nf4(x)
    packed_dq, state_dq, deq_dq = nf4(x, compress=True)
    assert (packed_dq == packed).all()
    absmax_deq = (F.dequantize_blockwise(state_dq.absmax, state_dq.state2) + state_dq.offset).numpy()
    save_file({
        "input": x,
        "packed": packed.astype(np.uint8),
        "absmax": state.absmax.numpy().astype(np.float32),
        "dequantized": deq.astype(np.float32),
        "dq.absmax_q": state_dq.absmax.numpy().astype(np.uint8),
        "dq.absmax2": state_dq.state2.absmax.numpy().astype(np.float32),
        "dq.offset": np.array([float(state_dq.offset)], dtype=np.float32),
        "dq.absmax_dequantized": absmax_deq.astype(np.float32),
        "dq.dequantized": deq_dq.astype(np.float32),
    }, os.path.join(OUT, "vectors.safetensors"), metadata={"bitsandbytes": bitsandbytes.__version__})

    # The 8-bit code table for the Swift module, as exact Float32 bit patterns.
    bits = dyn.view(np.uint32)
    lines = []
    for i in range(0, 256, 8):
        lines.append("        " + ", ".join(f"0x{b:08x}" for b in bits[i:i + 8]) + ",")
    swift = f'''// Generated by Tests/ChapterTests/Fixtures/make_nf4_fixture.py from bitsandbytes {bitsandbytes.__version__}
// (`bitsandbytes.functional.create_dynamic_map()`); do not edit by hand.

/// bitsandbytes' signed "dynamic" 8-bit code (Dettmers 2015, "8-Bit Approximations for
/// Parallelism in Deep Learning"), the code bitsandbytes uses to double-quantise absmax values.
///
/// Each of the 256 values is ±10^(e−6) · f: a decimal exponent e in 0...6 and a fraction f taken
/// from the midpoints of 2^e equal steps of [0.1, 1]. Small exponents get few fractions and
/// large ones many, so the code is dense near 0 and still reaches ±1 (the largest magnitude
/// below 1 is 0.99297; 1.0 and 0 are included; −1 is not). The Float32 values depend on
/// torch.linspace's rounding, so they are stored here bit for bit rather than recomputed.
public enum DynamicMap {{
    /// The 256 code values, ascending, as Float32 bit patterns.
    static let bits: [UInt32] = [
{chr(10).join(lines)}
    ]
    public static let code: [Float] = bits.map {{ Float(bitPattern: $0) }}
}}
'''
    with open(SWIFT_TABLE, "w") as f:
        f.write(swift)
    print("wrote", OUT, "and", SWIFT_TABLE)


if __name__ == "__main__":
    main()
