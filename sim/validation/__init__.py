"""Validation of the model against data, stylized facts and measured policy effects (literature.md §6)."""
