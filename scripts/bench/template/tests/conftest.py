import numpy as np
import pytest


@pytest.fixture
def leo_state() -> np.ndarray:
    return np.array([7.0e6, 0.0, 0.0, 0.0, 7.5e3, 0.0])
