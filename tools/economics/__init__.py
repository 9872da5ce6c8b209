"""Economics calculators beyond game theory: intertemporal choice and social choice (voting)."""
