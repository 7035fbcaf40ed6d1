#!/usr/bin/env python3
"""FLINT's exact rank, timed inside the tool, for bench/rank-vs-pari.ts.

Usage: rank_flint.py MATRIX.json REPS PRIME
Reads the matrix (JSON rows of decimal strings), builds it as an fmpz_mat and as an nmod_mat modulo
PRIME (building is not timed), then times fmpz_mat.rank() (exact over Z; FLINT gives no certificate)
and nmod_mat.rank() (one prime: a lower bound only, the analogue of one step of memcap's search),
best of REPS each (wall time; the CPU time of fmpz too). Prints one JSON line
{fmpz_rank, fmpz_s, fmpz_cpu_s, nmod_rank, nmod_s, flint, python_flint}.
"""
import json
import sys
import time

import flint


def best(f, reps):
    """Result, best wall time and best CPU time (process_time) over reps calls."""
    out, b, c = None, float("inf"), float("inf")
    for _ in range(reps):
        t, u = time.perf_counter(), time.process_time()
        out = f()
        b = min(b, time.perf_counter() - t)
        c = min(c, time.process_time() - u)
    return out, b, c


def main():
    path, reps, prime = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path) as fh:
        rows = [[int(x) for x in r] for r in json.load(fh)]
    A = flint.fmpz_mat(rows)
    N = flint.nmod_mat([[x % prime for x in r] for r in rows], prime)
    fr, fs, fc = best(A.rank, reps)
    nr, ns, _ = best(N.rank, reps)
    print(json.dumps({"fmpz_rank": fr, "fmpz_s": fs, "fmpz_cpu_s": fc, "nmod_rank": nr, "nmod_s": ns,
                      "flint": getattr(flint, "__FLINT_VERSION__", "?"), "python_flint": flint.__version__}))


if __name__ == "__main__":
    main()
