"""Mechanisms, one module each: investment, firm_dynamics, clustering, pairing, collective_assets (what pairing
funds buy), integration, villages, economy and fiscal. Each opens with its mechanism, parameters (units) and
sources."""
