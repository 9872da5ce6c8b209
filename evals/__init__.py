"""Evaluation of any backend on the reasoning benchmarks, with per-sample records."""

from .answers import Verdict, check_answer, extract_answer
from .recon_sample import SampleRun, run_recon_sample

__all__ = ["SampleRun", "Verdict", "check_answer", "extract_answer", "run_recon_sample"]
