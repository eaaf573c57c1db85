"""The ``monitor`` command line: a thin layer over the library (see monitor.cli.app)."""
