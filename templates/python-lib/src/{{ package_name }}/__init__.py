"""{{ description }}."""

from {{ package_name }}.text import slugify

__all__ = ["__version__", "slugify"]
__version__ = "0.1.0"
