"""schemathesis hooks module for the raw-CLI side of bench_contracts.py (`SCHEMATHESIS_HOOKS=contracts_st_hooks`).

It gives `schemathesis run` exactly what the contract suite's layer 1 adds: the custom checks (registered on
import of contracts.schema_checks) with the azure-v1 rules switched on, and the cost-control `before_call` hook
with the same deployment (no budget: both sides run unbudgeted for the comparison).
"""

from __future__ import annotations

import os

from contracts import cost_control, schema_checks
from contracts.profiles import rules_for

schema_checks.activate(rules_for(os.environ.get("CONTRACTS_PROFILE", "azure-v1")))
cost_control.activate(cost_control.CostPolicy(deployment=os.environ.get("CONTRACTS_DEPLOYMENT", "o4-mini")))
