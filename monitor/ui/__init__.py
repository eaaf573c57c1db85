"""The Narratives view shown inside the Airflow UI: what the store knows (narratives with origin
and spread, repeated figures, latest alerts, feed health), gathered and rendered without Airflow.

``monitor.ui.data`` reads the store; ``monitor.ui.app`` builds the FastAPI app that
``plugins/monitor_narratives.py`` mounts behind Airflow's login.
"""
