"""One migrated Airflow home per test session, shared by the DAG, UI and browser tests.

Airflow reads its configuration once, at first import, so the environment is set here before
anything imports ``airflow``; every Airflow test calls ``airflow_home()`` first.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAGS = ROOT / "dags"
PLUGINS = ROOT / "plugins"
VENV_BIN = Path(sys.executable).parent
DAG_IDS = ("monitor_ingest", "monitor_analyze", "monitor_digest", "monitor_maintenance")


def airflow_env(home: Path) -> dict[str, str]:
    """The environment an Airflow process for the project needs (also used for subprocesses)."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        # Stable per home, so every process of one test Airflow signs and checks tokens alike.
        "AIRFLOW__API_AUTH__JWT_SECRET": hashlib.sha512(str(home).encode()).hexdigest(),
        "MONITOR_AIRFLOW_RETRY_DELAY": "0.1",
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@functools.cache
def airflow_home() -> Path:
    """A temporary AIRFLOW_HOME with a migrated metadata database, set in ``os.environ``."""
    if "airflow" in sys.modules and not os.environ.get("AIRFLOW_HOME", "").startswith(tempfile.gettempdir()):
        raise RuntimeError("airflow was imported before the test Airflow home was set up")
    home = Path(tempfile.mkdtemp(prefix="monitor-airflow-"))
    env = airflow_env(home)
    os.environ.update(env)
    subprocess.run([str(VENV_BIN / "airflow"), "db", "migrate"], check=True, env=os.environ.copy(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return home
