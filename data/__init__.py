"""Datasets shipped with the suite and their loaders (no downloads at run time)."""

from .masse import load_rack_problems, masse_records, problem_description
from .recon import TrainHygiene, answer_type_of, load_recon, train_hygiene
from .recon_categories import CATEGORIES as RECON_CATEGORIES
from .recon_categories import category_of

__all__ = [
    "RECON_CATEGORIES",
    "load_rack_problems",
    "masse_records",
    "problem_description",
    "TrainHygiene",
    "answer_type_of",
    "category_of",
    "load_recon",
    "train_hygiene",
]
