"""Configuration of {{ project_slug }}, read from YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml


@dataclass
class Config:
    step_seconds: float = 10.0
    initial_state: np.ndarray = field(
        default_factory=lambda: np.array([7.0e6, 0.0, 0.0, 0.0, 7.5e3, 0.0])
    )


def load_config(path: str | Path) -> Config:
    path = Path(path)
    if not path.exists():
        return Config()
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config = Config(step_seconds=float(raw.get("step_seconds", 10.0)))
    if "initial_state" in raw:
        config.initial_state = np.array(raw["initial_state"], dtype=float)
    return config
