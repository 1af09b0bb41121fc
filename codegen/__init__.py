"""codegen: compile vendors' error documentation into typed Python error handling."""

__version__ = "0.1.0"
