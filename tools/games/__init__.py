"""Game-theory and oligopoly calculators: equilibria of normal-form and extensive-form games, market models."""
