"""Allows `python -m {{ package_name }}`."""

from {{ package_name }}.cli import main

raise SystemExit(main())
