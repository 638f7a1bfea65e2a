"""Two-body propagation, the heart of {{ project_name }}."""

from __future__ import annotations

import numpy as np

MU_EARTH = 3.986004418e14  # m^3 s^-2


def acceleration(position: np.ndarray) -> np.ndarray:
    radius = np.linalg.norm(position)
    return -MU_EARTH * position / radius**3


def propagate(state: np.ndarray, step: float, steps: int) -> np.ndarray:
    """Integrates `state` = (x, y, z, vx, vy, vz) with a fourth-order Runge-Kutta scheme."""
    current = np.asarray(state, dtype=float)
    for _ in range(steps):
        current = _rk4(current, step)
    return current


def _derivative(state: np.ndarray) -> np.ndarray:
    return np.concatenate([state[3:], acceleration(state[:3])])


def _rk4(state: np.ndarray, h: float) -> np.ndarray:
    k1 = _derivative(state)
    k2 = _derivative(state + h / 2 * k1)
    k3 = _derivative(state + h / 2 * k2)
    k4 = _derivative(state + h * k3)
    return state + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
