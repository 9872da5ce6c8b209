"""Datasets shipped with the suite and their loaders (no downloads at run time)."""

from .recon import answer_type_of, load_recon

__all__ = ["answer_type_of", "load_recon"]
