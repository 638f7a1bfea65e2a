"""Reading and writing ephemerides as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def write_ephemeris(path: str | Path, times: np.ndarray, states: np.ndarray) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["t", "x", "y", "z", "vx", "vy", "vz"])
        for t, state in zip(times, states):
            writer.writerow([t, *state])


def read_ephemeris(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, 0], data[:, 1:]
