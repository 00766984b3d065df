"""tradeblocs simulation core: the Mesa model of the Americas' split, 2003-2016."""

import os
from pathlib import Path

# The compiled loops (sim/kernels.py) are cached beside the code; where an install cannot be
# written to, numba caches them in the user's cache folder instead of compiling every process.
if "NUMBA_CACHE_DIR" not in os.environ and not os.access(Path(__file__).parent, os.W_OK):
    _cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    os.environ["NUMBA_CACHE_DIR"] = str(_cache / "tradeblocs" / "numba")

from .model import TradeBlocsModel  # noqa: E402
from .scenario import Scenario, ScenarioError, load_scenario  # noqa: E402

__all__ = ["Scenario", "ScenarioError", "TradeBlocsModel", "load_scenario", "__version__"]

try:
    from importlib.metadata import version as _version

    __version__ = _version("tradeblocs")
except Exception:  # pragma: no cover - running from a source tree without installing
    __version__ = "0.0.0+unknown"
