"""Mechanisms, one module each: investment, firm_dynamics, clustering, pairing, integration, villages,
economy and fiscal. Each opens with its mechanism, parameters (units) and sources."""
