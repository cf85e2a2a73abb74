"""Pages of the teams app, one module per area."""
