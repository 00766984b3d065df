"""tradeblocs simulation core: the Mesa model of the Americas' split, 2003-2016."""

from .model import TradeBlocsModel
from .scenario import Scenario, ScenarioError, load_scenario

__all__ = ["Scenario", "ScenarioError", "TradeBlocsModel", "load_scenario", "__version__"]

try:
    from importlib.metadata import version as _version

    __version__ = _version("tradeblocs")
except Exception:  # pragma: no cover - running from a source tree without installing
    __version__ = "0.0.0+unknown"
