"""archlint's benchmark: a deterministic generator of realistic mixed repository trees
(``bench.generate``) and a runner that measures the speed targets of issue 7 (``bench.run``).

    python -m bench                      # the full benchmark (1k/5k/10k files)
    python -m bench --sizes 20 --repeat 1 --quick   # a smoke run (what tests/test_bench.py does)

See BENCHMARKS.md for the latest table and how to read it.
"""
