"""{{ description }}."""

from {{ package_name }}.steps import clean, normalise, run

__all__ = ["__version__", "clean", "normalise", "run"]
__version__ = "0.1.0"
