"""The course's benchmark suite: training speed, whole-book run time and memory, and the quality
of its models against published results. Run it with `make bench` (see benchmarks/run.py)."""
