"""Structural-engineering calculators: seismic hazard and base shear (NBC 2015 / BCBC 2018), load combinations,
2D frame analysis, section properties and steel member checks (CSA S16)."""
