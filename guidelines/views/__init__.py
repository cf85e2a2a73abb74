"""Pages of the guidelines app: the step plan of a school, and the pilot overview."""
