"""monitor: multilingual media monitoring.

Finds near-duplicate narratives (republished, rewritten or translated stories) and
repeated numeric claims across news feeds. The package is a plain library; Airflow
DAGs in ``dags/`` and the ``monitor`` CLI are thin layers over it.
"""

from monitor.errors import (
    ConfigError,
    FeedFetchError,
    FeedParseError,
    InputError,
    MonitorError,
    StoreError,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "FeedFetchError",
    "FeedParseError",
    "InputError",
    "MonitorError",
    "StoreError",
    "__version__",
]
