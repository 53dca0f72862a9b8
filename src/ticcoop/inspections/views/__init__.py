"""Pages of the inspections app: every write goes through ``inspections.services``."""
