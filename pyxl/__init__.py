"""salestrack: sales target tracking for Excel workbooks."""

__version__ = "0.1.0"
