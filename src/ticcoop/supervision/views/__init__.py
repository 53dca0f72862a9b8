"""Pages of the regulators' workbench (监管工作台): every write goes through the services."""
