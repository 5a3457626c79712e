"""xinhui-sim: an agent-based model of Xinhui District's 百千万工程 action plan (2023-2033)."""

__version__ = "0.1.0"
