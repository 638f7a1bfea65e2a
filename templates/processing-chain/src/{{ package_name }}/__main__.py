"""Entry point of ``python -m {{ package_name }}``."""

import sys

from {{ package_name }}.cli import main

sys.exit(main())
