"""placeholder replaced below"""
from __future__ import annotations
def find_counterexample(lhs, rhs, uses, hypotheses):
    return None
